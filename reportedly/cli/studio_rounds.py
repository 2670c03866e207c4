"""``reportedly studio setup|push|pull|status|stop --round NAME``: a round with one server per annotator.

The commands in :mod:`reportedly.cli.studio` hand over here when ``--round`` is given.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reportedly.cli.app import console, err_console, fail
from reportedly.cli.studio_common import report_layers
from reportedly.document import Document
from reportedly.incidents import ReportedlyError
from reportedly.schema import Schema
from reportedly.studio.database import DATABASE_ENV, Database, parse_database, round_database

if TYPE_CHECKING:
    from reportedly.studio import rounds  # it loads the Label Studio client: imported where used, not at --help

ROUND_HELP = "An annotation round: one Label Studio server per annotator (see docs/annotation-team.md)."
RoundOption = Annotated[str | None, typer.Option("--round", help=ROUND_HELP)]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar=DATABASE_ENV,
        help="postgresql://USER@HOST:PORT/DATABASE for a team (password in the URL or PGPASSWORD); "
        "default: SQLite in the data folder.",
        show_envvar=True,
    ),
]
LocalBackendOption = Annotated[
    bool,
    typer.Option(
        help="Let projects connect a model backend on this machine's loopback (`studio backend`); Label "
        "Studio otherwise refuses loopback (private networks stay refused)."
    ),
]


def _fail(exc: ReportedlyError) -> typer.Exit:
    return fail(str(exc), exc.code)


def parse_annotators(text: str | None, name: str) -> list[str]:
    if not text:
        raise fail(f"--round {name} needs --annotators a1,a2,... on its first setup", "RPT-CLI-OPTION")
    return [a.strip() for a in text.split(",") if a.strip()]


def setup(
    root: Path,
    name: str,
    annotators_text: str | None,
    *,
    db: str | None,
    port: int,
    local_backend: bool,
    config: str,
    instructions: str,
    description: str,
) -> None:
    """Start the round's servers (or find them running) and set up the same project on each."""
    from reportedly.studio import rounds

    try:
        known = rounds.open_round(root, name).annotators if (root / "rounds" / name / "round.json").exists() else None
        annotators = list(known) if known and not annotators_text else parse_annotators(annotators_text, name)
        base = parse_database(db)

        def database_for(annotator: str) -> Database:
            return round_database(base, name, annotator) if base is not None else None

        rounds.serve_round(
            root,
            name,
            annotators,
            database_for=database_for,
            port=port,
            loopback_backends=local_backend,
            on_progress=lambda m: console.print(m, highlight=False),
        )
        projects = rounds.setup_round(
            rounds.open_round(root, name), config=config, instructions=instructions, description=description
        )
    except ReportedlyError as exc:
        raise _fail(exc) from None
    console.print(f"round {name}: {len(projects)} annotators, one server and one project each", highlight=False)
    for item in projects:
        console.print(
            f"{item.annotator}: {item.url}/projects/{item.project.id} - sign-up link (send to "
            f"{item.annotator} only): {item.invite}",
            highlight=False,
            soft_wrap=True,
        )


def push(
    root: Path,
    name: str,
    docs: list[Document],
    schema: Schema,
    *,
    config: str,
    preds: list[Document],
    system: str | None,
) -> None:
    from reportedly.studio import rounds

    try:
        results = rounds.push_round(
            rounds.open_round(root, name), docs, schema, config=config, predictions=preds, system=system
        )
    except ReportedlyError as exc:
        raise _fail(exc) from None
    conflicts = 0
    for annotator, result in results.items():
        for conflict in result.conflicts:
            err_console.print(f"{annotator}: {conflict}", highlight=False, markup=False)
        conflicts += len(result.conflicts)
        console.print(
            f"{annotator}: {result.created} task(s) created, {result.already_there} already there, "
            f"{len(result.conflicts)} conflict(s)",
            highlight=False,
        )
    if conflicts:
        raise typer.Exit(1)


def _table(progress: list[rounds.Progress]) -> None:
    from rich.table import Table

    table = Table("annotator", "account", "done", "skipped", "remaining")
    for row in progress:
        account = ", ".join(row.accounts) or "(not signed up)"
        table.add_row(row.annotator, account, str(row.done), str(row.skipped), str(row.remaining))
    console.print(table, markup=False, highlight=False)


def status(root: Path, name: str) -> None:
    from reportedly.studio import rounds

    try:
        progress = rounds.round_status(rounds.open_round(root, name))
    except ReportedlyError as exc:
        raise _fail(exc) from None
    _table(progress)


def pull(root: Path, name: str, schema: Schema, out: Path, *, config: str, force: bool) -> bool:
    """Pull every annotator's layers; True when all converted and validated."""
    from reportedly.studio import rounds

    try:
        pulled = rounds.pull_round(rounds.open_round(root, name), schema, out, config=config, force=force)
    except ReportedlyError as exc:
        raise _fail(exc) from None
    for annotator, result in pulled.results.items():
        console.print(f"{annotator}:", highlight=False, end=" ")
        report_layers(result, out / annotator)
    _table(pulled.progress)
    return not pulled.has_errors


def stop(root: Path, name: str) -> None:
    from reportedly.studio import rounds

    try:
        messages = rounds.stop_round(rounds.open_round(root, name))
    except ReportedlyError as exc:
        raise _fail(exc) from None
    for message in messages:
        console.print(message, highlight=False)
