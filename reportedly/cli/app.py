"""The Typer application and options shared by every command."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text
from typer._click.core import Context
from typer._click.exceptions import ClickException
from typer.core import TyperGroup, TyperOption

from reportedly.incidents import ReportedlyError, coded
from reportedly.schema import DEFAULT_SCHEMA_PATH, Schema, load_schema


class HelpGroup(TyperGroup):
    """A command group whose ``--help``, when not given, is False rather than None: Typer builds a pydantic
    adapter to coerce the None, and importing pydantic cost every subcommand's ``--help`` 0.1 s."""

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.default = False
        return option


class _GuardedGroup(HelpGroup):
    """The top group: whatever escapes a command becomes one coded error line, never a traceback
    (``REPORTEDLY_DEBUG=1`` shows the traceback of an unexpected one)."""

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, ClickException):
            raise
        except Exception as exc:
            code, message = coded(exc)
            if code == "RPT-INTERNAL" and os.environ.get("REPORTEDLY_DEBUG"):
                raise
            raise fail(message, code) from None


app = typer.Typer(
    cls=_GuardedGroup,
    name="reportedly",
    help="Claims, their sources and their hedges in news text: corpus, annotation and benchmark tools.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rich's help renderer costs a third of `reportedly --help`
)
schema_app = typer.Typer(
    cls=HelpGroup, help="The annotation schema and its generated views.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(schema_app, name="schema")

# markup=False: user text (ids, names, quotes) is printed as written, "[/x]" included
console = Console(soft_wrap=True, markup=False)
err_console = Console(stderr=True, soft_wrap=True, markup=False)

SchemaOption = Annotated[Path, typer.Option("--schema", help="The schema YAML file.", show_default=True)]
DEFAULT_SCHEMA = DEFAULT_SCHEMA_PATH


def fail(message: str, code: str) -> typer.Exit:
    """Print a coded error to stderr (the message plainly, never as markup) and return the exit to raise."""
    err_console.print(Text.assemble((f"error {code}", "bold red"), f": {message}"), highlight=False)
    return typer.Exit(1)


def error_code(exc: BaseException) -> str:
    """The code of an error: its own, or the one its kind gets."""
    return coded(exc)[0]


def fail_from(exc: BaseException) -> typer.Exit:
    """:func:`fail` with the code an error carries, or the one its kind gets (a folder where a file
    belongs is RPT-PATH-KIND, a missing file RPT-PATH-MISSING, ...)."""
    code, message = coded(exc)
    return fail(message, code)


def open_schema(path: Path) -> Schema:
    try:
        return load_schema(path)
    except ReportedlyError as exc:
        raise fail(str(exc), exc.code) from None
