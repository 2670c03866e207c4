"""``reportedly benchmark``: one system over our test split and external gold corpora (the transfer table)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reportedly.cli.app import DEFAULT_SCHEMA, SchemaOption, app, console, err_console, fail, open_schema
from reportedly.incidents import ReportedlyError


@app.command("benchmark")
def benchmark_command(
    system: Annotated[str, typer.Argument(help="rules, crf, encoder, or a model folder.")],
    external: Annotated[
        list[str] | None,
        typer.Option(
            "--external",
            help="NAME=PATH (repeat): an uncertainty .xml file, a brat folder (mapping NAME if bundled, "
            "else attribution) or gold documents with a corpus.yaml.",
        ),
    ] = None,
    corpus: Annotated[Path, typer.Option(help="Our corpus folder.")] = Path("corpus"),
    split: Annotated[str, typer.Option(help="The split of our corpus to score.")] = "test",
    with_ours: Annotated[bool, typer.Option("--ours/--no-ours", help="Score our split too.")] = True,
    out: Annotated[
        Path | None, typer.Option(help="Write benchmark.json, benchmark.md and benchmark.html into this folder.")
    ] = None,
    resamples: Annotated[int, typer.Option("--resamples", "-B", help="Bootstrap resamples (0: none).")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the resampling.")] = 0,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Score one system on every corpus given: a row per corpus, a column per label (strict and overlap
    span F1 with bootstrap intervals), each corpus on the labels it annotates. docs/corpora.md says
    how each external format is read.

    Example: reportedly benchmark rules --external polnear=tests/fixtures/brat/polnear
    --external szeged=tests/fixtures/uncertainty/szeged-like.xml --out out/transfer
    """
    from reportedly.baselines.system import load_system
    from reportedly.benchmark import (
        benchmark,
        load_external,
        ours,
        parse_external,
        to_html,
        to_json,
        to_markdown,
        to_text,
    )
    from reportedly.document import atomic_write_text

    if resamples < 0:
        raise fail("--resamples must be 0 or more", "RPT-CLI-OPTION")
    schema = open_schema(schema_path)
    try:
        specs = [parse_external(item) for item in external or []]
        if not specs and not with_ours:
            raise ReportedlyError.of("RPT-BENCH-EXTERNAL", "nothing to score: give --external NAME=PATH or --ours")
        corpora = [ours(corpus, split, schema)] if with_ours else []
        corpora += [load_external(name, path, schema) for name, path in specs]
        loaded = load_system(system, schema=schema, corpus=corpus)
        result = benchmark(loaded, corpora, schema, resamples=resamples, seed=seed)
    except ReportedlyError as exc:
        for incident in exc.incidents:
            err_console.print(incident.render(), highlight=False, markup=False, soft_wrap=True)
        raise fail(f"{len(exc.incidents)} problem(s); nothing scored", exc.code) from None
    console.print(to_text(result), end="", highlight=False, markup=False, emoji=False)
    if out is not None:
        for name, text in (("json", to_json(result)), ("md", to_markdown(result)), ("html", to_html(result))):
            atomic_write_text(out / f"benchmark.{name}", text)
        console.print(f"wrote {out}/benchmark.json, .md, .html", highlight=False, markup=False)
