"""``reportedly convert ...``: brat, CoNLL, plain text and quoted strings to and from documents.

Each command calls one ``plan_*`` function of :mod:`reportedly.convert` (what to read, check and
write), prints every issue with its place and fix, and writes nothing when there is an error.
Files are written atomically, and an existing file with other content is only replaced with
``--overwrite``. The helpers here print a plan and write it; ``convert uncertainty-xml``
(:mod:`.corpora`) uses them too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from reportedly.cli.app import (
    DEFAULT_SCHEMA,
    HelpGroup,
    SchemaOption,
    app,
    console,
    err_console,
    fail,
    fail_from,
    open_schema,
)
from reportedly.convert.bundled import bundled_mappings
from reportedly.incidents import Incident, ReportedlyError, Severity
from reportedly.schema import Schema

# the converters are imported where they are used, so that `--help` loads none of them
if TYPE_CHECKING:
    from reportedly.convert.brat import BratMapping
    from reportedly.convert.output import Checked, Planned

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


# --- printing a plan and writing it -------------------------------------------------------------


def print_incidents(incidents: Iterable[Incident]) -> None:
    """Each incident on stderr, with its place and fix; errors red, warnings yellow."""
    for incident in incidents:
        style = "red" if incident.severity is Severity.ERROR else "yellow"
        err_console.print(Text(incident.render(), style=style), highlight=False, soft_wrap=True)


def stop_on_errors(issues: Iterable[Incident]) -> None:
    """Print a converter's issues; stop (nothing written) when one is an error."""
    issues = list(issues)
    print_incidents(issues)
    errors = [i for i in issues if i.is_error]
    if errors:
        raise fail(f"{len(errors)} error(s); nothing written", errors[0].code)


def stop_on_check(checked: Checked) -> None:
    """Print the check of the documents about to be written; stop on its errors."""
    print_incidents(checked.incidents)
    if checked.missing_attributes:
        err_console.print(
            f"note: {checked.missing_attributes} required attribute value(s) missing (allowed here); "
            "`reportedly validate` lists them until they are filled",
            highlight=False,
        )
    if checked.errors:
        raise fail(f"{len(checked.errors)} validation error(s); nothing written", checked.errors[0].code)


def write_out(files: Mapping[Path, str], *, overwrite: bool, out: Path, single: bool = False) -> int:
    """Write ``files`` under ``out`` (a folder, or with ``single`` the one file ``out``); the number written."""
    from reportedly.convert.output import output_root, write_files

    root, lock = (out.parent, False) if single else output_root(out)
    try:
        return write_files(files, overwrite=overwrite, root=root, lock=lock)
    except ReportedlyError as exc:
        print_incidents(exc.incidents)
        hint = "; pass --overwrite to replace them" if exc.code == "RPT-OUT-EXISTS" else ""
        raise fail(f"nothing written{hint}", exc.code) from None


def write_plan(plan: Planned, *, overwrite: bool, out: Path, single: bool = False) -> int:
    """Print a plan's issues and check, stop on an error, else write its files; the number written."""
    stop_on_errors(plan.issues)
    stop_on_check(plan.checked)
    return write_out(plan.files, overwrite=overwrite, out=out, single=single)


