"""The Typer application and options shared by every command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from reportedly.incidents import ReportedlyError
from reportedly.schema import DEFAULT_SCHEMA_PATH, Schema, load_schema

app = typer.Typer(
    name="reportedly",
    help="Claims, their sources and their hedges in news text: corpus, annotation and benchmark tools.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rich's help renderer costs a third of `reportedly --help`
)
schema_app = typer.Typer(
    help="The annotation schema and its generated views.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(schema_app, name="schema")

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

SchemaOption = Annotated[Path, typer.Option("--schema", help="The schema YAML file.", show_default=True)]
DEFAULT_SCHEMA = DEFAULT_SCHEMA_PATH


def fail(message: str, code: str) -> typer.Exit:
    """Print a coded error to stderr (the message plainly, never as markup) and return the exit to raise."""
    err_console.print(Text.assemble((f"error {code}", "bold red"), f": {message}"), highlight=False)
    return typer.Exit(1)


def open_schema(path: Path) -> Schema:
    try:
        return load_schema(path)
    except ReportedlyError as exc:
        raise fail(str(exc), exc.code) from None
