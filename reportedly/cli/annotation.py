"""Commands for annotation rounds: agree (inter-annotator agreement) and adjudicate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from reportedly.cli.app import DEFAULT_SCHEMA, SchemaOption, app, console, fail, open_schema
from reportedly.document import DocumentError, atomic_write_text, read_document, write_document
from reportedly.generated import GeneratedSectionError, update, update_section
from reportedly.incidents import Severity
from reportedly.layers import Layers, read_layers

AGREEMENT_SECTION = "agreement"
adjudicate_app = typer.Typer(
    help="Merge layers, list disagreements, apply adjudication decisions.", no_args_is_help=True, rich_markup_mode=None
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
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Inter-annotator agreement: span F1 (strict, partial), kappa and alpha per attribute, relation F1.

    Example: reportedly agree --json corpus/agreement.json --readme corpus/README.md
    """
    from reportedly.agreement import agreement, agreement_markdown  # scikit-learn: not at --help

    schema = open_schema(schema_path)
    loaded = read_layers_or_fail(layers, annotators)
    if doc_ids:
        wanted = set(doc_ids)
        loaded = {name: {d: doc for d, doc in docs.items() if d in wanted} for name, docs in loaded.items()}
    report = agreement(loaded, schema)
    table = agreement_markdown(report, schema)
    print(table, end="")
    stale = []
    try:
        if json_out is not None:
            text = json.dumps(report.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
            stale += [o.path for o in [update(json_out, text, check=check)] if o.changed]
        if readme is not None:
            stale += [o.path for o in [update_section(readme, section, table, check=check)] if o.changed]
    except GeneratedSectionError as exc:
        raise fail(str(exc), exc.code) from None
    if check and stale:
        raise fail(
            f"stale: {', '.join(map(str, stale))}; run `reportedly agree` with the same options", "RPT-GENERATED-STALE"
        )


def read_layers_or_fail(root: Path, annotators: list[str] | None) -> Layers:
    try:
        return read_layers(root, annotators)
    except (DocumentError, OSError) as exc:
        raise fail(
            f"{exc}; run `reportedly validate` on the layers", getattr(exc, "code", "RPT-PATH-MISSING")
        ) from None


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
    from reportedly.adjudicate import AdjudicationError, merge

    schema = open_schema(schema_path)
    loaded = read_layers_or_fail(layers, annotators)
    names = sorted(loaded)
    shared = sorted(set.intersection(*(set(loaded[n]) for n in names))) if names else []
    if doc_ids:
        shared = [d for d in shared if d in set(doc_ids)]
    total = 0
    for doc_id in shared:
        try:
            candidate = merge({n: loaded[n][doc_id] for n in names}, schema)
        except AdjudicationError as exc:
            raise fail(str(exc), exc.code) from None
        total += len(candidate.items)
        atomic_write_text(
            out / f"{doc_id}.disagreements.json",
            json.dumps(candidate.disagreements(), ensure_ascii=False, indent=2) + "\n",
        )
    console.print(f"{len(shared)} document(s), {total} disagreement(s) -> {out}", highlight=False)


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
    from reportedly.adjudicate import AdjudicationError, apply_decisions, merge, parse_decisions
    from reportedly.validate import check_document

    schema = open_schema(schema_path)
    loaded = read_layers_or_fail(layers, annotators)
    names = sorted(loaded)
    written = 0
    for path in sorted(decisions.glob("*.decisions.json")):
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            adjudicator, parsed = parse_decisions(raw, str(path))
            doc_id = raw.get("id")
            if any(doc_id not in loaded[n] for n in names):
                raise AdjudicationError(f"{path}: document {doc_id!r} lacks a layer from one of {names}")
            candidate = merge({n: loaded[n][doc_id] for n in names}, schema)
            gold = apply_decisions(candidate, parsed, adjudicator=adjudicator, method=method, schema=schema)
        except json.JSONDecodeError as exc:
            raise fail(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}", "RPT-JSON-SYNTAX") from None
        except AdjudicationError as exc:
            raise fail(str(exc), exc.code) from None
        errors = [i for i in check_document(gold, schema) if i.severity is Severity.ERROR]
        if errors:
            raise fail(f"{path}: the decided document is invalid: {errors[0].render()}", errors[0].code)
        target = out / f"{gold.id}.json"
        if target.exists() and not force and read_document(target) != gold:
            raise fail(f"{target} exists and differs; pass --force to replace it", "RPT-WOULD-OVERWRITE")
        trail = {
            "id": gold.id,
            "annotators": names,
            "adjudicator": adjudicator,
            "items": candidate.items,
            "decisions": raw.get("decisions", []),
        }
        atomic_write_text(record / f"{gold.id}.json", json.dumps(trail, ensure_ascii=False, indent=2) + "\n")
        written += write_document(target, gold)
    console.print(f"{written} gold document(s) written to {out}", highlight=False)
