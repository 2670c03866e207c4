"""``reportedly audit``: the blind audit of the gold (differences, decisions, error rates, fixes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from reportedly.cli.annotation import read_layers_or_fail
from reportedly.cli.app import DEFAULT_SCHEMA, HelpGroup, SchemaOption, app, console, error_code, fail, open_schema
from reportedly.document import Document, atomic_write_text, dumps_document, read_documents
from reportedly.generated import update_section
from reportedly.incidents import ReportedlyError
from reportedly.names import check_name

AUDIT_SECTION = "audit"
audit_app = typer.Typer(
    cls=HelpGroup, help="The blind audit of the gold: differences, decisions, error rates.", no_args_is_help=True
)
app.add_typer(audit_app, name="audit")

GoldOption = Annotated[
    list[Path], typer.Option("--gold", help="Folder(s) of gold documents (repeat the option for several).")
]
LayersOption = Annotated[Path, typer.Option(help="Folder of layers holding <auditor>/<id>.json.")]
AuditorOption = Annotated[str, typer.Option(help="The auditor's annotator id.")]
SectionOption = Annotated[str, typer.Option(help="The generated section of --readme to fill.")]


def _gold(folders: list[Path]) -> dict[str, Document]:
    gold: dict[str, Document] = {}
    try:
        for folder in folders:
            gold.update((doc.id, doc) for doc in read_documents(folder))
    except (ReportedlyError, OSError) as exc:
        raise fail(f"{exc}; run `reportedly validate` on the gold", error_code(exc)) from None
    return gold


def _audit(layers: Path, auditor: str) -> dict[str, Document]:
    return dict(read_layers_or_fail(layers, [auditor]).get(auditor, {}))


@audit_app.command("merge")
def audit_merge(
    out: Annotated[Path, typer.Option(help="Folder for <id>.disagreements.json files.")],
    gold: GoldOption,
    layers: LayersOption = Path("corpus/layers"),
    auditor: AuditorOption = "au1",
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """List every difference between the gold and the audit layer, for the adjudicator ('gold' is one side).

    Example: reportedly audit merge --gold corpus/documents --layers corpus/layers --auditor au1 --out work/audit
    """
    from reportedly.adjudicate import write_disagreements  # numpy: not at --help
    from reportedly.audit import audit_candidates

    schema = open_schema(schema_path)
    candidates = audit_candidates(_gold(gold), _audit(layers, auditor), auditor=auditor, schema=schema)
    total = write_disagreements(candidates, out)
    console.print(f"{len(candidates)} audited document(s), {total} difference(s) -> {out}", highlight=False)


@audit_app.command("report")
def audit_report_command(
    decisions: Annotated[
        Path, typer.Option(help="Folder of <id>.decisions.json files (choose gold, the auditor, none or new).")
    ],
    gold: GoldOption,
    layers: LayersOption = Path("corpus/layers"),
    auditor: AuditorOption = "au1",
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the figures as JSON.")] = None,
    readme: Annotated[Path | None, typer.Option(help="Write the tables into this file's audit section.")] = None,
    section: SectionOption = AUDIT_SECTION,
    fix: Annotated[bool, typer.Option("--fix", help="Also write the corrected gold documents in place.")] = False,
    partial: Annotated[
        bool, typer.Option("--partial", help="Report on the documents decided so far instead of refusing.")
    ] = False,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Gold errors per 100 spans per label and per 100 relations (95% document bootstrap), and the fixes.

    Every audited document needs a decisions file; all are checked before anything is written.

    Example: reportedly audit report --decisions work/audit --gold corpus/documents --json corpus/audit.json --fix
    """
    from reportedly.adjudicate import parse_decisions, read_json  # numpy: not at --help
    from reportedly.audit import audit_candidates, audit_markdown, audit_report, audited_gold

    schema = open_schema(schema_path)
    gold_docs = _gold(gold)
    candidates = audit_candidates(gold_docs, _audit(layers, auditor), auditor=auditor, schema=schema)
    undecided = [c.doc.id for c in candidates if not (decisions / f"{c.doc.id}.decisions.json").exists()]
    if undecided and not partial:
        raise fail(
            f"{len(undecided)} audited document(s) have no decisions file in {decisions}: {', '.join(undecided)}; "
            "decide them, or pass --partial to report on the decided ones",
            "RPT-ADJUDICATE",
        )
    candidates = [c for c in candidates if c.doc.id not in undecided]
    if undecided:
        console.print(f"partial: {len(undecided)} audited document(s) not decided yet are left out", highlight=False)
    parsed, adjudicators, fixed = {}, {}, []
    try:
        for candidate in candidates:
            path = decisions / f"{candidate.doc.id}.decisions.json"
            raw = read_json(path)
            if not isinstance(raw, dict):
                raise ReportedlyError.of("RPT-ADJUDICATE", "a decisions file must hold one JSON object", file=str(path))
            adjudicators[candidate.doc.id], parsed[candidate.doc.id] = parse_decisions(raw, str(path))
            fixed.append(
                audited_gold(
                    candidate,
                    parsed[candidate.doc.id],
                    gold_docs[candidate.doc.id],
                    adjudicator=adjudicators[candidate.doc.id],
                    auditor=auditor,
                    schema=schema,
                )
            )
    except (ReportedlyError, OSError, json.JSONDecodeError) as exc:
        raise fail(str(exc), error_code(exc)) from None
    report = audit_report(candidates, parsed, gold_docs, schema)
    table = audit_markdown(report)
    print(table, end="")
    if json_out is not None:
        atomic_write_text(json_out, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    if readme is not None:
        update_section(readme, section, table, check=False)
    if fix:
        from reportedly.outputs import write_files

        folders = {doc.id: folder for folder in gold for doc in read_documents(folder)}
        by_folder: dict[Path, dict[str, str]] = {}
        for doc in fixed:
            by_folder.setdefault(folders[doc.id], {})[f"{check_name(doc.id)}.json"] = dumps_document(doc)
        written = sum(len(write_files(folder, files)) for folder, files in by_folder.items())
        console.print(f"{written} gold document(s) corrected", highlight=False)


@audit_app.command("table")
def audit_table_command(
    report_json: Annotated[Path, typer.Argument(help="A report written by `audit report --json`.")],
    readme: Annotated[Path | None, typer.Option(help="Write the tables into this file's audit section.")] = None,
    section: SectionOption = AUDIT_SECTION,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if --readme is stale.")] = False,
) -> None:
    """The tables of a saved audit report. The report is the record: once its fixes are in the gold,
    `audit report` can no longer recompute it.

    Example: reportedly audit table corpus/audit/au1.json --readme corpus/README.md --section audit-1
    """
    from reportedly.audit import audit_markdown

    try:
        report = json.loads(report_json.read_text(encoding="utf-8"))
        table = audit_markdown(report)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise fail(
            f"{report_json}: not an audit report ({exc}); write one with `audit report --json`", "RPT-ADJUDICATE"
        ) from None
    print(table, end="")
    if readme is not None:
        try:
            outcome = update_section(readme, section, table, check=check)
        except (ReportedlyError, OSError) as exc:
            raise fail(str(exc), getattr(exc, "code", "RPT-PATH-MISSING")) from None
        if check and outcome.changed:
            raise fail(f"stale: {readme} (section {section}); run without --check", "RPT-GENERATED-STALE")
