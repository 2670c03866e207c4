"""``reportedly baseline NAME``: run a bundled baseline on a corpus split."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from reportedly.baselines import SYSTEMS
from reportedly.baselines.run import DEFAULT_CACHE, run_baseline
from reportedly.cli.app import DEFAULT_SCHEMA, SchemaOption, app, console, fail, open_schema
from reportedly.document import write_jsonl
from reportedly.incidents import ReportedlyError
from reportedly.scoring.io import load_gold


@app.command()
def baseline(
    name: Annotated[str, typer.Argument(help=f"One of: {', '.join(SYSTEMS)}.")],
    split: Annotated[str, typer.Option(help="The split to predict.")] = "test",
    corpus: Annotated[Path, typer.Option(help="The corpus folder.")] = Path("corpus"),
    out: Annotated[
        Path | None, typer.Option(help="Predictions JSONL (default eval/baselines/NAME/SPLIT.jsonl).")
    ] = None,
    cache: Annotated[Path, typer.Option(help="Where trained models are cached.")] = DEFAULT_CACHE,
    seed: Annotated[int, typer.Option(help="Random seed of trained systems.")] = 13,
    epochs: Annotated[int, typer.Option(help="Training epochs of the encoder.")] = 16,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Run a baseline on a split and write its predictions (trained systems learn from train, tune on dev).

    Example: reportedly baseline crf --split test --out eval/baselines/crf/test.jsonl
    """
    schema = open_schema(schema_path)
    try:
        target = load_gold(corpus, split=split).documents
        train = load_gold(corpus, split="train").documents if name != "rules" else ()
        dev = load_gold(corpus, split="dev").documents if name != "rules" else ()
    except ReportedlyError as exc:
        first = exc.incidents[0]
        raise fail(f"{first.message}; check {corpus}/splits/", first.code) from None
    started = time.perf_counter()
    try:
        predictions = run_baseline(
            name, target, schema=schema, train=train, dev=dev, cache=cache, seed=seed, epochs=epochs
        )
    except ReportedlyError as exc:
        raise fail(str(exc), exc.code) from None
    elapsed = time.perf_counter() - started
    path = out or Path("eval") / "baselines" / name / f"{split}.jsonl"
    write_jsonl(path, predictions, include_text=False)
    console.print(f"{name}: {len(predictions)} document(s) of {split} in {elapsed:.1f} s -> {path}", highlight=False)
