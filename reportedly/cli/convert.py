"""``reportedly convert ...``: brat, CoNLL, plain text and quoted strings to and from documents.

Each command calls one converter of :mod:`reportedly.convert` (or :func:`reportedly.quotes.align_document`),
prints every issue with its place and fix, validates what it would write, and writes nothing when
there is an error. Files are written atomically, and an existing file with other content is only
replaced with ``--overwrite``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.text import Text

from reportedly.cli.app import (
    DEFAULT_SCHEMA,
    HelpGroup,
    SchemaOption,
    app,
    console,
    err_console,
    error_code,
    fail,
    open_schema,
)
from reportedly.convert.bundled import bundled_mappings
from reportedly.convert.issues import Issue
from reportedly.document import Document, dumps_document, read_documents
from reportedly.incidents import Incident, ReportedlyError, Severity
from reportedly.schema import Schema

# the converters are imported where they are used, so that `--help` loads none of them
if TYPE_CHECKING:
    from reportedly.convert.brat import BratMapping
    from reportedly.convert.output import Placed

DEFAULT_FUZZY_THRESHOLD = 85.0  # reportedly.quotes' default (it imports rapidfuzz: not at --help)

convert_app = typer.Typer(
    cls=HelpGroup,
    help="Convert between reportedly documents and other formats.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(convert_app, name="convert")

OverwriteOption = Annotated[
    bool, typer.Option("--overwrite", help="Replace output files that exist with other content.")
]


# --- shared steps -----------------------------------------------------------------------------


def _report(issues: Iterable[Issue]) -> None:
    for issue in issues:
        style = "red" if issue.level == "error" else "yellow"
        err_console.print(Text(issue.render(), style=style), highlight=False, soft_wrap=True)


def _stop_on_errors(issues: Sequence[Issue]) -> None:
    _report(issues)
    errors = [i for i in issues if i.level == "error"]
    if errors:
        raise fail(f"{len(errors)} error(s); nothing written", errors[0].code)


def _read(path: Path, what: str) -> list[Document]:
    try:
        return read_documents(path)
    except (ReportedlyError, OSError) as exc:
        raise fail(f"cannot read {what} {path}: {exc}", error_code(exc)) from None


def _mapping(name: str, schema: Schema) -> BratMapping:
    from reportedly.convert.brat import load_mapping

    try:
        return load_mapping(name, schema)
    except ReportedlyError as exc:
        _report(exc.incidents)
        raise fail(f"cannot use mapping {name!r}", exc.code) from None


def _check(placed: Iterable[Placed], schema: Schema, **options: Any) -> None:
    """Check documents about to be written; print every incident; stop on errors."""
    from reportedly.convert.output import check_before_writing

    checked = check_before_writing(placed, schema, **options)
    for incident in checked.incidents:
        _print_incident(incident)
    if checked.missing_attributes:
        err_console.print(
            f"note: {checked.missing_attributes} required attribute value(s) missing (allowed here); "
            "`reportedly validate` lists them until they are filled",
            highlight=False,
        )
    if checked.errors:
        raise fail(f"{len(checked.errors)} validation error(s); nothing written", checked.errors[0].code)


def _write(files: Mapping[Path, str], *, overwrite: bool, out: Path, single: bool = False) -> int:
    from reportedly.convert.output import output_root, write_files

    root, lock = (out.parent, False) if single else output_root(out)
    try:
        return write_files(files, overwrite=overwrite, root=root, lock=lock)
    except ReportedlyError as exc:
        _report(exc.incidents)
        hint = "; pass --overwrite to replace them" if exc.code == "RPT-OUT-EXISTS" else ""
        raise fail(f"nothing written{hint}", exc.code) from None


def _provenance(
    schema: Schema, annotator: str | None, method: str | None, system: str | None, default_method: str
) -> dict[str, Any]:
    from reportedly.convert.output import provenance_for

    try:
        return provenance_for(schema, annotator=annotator, method=method, system=system, default_method=default_method)
    except ReportedlyError as exc:
        raise fail(str(exc), exc.code) from None


def _print_incident(incident: Incident) -> None:
    style = "red" if incident.severity is Severity.ERROR else "yellow"
    err_console.print(Text(incident.render(), style=style), highlight=False, soft_wrap=True)


# --- strings ----------------------------------------------------------------------------------


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
    scorer counts them (format: eval/README.md, "LLM extractors").

    Example: reportedly convert strings responses.jsonl --texts corpus/documents --system my-llm
    --mode order --out preds.jsonl

    Example: reportedly convert strings quotes/a1.jsonl --texts corpus/documents --annotator a1
    --method "independent pass" --out corpus/layers/a1
    """
    from reportedly.convert.output import document_files
    from reportedly.convert.strings import align_quote_files
    from reportedly.validate import Role

    if annotator is not None and not method:
        raise fail("--annotator needs --method (e.g. 'independent pass')", "RPT-CLI-OPTION")
    if mode not in ("strict", "order"):
        raise fail(f"--mode must be strict or order, not {mode!r}", "RPT-CLI-OPTION")
    if not 0 < fuzzy_threshold <= 100:
        raise fail(f"--fuzzy-threshold must be in (0, 100], not {fuzzy_threshold}", "RPT-CLI-OPTION")
    schema = open_schema(schema_path)
    provenance = _provenance(schema, annotator, method, system, "")
    use_fuzzy = (system is not None) if fuzzy is None else fuzzy
    try:
        aligned = align_quote_files(
            inputs,
            {doc.id: doc for doc in _read(texts, "texts")},
            schema,
            provenance=provenance,
            mode=mode,  # type: ignore[arg-type]
            fuzzy_threshold=fuzzy_threshold if use_fuzzy else None,
        )
    except ReportedlyError as exc:
        raise fail(str(exc), exc.code) from None
    for line in [*aligned.unaligned, *aligned.approximate]:
        err_console.print(line, highlight=False, markup=False, emoji=False)
    problems, approximate, documents = len(aligned.unaligned), len(aligned.approximate), aligned.documents
    if problems and annotator is not None:
        raise fail(f"{problems} item(s) not aligned; nothing written", "RPT-ALIGN-INCOMPLETE")
    _check(aligned.placed, schema, role=Role.PREDICTION if system is not None else None)
    written = _write(document_files(documents, out), overwrite=overwrite, out=out)
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
    from reportedly.convert.brat import DISCONTINUOUS_POLICIES, import_brat_folder
    from reportedly.corpus import Corpus
    from reportedly.manifest import MANIFEST, manifest_text, scope_of

    if discontinuous not in DISCONTINUOUS_POLICIES:
        raise fail(f"--discontinuous must be one of {', '.join(DISCONTINUOUS_POLICIES)}", "RPT-CLI-OPTION")
    if not folder.is_dir():
        raise fail(f"{folder} is not a folder", "RPT-PATH-MISSING")
    schema = open_schema(schema_path)
    brat_mapping = _mapping(mapping, schema)
    gold_dir = gold if gold is not None else Corpus(out.parent).documents_folder
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
    _check(
        [(layer.document, str(layer.ann_file), layer.lines) for layer in result.layers],
        schema,
        expected_layer="annotation",
        annotator_of={i: layer.annotator for i, layer in enumerate(result.layers)},
        allow_missing_attrs=allow_missing_attrs,
    )
    files = {
        out / layer.annotator / f"{layer.document.id}.json": dumps_document(layer.document) for layer in result.layers
    }
    labels = brat_mapping.corpus_labels
    attributes = [a.name for a in schema.attributes if a.label in labels and a.name in brat_mapping.corpus_attributes]
    scope = scope_of(schema, labels, attributes=attributes, name=brat_mapping.name)
    if not scope.covers(schema):  # say what the layers annotate, so eval scores those labels only
        files.update({out / layer.annotator / MANIFEST: manifest_text(scope) for layer in result.layers})
    written = _write(files, overwrite=overwrite, out=out)
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
    from reportedly.convert.brat import export_brat

    schema = open_schema(schema_path)
    brat_mapping = _mapping(mapping, schema)
    documents = [doc for path in inputs for doc in _read(path, "documents")]
    result = export_brat(documents, schema=schema, mapping=brat_mapping, by_annotator=by_annotator, separator=separator)
    _stop_on_errors(result.issues)
    written = _write({out / name: content for name, content in result.files.items()}, overwrite=overwrite, out=out)
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
    from reportedly.convert.conll import export_conll
    from reportedly.validate import Role, check_document

    schema = open_schema(schema_path)
    labels = label or list(schema.label_names)
    unknown = sorted(set(labels) - set(schema.label_names))
    if unknown:
        raise fail(f"unknown label(s) {unknown}; known: {', '.join(schema.label_names)}", "RPT-CLI-OPTION")
    documents = [doc for path in inputs for doc in _read(path, "documents")]
    # what the tokenizer cannot take (a text over 1,000,000 characters, broken offsets) is refused first
    problems = [i for doc in documents for i in check_document(doc, schema, Role.PREDICTION) if i.is_error]
    for incident in problems:
        _print_incident(incident)
    if problems:
        raise fail(f"{len(problems)} error(s) in the documents; nothing written", problems[0].code)
    result = export_conll(documents, labels=labels)
    _stop_on_errors(result.issues)
    written = _write({out: result.text}, overwrite=overwrite, out=out, single=True)
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
    from reportedly.convert.conll import import_conll
    from reportedly.convert.output import document_files

    schema = open_schema(schema_path)
    provenance = _provenance(schema, annotator, method, system, "imported from CoNLL BIO")
    sources = {doc.id: doc for doc in _read(texts, "texts")} if texts is not None else None
    documents: list[Document] = []
    issues: list[Issue] = []
    places: list[Placed] = []
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
    _check(places, schema, allow_missing_attrs=True)
    written = _write(document_files(documents, out), overwrite=overwrite, out=out)
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
    from reportedly.convert.output import document_files
    from reportedly.convert.plain import import_texts

    pairs = {}
    for item in meta or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise fail(f"--meta {item!r} is not KEY=VALUE", "RPT-CLI-OPTION")
        pairs[key] = value
    schema = open_schema(schema_path)
    result = import_texts(inputs, meta=pairs, id_prefix=id_prefix, schema_version=schema.version)
    _stop_on_errors(result.issues)
    _check([(doc, str(out), {}) for doc in result.documents], schema)
    written = _write(document_files(result.documents, out), overwrite=overwrite, out=out)
    console.print(f"{len(result.documents)} document(s) -> {out} ({written} file(s) written)", highlight=False)
