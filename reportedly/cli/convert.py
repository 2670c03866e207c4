"""``reportedly convert ...``: brat, CoNLL, plain text and quoted strings to and from documents.

Each command calls one converter of :mod:`reportedly.convert` (or :func:`reportedly.align.align_document`),
prints every issue with its place and fix, validates what it would write, and writes nothing when
there is an error. Files are written atomically, and an existing file with other content is only
replaced with ``--overwrite``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from reportedly.align import DEFAULT_FUZZY_THRESHOLD, align_document
from reportedly.cli.app import DEFAULT_SCHEMA, SchemaOption, app, console, err_console, fail, open_schema
from reportedly.convert.brat import (
    DISCONTINUOUS_POLICIES,
    BratMapping,
    bundled_mappings,
    export_brat,
    import_brat_folder,
    load_mapping,
)
from reportedly.convert.conll import export_conll, import_conll
from reportedly.convert.issues import ConvertError, Issue
from reportedly.convert.plain import import_texts
from reportedly.document import (
    Document,
    DocumentError,
    atomic_write_text,
    document_to_dict,
    dumps_document,
    read_documents,
)
from reportedly.incidents import Incident, Severity
from reportedly.schema import Schema
from reportedly.validate import validate_record

convert_app = typer.Typer(
    help="Convert between reportedly documents and other formats.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(convert_app, name="convert")

OverwriteOption = Annotated[
    bool, typer.Option("--overwrite", help="Replace output files that exist with other content.")
]


# --- shared steps -----------------------------------------------------------------------------


def _report(issues: Iterable[Issue]) -> None:
    for issue in issues:
        style = "red" if issue.level == "error" else "yellow"
        err_console.print(f"[{style}]{issue.render()}[/]", highlight=False, soft_wrap=True, markup=True, emoji=False)


def _stop_on_errors(issues: Sequence[Issue]) -> None:
    _report(issues)
    errors = [i for i in issues if i.level == "error"]
    if errors:
        raise fail(f"{len(errors)} error(s); nothing written", errors[0].code)


def _read(path: Path, what: str) -> list[Document]:
    try:
        return read_documents(path)
    except (DocumentError, OSError) as exc:
        raise fail(f"cannot read {what} {path}: {exc}", getattr(exc, "code", "RPT-PATH-MISSING")) from None


def _mapping(name: str, schema: Schema) -> BratMapping:
    try:
        return load_mapping(name, schema)
    except ConvertError as exc:
        _report(exc.issues)
        raise fail(f"cannot use mapping {name!r}", exc.code) from None


def _validate(
    documents: Iterable[tuple[Document, str, Mapping[str, int]]],
    schema: Schema,
    *,
    expected_layer: str | None = None,
    annotator_of: Mapping[int, str] | None = None,
    allow_missing_attrs: bool = False,
) -> None:
    """Validate documents about to be written; print every incident; stop on errors.
    ``documents`` are ``(document, file it came from, span id -> line in that file)``."""
    errors, missing = 0, 0
    first_code = ""
    for index, (doc, file, lines) in enumerate(documents):
        annotator = annotator_of.get(index) if annotator_of else None
        incidents, _ = validate_record(
            document_to_dict(doc), schema, file=file, expected_layer=expected_layer, annotator=annotator
        )
        for incident in incidents:
            if incident.line is None and incident.span_id is not None and incident.span_id in lines:
                incident = replace(incident, line=lines[incident.span_id])
            if allow_missing_attrs and incident.code == "RPT-ATTR-MISSING":
                missing += 1
                continue
            _print_incident(incident)
            if incident.severity is Severity.ERROR:
                errors += 1
                first_code = first_code or incident.code
    if missing:
        err_console.print(
            f"note: {missing} required attribute value(s) missing (allowed here); "
            "`reportedly validate` lists them until they are filled",
            highlight=False,
        )
    if errors:
        raise fail(f"{errors} validation error(s); nothing written", first_code)


def _print_incident(incident: Incident) -> None:
    style = "red" if incident.severity is Severity.ERROR else "yellow"
    err_console.print(f"[{style}]{incident.render()}[/]", highlight=False, soft_wrap=True, markup=True, emoji=False)


def _document_files(documents: Sequence[Document], out: Path) -> dict[Path, str]:
    """``out`` as a .jsonl file of all documents, or a folder of ``<id>.json`` files."""
    if out.suffix == ".jsonl":
        lines = [json.dumps(document_to_dict(d), ensure_ascii=False) + "\n" for d in documents]
        return {out: "".join(lines)}
    return {out / f"{doc.id}.json": dumps_document(doc) for doc in documents}


def _write(files: Mapping[Path, str], *, overwrite: bool) -> int:
    """Write every file atomically; refuse (before writing any) when one exists with other content."""
    changed = {
        path: content
        for path, content in files.items()
        if not path.exists() or path.read_text(encoding="utf-8") != content
    }
    clashes = [path for path in changed if path.exists()]
    if clashes and not overwrite:
        shown = ", ".join(map(str, clashes[:5])) + (f" and {len(clashes) - 5} more" if len(clashes) > 5 else "")
        _report([Issue("RPT-OUT-EXISTS", f"{len(clashes)} file(s) would change: {shown}")])
        raise fail("nothing written; pass --overwrite to replace them", "RPT-OUT-EXISTS")
    for path, content in changed.items():
        atomic_write_text(path, content)
    return len(changed)


def _provenance(
    schema: Schema, annotator: str | None, method: str | None, system: str | None, default_method: str
) -> dict[str, Any]:
    if (annotator is None) == (system is None):
        raise fail("give exactly one of --annotator (annotation layer) or --system (predictions)", "RPT-CLI-OPTION")
    if annotator is not None:
        return {
            "layer": "annotation",
            "annotators": [annotator],
            "method": method or default_method,
            "schema_version": schema.version,
        }
    return {"layer": "prediction", "system": system, "schema_version": schema.version}


# --- strings ----------------------------------------------------------------------------------


def _records(path: Path) -> list[tuple[str, Any]]:
    """Quote records from a .json file (one record or a list) or a .jsonl file, with their place."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return [(f"{path}:{n}", json.loads(line)) for n, line in enumerate(raw.splitlines(), 1) if line.strip()]
    data = json.loads(raw)
    return [(str(path), item) for item in (data if isinstance(data, list) else [data])]


