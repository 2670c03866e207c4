"""``reportedly leaderboard``: regenerate (or check) eval/LEADERBOARD.md."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reportedly.cli.app import DEFAULT_SCHEMA, SchemaOption, app, console, fail, open_schema
from reportedly.generated import update

RESAMPLES = 10_000  # reportedly.leaderboard's default (it loads the scorer's results: not at --help)


@app.command()
def leaderboard(
    corpus: Annotated[Path, typer.Option(help="The corpus folder.")] = Path("corpus"),
    predictions: Annotated[Path, typer.Option(help="Folder of <system>/<split>.jsonl predictions.")] = Path(
        "eval/baselines"
    ),
    out: Annotated[Path, typer.Option(help="The leaderboard file.")] = Path("eval/LEADERBOARD.md"),
    split: Annotated[str, typer.Option(help="The split to rank on.")] = "test",
    resamples: Annotated[int, typer.Option("--resamples", "-B", help="Bootstrap resamples.")] = RESAMPLES,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if the file is stale.")] = False,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Score every committed baseline on every track and write the leaderboard (and print it).

    Example: reportedly leaderboard --check
    """
    from reportedly.leaderboard import build, render

    schema = open_schema(schema_path)
    if not predictions.is_dir():
        kind = "is a file, not a folder" if predictions.exists() else "does not exist"
        raise fail(
            f"--predictions {predictions} {kind}", "RPT-PATH-KIND" if predictions.exists() else "RPT-PATH-MISSING"
        )
    entries = build(corpus, predictions, schema, split=split, resamples=resamples)
    if not entries:  # an empty board would replace the real one: refuse, and leave the file as it is
        raise fail(
            f"no predictions {predictions}/<system>/{split}.jsonl found, so there is no system to rank; "
            f"{out} is left as it is",
            "RPT-NOTHING-TO-WRITE",
        )
    text = render(entries, schema, corpus=corpus, split=split, resamples=resamples)
    print(text, end="")
    outcome = update(out, text, check=check)
    if check and outcome.changed:
        raise fail(f"{out} is stale; run `reportedly leaderboard`", "RPT-GENERATED-STALE")
    if not check:
        console.print(f"{out}: {'written' if outcome.changed else 'up to date'}", highlight=False)
