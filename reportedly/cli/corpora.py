"""``reportedly convert uncertainty-xml``: a CoNLL-2010 / Szeged uncertainty XML file to gold documents."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reportedly.cli.app import DEFAULT_SCHEMA, SchemaOption, console, err_console, fail, fail_from, open_schema
from reportedly.cli.convert import OverwriteOption, convert_app, write_plan
from reportedly.incidents import ReportedlyError
from reportedly.schema import Schema


def cue_overrides(items: list[str] | None, schema: Schema) -> dict[str, str]:
    """``--cue TYPE=VALUE`` options: VALUE is a hedge_type of the schema or ``skip``."""
    from reportedly.convert.uncertainty import SKIP, normal_type

    values = schema.attribute("hedge_type").value_names
    overrides: dict[str, str] = {}
    for item in items or []:
        cue_type, sep, value = item.rpartition("=")
        if not sep or not cue_type.strip() or value not in (*values, SKIP):
            allowed = ", ".join((*values, SKIP))
            raise fail(f"--cue {item!r} is not TYPE=VALUE with VALUE one of {allowed}", "RPT-XML-CUE")
        overrides[normal_type(cue_type)] = value
    return overrides


@convert_app.command("uncertainty-xml")
def uncertainty_xml(
    file: Annotated[Path, typer.Argument(help="A CoNLL-2010 or Szeged uncertainty XML file.")],
    out: Annotated[Path, typer.Option(help="A folder (one <id>.json each, plus corpus.yaml) or a .jsonl file.")],
    cue: Annotated[
        list[str] | None,
        typer.Option(help="Map a cue type: TYPE=HEDGE_TYPE or TYPE=skip (repeat); overrides the bundled table."),
    ] = None,
    overwrite: OverwriteOption = False,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Uncertainty XML to gold documents: each <Document> one document, its sentences' texts joined
    by line breaks (offsets exact, in code points), typed <ccue> cues as HEDGE spans.

    The cue-type table (which types are hedges under LABELING.md, with which hedge_type, and which
    are not, e.g. investigation 'whether') is in docs/corpora.md. The folder gets a corpus.yaml
    saying it annotates HEDGE only, so `reportedly eval` scores hedges alone.

    Example: reportedly convert uncertainty-xml wiki.xml --out gold/szeged-wiki --cue hypo_dynamic=skip
    """
    from reportedly.convert.uncertainty import plan_uncertainty_import

    schema = open_schema(schema_path)
    overrides = cue_overrides(cue, schema)
    try:
        plan = plan_uncertainty_import(file, out, schema=schema, cue_types=overrides)
    except ReportedlyError as exc:
        raise fail_from(exc) from None
    written = write_plan(plan, overwrite=overwrite, out=out)
    for cue_type, count in sorted(plan.skipped.items()):
        err_console.print(f"note: {count} cue(s) of type {cue_type!r} are not hedges here (skip)", highlight=False)
    console.print(
        f"{plan.documents} document(s), {plan.hedges} hedge(s) from {plan.cues} cue(s) "
        f"({sum(plan.skipped.values())} left out) -> {out} ({written} file(s) written)",
        highlight=False,
        markup=False,
    )