def _mapping(name: str, schema: Schema) -> BratMapping:
    from reportedly.convert.brat import load_mapping

    try:
        return load_mapping(name, schema)
    except ReportedlyError as exc:
        print_incidents(exc.incidents)
        raise fail(f"cannot use mapping {name!r}", exc.code) from None


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
    from reportedly.convert.strings import plan_quote_alignment

    if annotator is not None and not method:
        raise fail("--annotator needs --method (e.g. 'independent pass')", "RPT-CLI-OPTION")
    if mode not in ("strict", "order"):
        raise fail(f"--mode must be strict or order, not {mode!r}", "RPT-CLI-OPTION")
    if not 0 < fuzzy_threshold <= 100:
        raise fail(f"--fuzzy-threshold must be in (0, 100], not {fuzzy_threshold}", "RPT-CLI-OPTION")
    schema = open_schema(schema_path)
    try:
        plan = plan_quote_alignment(
            inputs,
            out,
            texts=texts,
            schema=schema,
            annotator=annotator,
            method=method,
            system=system,
            mode=mode,  # type: ignore[arg-type]
            fuzzy=fuzzy,
            fuzzy_threshold=fuzzy_threshold,
        )
    except ReportedlyError as exc:
        raise fail_from(exc) from None
    for line in [*plan.unaligned, *plan.approximate]:
        err_console.print(line, highlight=False, markup=False, emoji=False)
    problems, approximate = len(plan.unaligned), len(plan.approximate)
    if plan.incomplete:
        raise fail(f"{problems} item(s) not aligned; nothing written", "RPT-ALIGN-INCOMPLETE")
    written = write_plan(plan, overwrite=overwrite, out=out)
    unaligned = f", {problems} item(s) not aligned (listed in provenance.alignment)" if problems else ""
    approximately = f", {approximate} of them approximately" if approximate else ""
    console.print(
        f"aligned {plan.spans} span(s){approximately} in {plan.documents} document(s){unaligned} -> {out} "
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
    from reportedly.convert.brat import DISCONTINUOUS_POLICIES, plan_brat_import

    if discontinuous not in DISCONTINUOUS_POLICIES:
        raise fail(f"--discontinuous must be one of {', '.join(DISCONTINUOUS_POLICIES)}", "RPT-CLI-OPTION")
    if not folder.is_dir():
        raise fail(f"{folder} is not a folder", "RPT-PATH-MISSING")
    schema = open_schema(schema_path)
    brat_mapping = _mapping(mapping, schema)
    try:
        plan = plan_brat_import(
            folder,
            out,
            schema=schema,
            mapping=brat_mapping,
            annotator=annotator,
            separator=separator,
            gold=gold,
            discontinuous=discontinuous,  # type: ignore[arg-type]
            allow_missing_attrs=allow_missing_attrs,
        )
    except ReportedlyError as exc:
        raise fail_from(exc) from None
    written = write_plan(plan, overwrite=overwrite, out=out)
    for txt in plan.unannotated:
        err_console.print(f"note: {txt} has no .ann file", highlight=False)
    checked = f"; texts checked against {plan.gold}" if plan.gold is not None else ""
    console.print(
        f"{plan.layers} layer(s) of {len(plan.annotators)} annotator(s) ({', '.join(plan.annotators)}) "
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
    from reportedly.convert.brat import plan_brat_export

    schema = open_schema(schema_path)
    brat_mapping = _mapping(mapping, schema)
    try:
        plan = plan_brat_export(
            inputs, out, schema=schema, mapping=brat_mapping, by_annotator=by_annotator, separator=separator
        )
    except ReportedlyError as exc:
        raise fail_from(exc) from None
    written = write_plan(plan, overwrite=overwrite, out=out)
    console.print(f"{plan.documents} document(s) -> {out} ({written} file(s) written)", highlight=False)


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
    from reportedly.convert.conll_plan import plan_conll_export

    schema = open_schema(schema_path)
    labels = label or list(schema.label_names)
    unknown = sorted(set(labels) - set(schema.label_names))
    if unknown:
        raise fail(f"unknown label(s) {unknown}; known: {', '.join(schema.label_names)}", "RPT-CLI-OPTION")
    try:
        plan = plan_conll_export(inputs, out, schema=schema, labels=labels)
    except ReportedlyError as exc:
        raise fail_from(exc) from None
    # the documents' own errors come first, with their own summary: the export never ran on them
    print_incidents(plan.checked.incidents)
    if plan.checked.errors:
        raise fail(
            f"{len(plan.checked.errors)} error(s) in the documents; nothing written", plan.checked.errors[0].code
        )
    written = write_plan(plan, overwrite=overwrite, out=out, single=True)
    left_out = len(plan.issues)
    console.print(
        f"{plan.exported} span(s) of {plan.documents} document(s) in columns "
        f"{' '.join(plan.columns)} -> {out}"
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
    from reportedly.convert.conll_plan import plan_conll_import

    schema = open_schema(schema_path)
    try:
        plan = plan_conll_import(
            inputs,
            out,
            schema=schema,
            annotator=annotator,
            method=method,
            system=system,
            texts=texts,
            tag_columns=tag_columns,
        )
    except ReportedlyError as exc:
        raise fail_from(exc) from None
    written = write_plan(plan, overwrite=overwrite, out=out)
    console.print(
        f"{plan.spans} span(s) in {plan.documents} document(s) -> {out} ({written} file(s) written)", highlight=False
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
    from reportedly.convert.plain import plan_text_import

    pairs = {}
    for item in meta or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise fail(f"--meta {item!r} is not KEY=VALUE", "RPT-CLI-OPTION")
        pairs[key] = value
    schema = open_schema(schema_path)
    try:
        plan = plan_text_import(inputs, out, schema=schema, meta=pairs, id_prefix=id_prefix)
    except ReportedlyError as exc:
        raise fail_from(exc) from None
    written = write_plan(plan, overwrite=overwrite, out=out)
    console.print(f"{plan.documents} document(s) -> {out} ({written} file(s) written)", highlight=False)