@convert_app.command("strings")
def convert_strings(
    inputs: Annotated[list[Path], typer.Argument(help="Quote files (.json or .jsonl) of {id, spans, relations}.")],
    texts: Annotated[Path, typer.Option(help="Folder or .jsonl of documents that hold the texts.")],
    out: Annotated[Path, typer.Option(help="A folder (one <id>.json each) or a .jsonl file.")],
    annotator: Annotated[str | None, typer.Option(help="Write annotation layers for this annotator id.")] = None,
    method: Annotated[str | None, typer.Option(help="How the layer was produced (goes into provenance).")] = None,
    system: Annotated[str | None, typer.Option(help="Write predictions of this system name instead.")] = None,
    mode: Annotated[
        str, typer.Option(help="strict: repeated strings need context; order: resolve by order.")
    ] = "strict",
    fuzzy: Annotated[
        bool | None,
        typer.Option(
            "--fuzzy/--no-fuzzy",
            help="Fall back to fuzzy matching (default: on for --system, off for --annotator).",
            show_default=False,
        ),
    ] = None,
    fuzzy_threshold: Annotated[
        float, typer.Option(help="Least similarity (0-100, rapidfuzz ratio) a fuzzy match needs.")
    ] = DEFAULT_FUZZY_THRESHOLD,
    overwrite: OverwriteOption = False,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Find the offsets of quoted spans and write validated documents; report every unaligned item.

    Annotation layers (--annotator) are all-or-nothing: any unaligned item stops the run. Predictions
    (--system) are written with each document's unaligned items under provenance.alignment, so the
    scorer counts them (format: eval/LLM_FORMAT.md).

    Example: reportedly convert strings responses.jsonl --texts corpus/documents --system my-llm
    --mode order --out preds.jsonl

    Example: reportedly convert strings quotes/a1.jsonl --texts corpus/documents --annotator a1
    --method "independent pass" --out corpus/layers/a1
    """
    if annotator is not None and not method:
        raise fail("--annotator needs --method (e.g. 'independent pass')", "RPT-CLI-OPTION")
    if mode not in ("strict", "order"):
        raise fail(f"--mode must be strict or order, not {mode!r}", "RPT-CLI-OPTION")
    if not 0 < fuzzy_threshold <= 100:
        raise fail(f"--fuzzy-threshold must be in (0, 100], not {fuzzy_threshold}", "RPT-CLI-OPTION")
    schema = open_schema(schema_path)
    provenance = _provenance(schema, annotator, method, system, "")
    use_fuzzy = (system is not None) if fuzzy is None else fuzzy
    by_id = {doc.id: doc for doc in _read(texts, "texts")}
    documents: list[Document] = []
    places: list[tuple[Document, str, Mapping[str, int]]] = []
    problems = approximate = 0
    for path in inputs:
        try:
            records = _records(path)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise fail(f"{path}: {exc}", "RPT-JSON-SYNTAX") from None
        for where, record in records:
            doc_id = record.get("id") if isinstance(record, dict) else None
            if doc_id not in by_id:
                raise fail(f"{where}: document id {doc_id!r} is not in {texts}", "RPT-ALIGN-UNKNOWN-DOC")
            source = by_id[doc_id]
            result = align_document(
                record,
                source.text,
                meta=source.meta,
                provenance=provenance,
                mode=mode,  # type: ignore[arg-type]
                fuzzy_threshold=fuzzy_threshold if use_fuzzy else None,
                labels=schema.label_names if system is not None else None,
            )
            for problem in result.problems:
                problems += 1
                err_console.print(
                    f"{where}: {problem.doc_id} {problem.item}: {problem.reason}: {problem.message}",
                    highlight=False,
                    markup=False,
                    emoji=False,
                )
            for span_id in result.approximate():
                approximate += 1
                span = result.document.span(span_id)
                score = result.scores.get(span_id)
                err_console.print(
                    f"{where}: {span.id} placed by {result.methods[span_id]}"
                    + (f" (similarity {score:.0f})" if score is not None else "")
                    + f": {result.quotes[span_id]!r} -> [{span.start}, {span.end}) {span.text!r}",
                    highlight=False,
                    markup=False,
                    emoji=False,
                )
            document = result.document
            if system is not None:
                document = replace(document, provenance={**document.provenance, "alignment": result.summary()})
            documents.append(document)
            places.append((document, where, {}))
    if problems and annotator is not None:
        raise fail(f"{problems} item(s) not aligned; nothing written", "RPT-ALIGN-INCOMPLETE")
    _validate(places, schema, allow_missing_attrs=system is not None)
    written = _write(_document_files(documents, out), overwrite=overwrite)
    spans = sum(len(d.spans) for d in documents)
    unaligned = f", {problems} item(s) not aligned (listed in provenance.alignment)" if problems else ""
    approximately = f", {approximate} of them approximately" if approximate else ""
    console.print(
        f"aligned {spans} span(s){approximately} in {len(documents)} document(s){unaligned} -> {out} "
        f"({written} file(s) written)",
        highlight=False,
    )


# --- brat -------------------------------------------------------------------------------------

_MAPPING_HELP = f"A bundled mapping ({', '.join(bundled_mappings())}) or a mapping YAML file."


@convert_app.command("brat-import")
def brat_import(
    folder: Annotated[Path, typer.Argument(help="A folder of <id>.txt with <id>.<annotator>.ann (or <id>.ann) files.")],
    out: Annotated[Path, typer.Option(help="The layers folder; writes <out>/<annotator>/<id>.json.")] = Path(
        "corpus/layers"
    ),
    mapping: Annotated[str, typer.Option(help=_MAPPING_HELP)] = "reportedly",
    annotator: Annotated[str | None, typer.Option(help="The annotator of <id>.ann files without a suffix.")] = None,
    separator: Annotated[str, typer.Option(help="Between document id and annotator in .ann names.")] = ".",
    gold: Annotated[
        Path | None,
        typer.Option(
            help="Gold documents whose texts the .txt files must equal (and whose meta is copied); "
            "default: the documents/ folder next to --out, if there is one."
        ),
    ] = None,
    discontinuous: Annotated[
        str, typer.Option(help="Discontinuous brat spans: error (stop), merge (one covering span) or skip.")
    ] = "error",
    allow_missing_attrs: Annotated[
        bool,
        typer.Option(
            "--allow-missing-attrs",
            help="Write layers whose spans lack required attributes (schemes such as Source/Cue/Content have none).",
        ),
    ] = False,
    overwrite: OverwriteOption = False,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """brat standoff to annotation layers: one layer per annotator, validated, ready for `reportedly agree`.

    brat offsets are code points of the .txt read as UTF-8, \\r of CRLF line ends included.

    Example: reportedly convert brat-import brat/ --out corpus/layers --mapping attribution
    --discontinuous merge --allow-missing-attrs
    """
    if discontinuous not in DISCONTINUOUS_POLICIES:
        raise fail(f"--discontinuous must be one of {', '.join(DISCONTINUOUS_POLICIES)}", "RPT-CLI-OPTION")
    if not folder.is_dir():
        raise fail(f"{folder} is not a folder", "RPT-PATH-MISSING")
    schema = open_schema(schema_path)
    brat_mapping = _mapping(mapping, schema)
    gold_dir = gold if gold is not None else out.parent / "documents"
    gold_docs = None
    if gold is not None or gold_dir.is_dir():
        gold_docs = {doc.id: doc for doc in _read(gold_dir, "gold documents")}
    result = import_brat_folder(
        folder,
        schema=schema,
        mapping=brat_mapping,
        annotator=annotator,
        separator=separator,
        gold=gold_docs,
        discontinuous=discontinuous,  # type: ignore[arg-type]
    )
    _stop_on_errors(result.issues)
    _validate(
        [(layer.document, str(layer.ann_file), layer.lines) for layer in result.layers],
        schema,
        expected_layer="annotation",
        annotator_of={i: layer.annotator for i, layer in enumerate(result.layers)},
        allow_missing_attrs=allow_missing_attrs,
    )
    files = {
        out / layer.annotator / f"{layer.document.id}.json": dumps_document(layer.document) for layer in result.layers
    }
    written = _write(files, overwrite=overwrite)
    for txt in result.unannotated:
        err_console.print(f"note: {txt} has no .ann file", highlight=False)
    annotators = sorted({layer.annotator for layer in result.layers})
    checked = f"; texts checked against {gold_dir}" if gold_docs is not None else ""
    console.print(
        f"{len(result.layers)} layer(s) of {len(annotators)} annotator(s) ({', '.join(annotators)}) "
        f"-> {out} ({written} file(s) written){checked}",
        highlight=False,
    )


@convert_app.command("brat-export")
def brat_export(
    inputs: Annotated[list[Path], typer.Argument(help="Documents: folders, .json or .jsonl files.")],
    out: Annotated[Path, typer.Option(help="The brat folder to write.")],
    mapping: Annotated[str, typer.Option(help=_MAPPING_HELP)] = "reportedly",
    by_annotator: Annotated[
        bool, typer.Option("--by-annotator", help="Name each .ann after its layer's annotator: <id>.<annotator>.ann.")
    ] = False,
    separator: Annotated[str, typer.Option(help="Between document id and annotator in .ann names.")] = ".",
    overwrite: OverwriteOption = False,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Documents to brat standoff: <id>.txt, <id>.ann, annotation.conf and visual.conf.

    Span ids other than T<n> are kept in AnnotatorNotes lines (reportedly:id=...), so brat-import
    gives the same documents back.

    Example: reportedly convert brat-export corpus/layers/a1 corpus/layers/a2 --by-annotator --out brat/
    """
    schema = open_schema(schema_path)
    brat_mapping = _mapping(mapping, schema)
    documents = [doc for path in inputs for doc in _read(path, "documents")]
    result = export_brat(documents, schema=schema, mapping=brat_mapping, by_annotator=by_annotator, separator=separator)
    _stop_on_errors(result.issues)
    written = _write({out / name: content for name, content in result.files.items()}, overwrite=overwrite)
    console.print(f"{len(documents)} document(s) -> {out} ({written} file(s) written)", highlight=False)


# --- CoNLL ------------------------------------------------------------------------------------


@convert_app.command("conll-export")
def conll_export(
    inputs: Annotated[list[Path], typer.Argument(help="Documents: folders, .json or .jsonl files.")],
    out: Annotated[Path, typer.Option(help="The CoNLL file to write.")],
    label: Annotated[
        list[str] | None, typer.Option(help="Export only this label (repeat for several); default: every label.")
    ] = None,
    overwrite: OverwriteOption = False,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Documents to CoNLL BIO: a token per line (spaCy blank English), a tag column per label layer.

    Spans that do not start and end on token boundaries cannot be tagged; each is reported.

    Example: reportedly convert conll-export corpus/documents --out corpus.conll --label SOURCE --label CUE
    """
    schema = open_schema(schema_path)
    labels = label or list(schema.label_names)
    unknown = sorted(set(labels) - set(schema.label_names))
    if unknown:
        raise fail(f"unknown label(s) {unknown}; known: {', '.join(schema.label_names)}", "RPT-CLI-OPTION")
    documents = [doc for path in inputs for doc in _read(path, "documents")]
    result = export_conll(documents, labels=labels)
    _stop_on_errors(result.issues)
    written = _write({out: result.text}, overwrite=overwrite)
    left_out = len(result.issues)
    console.print(
        f"{result.exported} span(s) of {len(documents)} document(s) in columns "
        f"{' '.join(result.columns)} -> {out}"
        + (f"; {left_out} span(s) left out" if left_out else "")
        + ("" if written else " (unchanged)"),
        highlight=False,
    )


@convert_app.command("conll-import")
def conll_import(
    inputs: Annotated[list[Path], typer.Argument(help="CoNLL files (token, then BIO tag columns).")],
    out: Annotated[Path, typer.Option(help="A folder (one <id>.json each) or a .jsonl file.")],
    texts: Annotated[
        Path | None,
        typer.Option(
            help="Documents whose texts the tokens come from (keeps exact offsets); without it the text is "
            "rebuilt from the tokens."
        ),
    ] = None,
    annotator: Annotated[str | None, typer.Option(help="Write annotation layers for this annotator id.")] = None,
    method: Annotated[str | None, typer.Option(help="How the layer was produced (goes into provenance).")] = None,
    system: Annotated[str | None, typer.Option(help="Write predictions of this system name instead.")] = None,
    tag_columns: Annotated[
        list[int] | None,
        typer.Option(
            "--tag-column",
            help="1-based column holding BIO tags (repeat); default: the columns line, or all columns after the first.",
        ),
    ] = None,
    overwrite: OverwriteOption = False,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """CoNLL BIO to documents (spans only: BIO carries no attributes or relations).

    Example: reportedly convert conll-import tagger-output.conll --texts corpus/documents --system my-crf
    --out preds.jsonl
    """
    schema = open_schema(schema_path)
    provenance = _provenance(schema, annotator, method, system, "imported from CoNLL BIO")
    sources = {doc.id: doc for doc in _read(texts, "texts")} if texts is not None else None
    documents: list[Document] = []
    issues: list[Issue] = []
    places: list[tuple[Document, str, Mapping[str, int]]] = []
    for path in inputs:
        try:
            content = path.read_bytes().decode("utf-8")
        except OSError as exc:
            raise fail(f"{path}: {exc.strerror or exc}", "RPT-PATH-MISSING") from None
        except UnicodeDecodeError as exc:
            issues.append(Issue("RPT-ENCODING", f"byte {exc.start}: {exc.reason}", str(path)))
            continue
        result = import_conll(
            content,
            labels=schema.label_names,
            file=str(path),
            sources=sources,
            tag_columns=tag_columns,
            provenance=provenance,
            meta={"origin": "user_supplied"},
        )
        issues += result.issues
        documents += result.documents
        places += [(doc, str(path), {}) for doc in result.documents]
    _stop_on_errors(issues)
    _validate(places, schema, allow_missing_attrs=True)
    written = _write(_document_files(documents, out), overwrite=overwrite)
    spans = sum(len(d.spans) for d in documents)
    console.print(
        f"{spans} span(s) in {len(documents)} document(s) -> {out} ({written} file(s) written)", highlight=False
    )


# --- plain text -------------------------------------------------------------------------------


@convert_app.command("text")
def convert_text(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help=".txt files (one document each), .jsonl/.json records {id?, text, title?, meta?}, or folders of them."
        ),
    ],
    out: Annotated[Path, typer.Option(help="A folder (one <id>.json each) or a .jsonl file.")],
    meta: Annotated[
        list[str] | None, typer.Option(help="KEY=VALUE added to every document's meta (repeat), e.g. genre=wire.")
    ] = None,
    id_prefix: Annotated[str, typer.Option(help="Put before every document id.")] = "",
    overwrite: OverwriteOption = False,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """New texts to unannotated documents (origin user_supplied), ready for `reportedly studio push`.

    Example: reportedly convert text inbox/ --meta genre=wire --meta topic=defense --id-prefix new- --out new.jsonl
    """
    pairs = {}
    for item in meta or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise fail(f"--meta {item!r} is not KEY=VALUE", "RPT-CLI-OPTION")
        pairs[key] = value
    schema = open_schema(schema_path)
    result = import_texts(inputs, meta=pairs, id_prefix=id_prefix, schema_version=schema.version)
    _stop_on_errors(result.issues)
    _validate([(doc, str(out), {}) for doc in result.documents], schema)
    written = _write(_document_files(result.documents, out), overwrite=overwrite)
    console.print(f"{len(result.documents)} document(s) -> {out} ({written} file(s) written)", highlight=False)
