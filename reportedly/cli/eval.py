"""``reportedly eval``: score predictions against the gold (a thin wrapper over ``reportedly.evaluate``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from reportedly.cli.app import DEFAULT_SCHEMA, SchemaOption, app, console, err_console, fail, open_schema
from reportedly.document import atomic_write_text
from reportedly.incidents import ReportedlyError
from reportedly.scoring.evaluate import DEFAULT_RESAMPLES, evaluate
from reportedly.scoring.html import to_html
from reportedly.scoring.report import headline_rows, to_json, to_markdown
from reportedly.scoring.tracks import TRACKS

FORMATS = ("json", "md", "html")


@app.command("eval")
def eval_command(
    pred: Annotated[
        Path, typer.Argument(help="Predictions: a JSONL file (one document per line) or a folder of <id>.json files.")
    ],
    gold: Annotated[
        Path, typer.Option(help="A corpus folder (documents/ + splits/), a document folder or a JSONL file.")
    ] = Path("corpus"),
    split: Annotated[str, typer.Option(help="Split of a corpus folder: train, dev, test or all.")] = "test",
    vs: Annotated[Path | None, typer.Option("--vs", help="A second system's predictions: adds paired tests.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write report.json/.md/.html into this folder.")] = None,
    formats: Annotated[
        list[str] | None,
        typer.Option("--format", help="json, md or html (repeatable). Default: md on stdout, or all three with --out."),
    ] = None,
    tracks: Annotated[
        list[str] | None,
        typer.Option("--tracks", help="Tracks to score, repeatable or comma-separated (default: all)."),
    ] = None,
    resamples: Annotated[
        int, typer.Option("--resamples", "-B", help="Bootstrap resamples and randomisation trials (0: none).")
    ] = DEFAULT_RESAMPLES,
    seed: Annotated[int, typer.Option(help="Seed of the resampling.")] = 0,
    confidence: Annotated[float, typer.Option(help="Confidence level of the intervals.")] = 0.95,
    system: Annotated[str | None, typer.Option(help="System name (default: provenance.system).")] = None,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Score a system's predictions against the gold on every track, with bootstrap confidence intervals.

    Example: reportedly eval eval/baselines/rules/test.jsonl --vs eval/baselines/crf/test.jsonl --out out/eval
    """
    chosen = [f.strip() for item in (formats or []) for f in item.split(",") if f.strip()]
    bad = [f for f in chosen if f not in FORMATS]
    if bad:
        raise fail(f"--format must be one of {', '.join(FORMATS)}, not {', '.join(bad)}", "RPT-EVAL-OPTION")
    track_list = [t.strip() for item in (tracks or []) for t in item.split(",") if t.strip()] or list(TRACKS)
    schema = open_schema(schema_path)
    try:
        result = evaluate(
            gold,
            pred,
            schema=schema,
            tracks=track_list,
            resamples=resamples,
            seed=seed,
            confidence=confidence,
            vs=vs,
            system=system,
            split=split,
            progress=True,
        )
    except ReportedlyError as exc:
        for incident in exc.incidents:
            err_console.print(incident.render(), highlight=False, markup=False, soft_wrap=True)
        raise fail(f"{len(exc.incidents)} problem(s) in the input; nothing scored", exc.code) from None
    for warning in result.warnings:
        err_console.print(Text(warning.render(), style="yellow"), highlight=False, soft_wrap=True)
    renderers = {"json": to_json, "md": to_markdown, "html": to_html}
    if out is None:
        for fmt in chosen or ["md"]:
            print(renderers[fmt](result), end="")
        return
    for fmt in chosen or list(FORMATS):
        path = out / f"report.{fmt}"
        atomic_write_text(path, renderers[fmt](result))
        console.print(f"wrote {path}", highlight=False)
    for key, value, interval in headline_rows(result):
        console.print(f"{key} = {value} {interval}", highlight=False)
