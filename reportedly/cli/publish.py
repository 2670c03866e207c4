"""``reportedly publish``: the corpus as a Hugging Face dataset folder, optionally pushed to the Hub."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reportedly.cli.app import DEFAULT_SCHEMA, SchemaOption, app, console, err_console, fail, open_schema
from reportedly.incidents import ReportedlyError

# reportedly.publish's default (it loads the card, parquet and Croissant writers: not at --help)
DATASET_URL = "https://huggingface.co/datasets/reportedly/reportedly"


@app.command("publish")
def publish_command(
    out: Annotated[Path, typer.Option(help="The folder to write (must be new or empty; see --overwrite).")],
    corpus: Annotated[Path, typer.Option(help="The corpus folder.")] = Path("corpus"),
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace OUT when it holds an earlier publish output.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="With --overwrite: also remove files in OUT that publish did not write.")
    ] = False,
    agreement: Annotated[
        Path | None, typer.Option(help="Agreement JSON for the card (default: CORPUS/agreement.json).")
    ] = None,
    leaderboard: Annotated[Path, typer.Option(help="Leaderboard for the card, when it exists.")] = Path(
        "eval/LEADERBOARD.md"
    ),
    readme: Annotated[
        Path | None, typer.Option(help="Also write the per-split table into this file's splits section.")
    ] = None,
    push_to_hub_repo: Annotated[
        str | None,
        typer.Option("--push-to-hub", help="Then upload OUT to this Hub dataset repo (token: HF_TOKEN or login)."),
    ] = None,
    private: Annotated[bool, typer.Option("--private", help="With --push-to-hub: create the repo private.")] = False,
    url: Annotated[
        str | None,
        typer.Option(
            help="The dataset's address for the citation and croissant.json "
            f"(default: the --push-to-hub repo's address, else {DATASET_URL})."
        ),
    ] = None,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Build the dataset folder: parquet per split for the default, flat and tokens configurations,
    the dataset card (README.md), croissant.json and SHA256SUMS; the same corpus gives the same bytes.

    Example: reportedly publish --out dist/huggingface --overwrite --readme corpus/README.md
    """
    from reportedly.publish import publish, push_to_hub

    schema = open_schema(schema_path)
    if url is None:
        url = f"https://huggingface.co/datasets/{push_to_hub_repo}" if push_to_hub_repo else DATASET_URL
    try:
        result = publish(
            corpus,
            out,
            schema=schema,
            overwrite=overwrite,
            agreement=agreement,
            leaderboard=leaderboard,
            readme=readme,
            url=url,
            force=force,
        )
    except ReportedlyError as exc:
        raise fail(str(exc), exc.code) from None
    for incident in result.warnings:
        err_console.print(incident.render(), style="yellow", highlight=False, markup=False)
    for config, splits in result.rows.items():
        counts = ", ".join(f"{split} {rows}" for split, rows in splits.items())
        console.print(f"{config}: {counts}", highlight=False)
    console.print(f"corpus {result.version}: {len(result.files)} files -> {result.out}", highlight=False)
    if push_to_hub_repo:
        try:
            where = push_to_hub(result.out, push_to_hub_repo, version=result.version, private=private)
        except ReportedlyError as exc:
            raise fail(str(exc), exc.code) from None
        console.print(f"pushed to {where}", highlight=False)
