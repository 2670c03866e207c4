"""What the Label Studio commands share: their option readers (the labeling config, ``--annotator
USER=ID``, prediction files; each a library call whose refusal becomes a coded exit, like
:func:`reportedly.cli.app.open_schema`) and what they print (conversion problems, written layers).

Used by ``studio ...`` (:mod:`.studio`), ``studio pull --round`` (:mod:`.studio_rounds`) and
``convert labelstudio|labelstudio-export`` (:mod:`.studio_files`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from reportedly.cli.app import console, err_console, fail_from
from reportedly.document import Document
from reportedly.incidents import ReportedlyError, Severity
from reportedly.schema import Schema

# the converters and the client load Label Studio's SDK and httpx: imported where used, not at --help
if TYPE_CHECKING:
    from reportedly.convert.labelstudio import Problem, WriteResult


def open_config(path: Path, schema: Schema) -> str:
    """The labeling config, checked against the schema (:func:`reportedly.studio.client.read_config`)."""
    from reportedly.studio import client as studio_client

    try:
        return studio_client.read_config(path, schema)
    except ReportedlyError as exc:
        raise fail_from(exc) from None


def annotator_overrides(pairs: list[str] | None) -> dict[str, str]:
    """``--annotator USER=ID`` options (:func:`reportedly.convert.labelstudio.parse_annotator_map`)."""
    from reportedly.convert.labelstudio import parse_annotator_map

    try:
        return parse_annotator_map(pairs)
    except ReportedlyError as exc:
        raise fail_from(exc) from None


def open_predictions(
    path: Path | None, system: str | None, texts: Mapping[str, str]
) -> tuple[list[Document], str | None]:
    """``--predictions`` and ``--system`` (:func:`reportedly.convert.labelstudio.read_predictions`)."""
    from reportedly.convert.labelstudio import read_predictions

    try:
        return read_predictions(path, system, texts)
    except ReportedlyError as exc:
        raise fail_from(exc) from None


def print_problems(problems: Iterable[Problem]) -> None:
    """Each conversion problem on stderr, with its place and fix; errors red, warnings yellow."""
    for problem in problems:
        style = "red" if problem.severity is Severity.ERROR else "yellow"
        err_console.print(Text(problem.render(), style=style), highlight=False, soft_wrap=True)


def report_layers(result: WriteResult, out: Path) -> None:
    """Print what converting and writing the layers found, then one summary line of the counts."""
    print_problems(result.problems)
    for incident in result.incidents:
        style = "red" if incident.severity.value == "error" else "yellow"
        err_console.print(Text(incident.render(), style=style), highlight=False, soft_wrap=True)
    for path in result.kept_local:
        err_console.print(
            Text(f"{path}: edited here since the last pull; kept (--force overwrites it)", style="yellow"),
            highlight=False,
        )
    errors = sum(1 for p in result.problems if p.severity is Severity.ERROR)
    console.print(
        f"{len(result.written)} layer(s) written, {len(result.unchanged)} unchanged, "
        f"{len(result.kept_local)} kept (edited here), {len(result.failed)} not converted -> {out}; "
        f"{errors} error(s), {len(result.problems) - errors} warning(s), "
        f"{sum(1 for i in result.incidents if i.severity.value == 'error')} validation error(s)",
        highlight=False,
    )
