"""Problems found while converting: a stable code, a level, the place (file and line) and the fix.

Converters return issues instead of raising or printing, and keep going, so one run lists every
problem of a folder; the CLI prints them and writes nothing when any is an error.
"""

from __future__ import annotations

from collections.abc import Iterable

from reportedly.incidents import CONVERT, Code, Incident, ReportedlyError, catalogue

# The converters' part of the catalogue in reportedly.incidents.
CODES: dict[str, Code] = catalogue(CONVERT)


Issue = Incident  # converters' name for an incident


class ConvertError(ReportedlyError):
    """Raised by the convenience readers when the input has errors; ``issues`` lists them all."""

    default_code = "RPT-CONVERT"

    def __init__(self, issues: Iterable[Issue]) -> None:
        found = tuple(issues)
        errors = [i for i in found if i.is_error]
        super().__init__(found, "\n".join(i.render() for i in errors) or "conversion failed")

    @property
    def issues(self) -> tuple[Issue, ...]:
        return self.incidents
