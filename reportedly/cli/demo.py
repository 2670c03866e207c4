"""``reportedly demo``: the benchmark run a newcomer sees, on the bundled corpus."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from reportedly.cli.app import DEFAULT_SCHEMA, SchemaOption, app, console
from reportedly.cli.corpus import DEFAULT_CORPUS, schema_build, stats, validate
from reportedly.document import atomic_write_text, write_jsonl
from reportedly.schema import PACKAGE_ROOT


@app.command()
def demo(
    corpus: Annotated[Path, typer.Option(help="The corpus folder.")] = DEFAULT_CORPUS,
    out: Annotated[Path, typer.Option(help="Where the demo writes predictions and the HTML report.")] = Path(
        "out/demo"
    ),
    leaderboard_file: Annotated[Path, typer.Option("--leaderboard", help="The committed leaderboard.")] = Path(
        "eval/LEADERBOARD.md"
    ),
    resamples: Annotated[int, typer.Option("--resamples", "-B", help="Bootstrap resamples.")] = 2000,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Validate the corpus, run the rules baseline on test, score it, show the leaderboard.

    Example: reportedly demo --out out/demo
    """
    started = time.perf_counter()
    console.rule("1. validate the corpus")
    validate(paths=[corpus], output_format="text", strict=False, schema_path=schema_path)
    console.rule("2. the generated schema views are fresh")
    schema_build(check=True, root=PACKAGE_ROOT, schema_path=schema_path)
    console.rule("3. corpus statistics")
    stats(paths=[corpus], readme=None, check=False, diversity=False, strict=False, schema_path=schema_path)
    console.rule("4. the rules baseline on the test split")
    # the scorer and the rules system pull in numpy and spaCy: import them when the demo runs
    from rich.table import Table

    from reportedly.baselines.rules import predict
    from reportedly.scoring.evaluate import evaluate
    from reportedly.scoring.html import to_html
    from reportedly.scoring.io import load_gold
    from reportedly.scoring.report import headline_rows

    gold = load_gold(corpus, split="test")
    predictions = predict(gold.documents)
    predictions_path = out / "rules-test.jsonl"
    write_jsonl(predictions_path, predictions, include_text=False)
    result = evaluate(corpus, predictions_path, split="test", resamples=resamples, system="rules")
    table = Table(title=f"rules on test ({len(gold.documents)} documents, 95% CI over documents)")
    for column in ("metric", "value", "95% CI"):
        table.add_column(column)
    for row in headline_rows(result):
        table.add_row(*row)
    console.print(table)
    report = out / "rules-test.html"
    atomic_write_text(report, to_html(result))
    console.rule("5. the leaderboard (eval/LEADERBOARD.md)")
    if leaderboard_file.exists():
        text = leaderboard_file.read_text(encoding="utf-8")
        console.print(text.split("## Attributes")[0].strip(), markup=False, highlight=False)
    else:
        console.print(f"{leaderboard_file} not found; run `reportedly leaderboard`", highlight=False)
    console.rule()
    console.print(f"HTML report: {report.resolve()}", highlight=False)
    console.print(f"done in {time.perf_counter() - started:.1f} s", highlight=False)
