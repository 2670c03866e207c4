"""``reportedly eval``: score predictions against the gold (a thin wrapper over ``reportedly.evaluate``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.text import Text

from reportedly.cli.app import DEFAULT_SCHEMA, SchemaOption, app, console, err_console, fail, open_schema
from reportedly.incidents import ReportedlyError

if TYPE_CHECKING:
    from reportedly.scoring.result import EvalResult

FORMATS = ("json", "md", "html")
DEFAULT_RESAMPLES = 10_000  # the evaluator's default (reportedly.scoring.evaluate imports numpy: not at --help)


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
    docs: Annotated[
        str,
        typer.Option(
            "--docs",
            help="all: every gold document of the split (a missing prediction scores as empty); "
            "predicted: only the gold documents the predictions hold.",
        ),
    ] = "all",
    labels: Annotated[
        list[str] | None,
        typer.Option(
            "--labels",
            help="Score only these labels (comma-separated or repeated) and the relations among them; predictions "
            "of other labels are ignored. Default: the gold folder's corpus.yaml, else every label.",
        ),
    ] = None,
    views: Annotated[
        int, typer.Option(help="With --out and html: write gold-vs-prediction views of the N worst documents.")
    ] = 10,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Score a system's predictions against the gold on every track, with bootstrap confidence intervals.

    A gold that annotates only some labels (--labels, or its corpus.yaml) is scored on the spans,
    attributes and relations tracks, for those labels and the relations among them.

    Example: reportedly eval eval/baselines/rules/test.jsonl --vs eval/baselines/crf/test.jsonl --out out/eval

    Example: reportedly eval preds.jsonl --gold szeged-gold/ --labels HEDGE
    """
    from reportedly.document import atomic_write_text
    from reportedly.manifest import scope_of
    from reportedly.scoring.evaluate import evaluate
    from reportedly.scoring.html import to_html
    from reportedly.scoring.io import load_gold, load_predictions
    from reportedly.scoring.report import headline_rows, to_json, to_markdown
    from reportedly.scoring.scope import WHOLE_SCHEMA_TRACKS
    from reportedly.scoring.tracks import TRACKS

    if docs not in ("all", "predicted"):
        raise fail(f"--docs must be all or predicted, not {docs!r}", "RPT-EVAL-OPTION")
    chosen = [f.strip() for item in (formats or []) for f in item.split(",") if f.strip()]
    bad = [f for f in chosen if f not in FORMATS]
    if bad:
        raise fail(f"--format must be one of {', '.join(FORMATS)}, not {', '.join(bad)}", "RPT-EVAL-OPTION")
    track_list = [t.strip() for item in (tracks or []) for t in item.split(",") if t.strip()]
    label_list = [x.strip() for item in (labels or []) for x in item.split(",") if x.strip()] or None
    schema = open_schema(schema_path)
    try:
        gold_set = load_gold(gold, split=split, schema=schema)
        scope = scope_of(schema, label_list) if label_list is not None else gold_set.scope
        if scope is not None and not scope.covers(schema):
            where = "--labels" if label_list is not None else "the gold's corpus.yaml"
            err_console.print(f"scoring {', '.join(scope.labels)} only ({where})", highlight=False, markup=False)
            track_list = track_list or [t for t in TRACKS if t not in WHOLE_SCHEMA_TRACKS]
        track_list = track_list or list(TRACKS)
        predictions = load_predictions(pred, {d.id: d.text for d in gold_set.documents}, system=system, schema=schema)
        if docs == "predicted":
            held = {d.id for d in predictions.documents}
            kept = tuple(d for d in gold_set.documents if d.id in held)
            err_console.print(
                f"scoring {len(kept)} of {len(gold_set.documents)} gold document(s) of split {gold_set.split}: "
                "only those predicted (--docs predicted)",
                highlight=False,
                markup=False,
            )
            gold_set = replace(gold_set, documents=kept)
        result = evaluate(
            gold_set,
            predictions,
            schema=schema,
            tracks=track_list,
            resamples=resamples,
            seed=seed,
            confidence=confidence,
            vs=vs,
            system=system,
            split=split,
            progress=True,
            labels=label_list,
        )
    except ReportedlyError as exc:
        for incident in exc.incidents:
            err_console.print(incident.render(), highlight=False, markup=False, soft_wrap=True)
        raise fail(f"{len(exc.incidents)} problem(s) in the input; nothing scored", exc.code) from None
    for warning in result.warnings:
        err_console.print(Text(warning.render(), style="yellow"), highlight=False, soft_wrap=True)
    links: list[Any] = []
    if out is not None and "html" in (chosen or FORMATS) and views > 0:
        from reportedly.view.worst import write_worst_views

        links = write_worst_views(gold_set.documents, predictions.documents, schema, out, limit=views)

    def html(result: EvalResult) -> str:
        return to_html(result, links)

    renderers: dict[str, Callable[[EvalResult], str]] = {"json": to_json, "md": to_markdown, "html": html}
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
