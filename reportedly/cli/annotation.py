"""Commands for annotation rounds: agree (inter-annotator agreement) and adjudicate."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reportedly.cli.app import DEFAULT_SCHEMA, HelpGroup, SchemaOption, app, console, error_code, fail, open_schema
from reportedly.generated import update, update_section
from reportedly.incidents import ReportedlyError

if TYPE_CHECKING:
    from reportedly.corpus import Layers

AGREEMENT_SECTION = "agreement"


class AverageOption(StrEnum):
    """reportedly.agreement.Average's values (that module imports numpy: not at --help)."""

    POOLED = "pooled"
    PER_TEXT = "per-text"


adjudicate_app = typer.Typer(
    cls=HelpGroup,
    help="Merge layers, list disagreements, apply adjudication decisions.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(adjudicate_app, name="adjudicate")


@app.command()
def agree(
    layers: Annotated[Path, typer.Option(help="Folder of annotator layers (<annotator>/<id>.json).")] = Path(
        "corpus/layers"
    ),
    annotators: Annotated[list[str] | None, typer.Option("--annotator", help="Only these annotators.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the full figures as JSON.")] = None,
    readme: Annotated[Path | None, typer.Option(help="Write the tables into this file's agreement section.")] = None,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if --json/--readme are stale.")] = False,
    doc_ids: Annotated[list[str] | None, typer.Option("--doc", help="Only these documents.")] = None,
    section: Annotated[str, typer.Option(help="The generated section of --readme to fill.")] = AGREEMENT_SECTION,
    average: Annotated[
        AverageOption,
        typer.Option(
            help="pooled: each pair's counts summed over texts, then the mean over pairs; "
            "per-text: the mean of the F1 of every (text, pair).",
        ),
    ] = AverageOption.POOLED,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Inter-annotator agreement: the scorer's span F1 (strict, partial, type) and relation F1 (strict,
    lenient) with one layer as reference, kappa and alpha per attribute.

    Example: reportedly agree --json corpus/agreement.json --readme corpus/README.md
    """
    from reportedly.agreement import Average, agreement, agreement_markdown  # scikit-learn: not at --help

    schema = open_schema(schema_path)
    loaded = read_layers_or_fail(layers, annotators)
    if doc_ids:
        wanted = set(doc_ids)
        loaded = {name: {d: doc for d, doc in docs.items() if d in wanted} for name, docs in loaded.items()}
    report = agreement(loaded, schema, average=Average(average.value))
    table = agreement_markdown(report, schema)
    print(table, end="")
    stale = []
    try:
        if json_out is not None:
            text = json.dumps(report.to_dict(schema), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
            stale += [o.path for o in [update(json_out, text, check=check)] if o.changed]
        if readme is not None:
            stale += [o.path for o in [update_section(readme, section, table, check=check)] if o.changed]
    except ReportedlyError as exc:
        raise fail(str(exc), exc.code) from None
    if check and stale:
        raise fail(
            f"stale: {', '.join(map(str, stale))}; run `reportedly agree` with the same options", "RPT-GENERATED-STALE"
        )


def read_layers_or_fail(root: Path, annotators: list[str] | None) -> Layers:
    from reportedly.corpus import read_layers

    try:
        return read_layers(root, annotators)
    except (ReportedlyError, OSError) as exc:
        raise fail(f"{exc}; run `reportedly validate` on the layers", error_code(exc)) from None


@adjudicate_app.command("merge")
def adjudicate_merge(
    out: Annotated[Path, typer.Option(help="Folder for <id>.disagreements.json files.")],
    layers: Annotated[Path, typer.Option(help="Folder of annotator layers.")] = Path("corpus/layers"),
    annotators: Annotated[list[str] | None, typer.Option("--annotator", help="Only these annotators.")] = None,
    doc_ids: Annotated[list[str] | None, typer.Option("--doc", help="Only these documents.")] = None,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """List every disagreement between layers, one file per document, for the adjudicator.

    Example: reportedly adjudicate merge --annotator a1 --annotator a2 --out work/adjudication
    """
    from reportedly.adjudicate import merge_layers, write_disagreements

    schema = open_schema(schema_path)
    loaded = read_layers_or_fail(layers, annotators)
    try:
        candidates = merge_layers(loaded, schema, doc_ids=set(doc_ids) if doc_ids else None)
    except ReportedlyError as exc:
        raise fail(str(exc), exc.code) from None
    total = write_disagreements(candidates, out)
    console.print(f"{len(candidates)} document(s), {total} disagreement(s) -> {out}", highlight=False)


@adjudicate_app.command("apply")
def adjudicate_apply(
    decisions: Annotated[Path, typer.Option(help="Folder of <id>.decisions.json files.")],
    method: Annotated[str, typer.Option(help="How the gold was produced, for provenance.")],
    layers: Annotated[Path, typer.Option(help="Folder of annotator layers.")] = Path("corpus/layers"),
    annotators: Annotated[list[str] | None, typer.Option("--annotator", help="Only these annotators.")] = None,
    out: Annotated[Path, typer.Option(help="Gold documents folder.")] = Path("corpus/documents"),
    record: Annotated[Path, typer.Option(help="Where the audit trail (items + decisions) is kept.")] = Path(
        "corpus/adjudication"
    ),
    force: Annotated[bool, typer.Option(help="Overwrite gold documents that already exist.")] = False,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Turn layers plus the adjudicator's decisions into gold documents, with provenance and an audit trail.

    Example: reportedly adjudicate apply --decisions work/decisions --method "two independent passes, adjudicated"
    """
    from reportedly.adjudicate import decide_folder, write_decided

    schema = open_schema(schema_path)
    loaded = read_layers_or_fail(layers, annotators)
    try:
        decided = decide_folder(loaded, decisions, method=method, schema=schema)
        written = write_decided(decided, out=out, record=record, force=force)
    except ReportedlyError as exc:
        raise fail(str(exc), exc.code) from None
    console.print(f"{written} gold document(s) written to {out}", highlight=False)
