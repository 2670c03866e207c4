"""``reportedly baseline NAME``: a bundled baseline on a corpus split (train or load from the cache, then predict)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from reportedly.baselines import BUNDLED
from reportedly.cli.app import DEFAULT_SCHEMA, SchemaOption, app, console, fail, open_schema
from reportedly.cli.predict import DEFAULT_CACHE, load_for_cli
from reportedly.incidents import ReportedlyError
from reportedly.names import check_name, join_inside

DEFAULT_BASELINES = Path("eval") / "baselines"


@app.command()
def baseline(
    name: Annotated[str, typer.Argument(help=f"One of: {', '.join(BUNDLED)}.")],
    split: Annotated[str, typer.Option(help="The split to predict.")] = "test",
    corpus: Annotated[Path, typer.Option(help="The corpus folder.")] = Path("corpus"),
    out: Annotated[
        Path | None, typer.Option(help="Predictions JSONL (default eval/baselines/NAME/SPLIT.jsonl).")
    ] = None,
    cache: Annotated[Path, typer.Option(help="Where trained models are cached.")] = DEFAULT_CACHE,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Run a baseline on a split and write its predictions: `reportedly train` (or the cached model),
    then `reportedly predict` on the split's documents, written without their text.

    Example: reportedly baseline crf --split test --out eval/baselines/crf/test.jsonl
    """
    from reportedly.document import write_jsonl
    from reportedly.scoring.io import load_gold

    schema = open_schema(schema_path)
    check_name(split, what="split name")
    try:
        target = load_gold(corpus, split=split).documents
    except ReportedlyError as exc:
        first = exc.incidents[0]
        raise fail(f"{first.message}; check {corpus}/splits/", first.code) from None
    system = load_for_cli(name, schema, corpus=corpus, cache=cache)
    started = time.perf_counter()
    predictions = system.predict(target)
    elapsed = time.perf_counter() - started
    # the default path is built from names: each must be a plain name, and the path stays in eval/baselines
    path = out or join_inside(DEFAULT_BASELINES, check_name(system.name, what="system name"), f"{split}.jsonl")
    write_jsonl(path, predictions, include_text=False)
    console.print(f"{name}: {len(predictions)} document(s) of {split} in {elapsed:.1f} s -> {path}", highlight=False)
