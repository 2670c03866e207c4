"""THE incident vocabulary: every code any part of the project reports, its severity and fix.

An :class:`Incident` is one problem: a stable code, a place (file, line, document, span) and a
message; the catalogue gives each code a summary and the fix. What the project refuses is raised
as one exception type, :class:`ReportedlyError`, carrying incidents.

The catalogue itself is :mod:`reportedly.incidents.codes` (one file: codes are stable; add new
ones, never rename or reuse old ones). A test collects every code written anywhere in the
package and fails on one that is not catalogued there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from reportedly.incidents.codes import (
    COMMON,
    CONVERT,
    LABEL_STUDIO,
    PUBLISH,
    REGISTRY,
    SCORING,
    STUDIO,
    SYSTEMS,
    TOOLS,
    VALIDATE,
    Code,
    Severity,
    error,
    warning,
)

__all__ = [
    "COMMON",
    "CONVERT",
    "LABEL_STUDIO",
    "PUBLISH",
    "REGISTRY",
    "SCORING",
    "STUDIO",
    "SYSTEMS",
    "TOOLS",
    "VALIDATE",
    "Code",
    "Incident",
    "ReportedlyError",
    "Severity",
    "catalogue",
    "coded",
    "error",
    "has_errors",
    "warning",
]


@dataclass(frozen=True)
class Incident:
    code: str
    message: str
    file: str | None = None
    line: int | None = None
    doc_id: str | None = None
    span_id: str | None = None

    @property
    def severity(self) -> Severity:
        return REGISTRY[self.code].severity

    @property
    def level(self) -> str:
        return self.severity.value

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def fix(self) -> str:
        return REGISTRY[self.code].fix

    def location(self) -> str:
        place = self.file or "<input>"
        if self.line is not None:
            place += f":{self.line}"
        parts = [
            f"document {_shown(self.doc_id)}" if self.doc_id else "",
            f"span {_shown(self.span_id)}" if self.span_id else "",
        ]
        extra = ", ".join(p for p in parts if p)
        return f"{place} ({extra})" if extra else place

    def render(self) -> str:
        return f"{self.location()}: {self.level} {self.code}: {self.message}. Fix: {self.fix}."

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "severity": self.level, "fix": self.fix}


def _shown(name: str) -> str:
    """A name as written, or quoted when it holds a newline or another unprintable character."""
    return name if name.isprintable() else repr(name)


def has_errors(incidents: Iterable[Incident]) -> bool:
    return any(i.is_error for i in incidents)


class ReportedlyError(ValueError):
    """What the project refuses; ``incidents`` lists every problem found, ``code`` the first error's.

    ``message`` replaces the rendered incidents as the exception's text where a caller has a
    better summary; :meth:`of` makes the usual one-incident error.
    """

    def __init__(self, incidents: Incident | Sequence[Incident], message: str | None = None) -> None:
        self.incidents = (incidents,) if isinstance(incidents, Incident) else tuple(incidents)
        if not self.incidents:
            raise TypeError("a ReportedlyError carries at least one incident")
        errors = [i for i in self.incidents if i.is_error]
        self.code = (errors or self.incidents)[0].code
        if message is None:
            shown = [i.render() for i in self.incidents[:20]]
            more = len(self.incidents) - len(shown)
            message = "\n".join(shown) + (f"\n... and {more} more" if more > 0 else "")
        super().__init__(message)

    @classmethod
    def of(cls, code: str, message: str, **place: Any) -> ReportedlyError:
        """One incident, whose text is the message and the catalogue's fix:
        ``ReportedlyError.of("RPT-CLI-OPTION", "--average must be pooled or per-text")``."""
        incident = Incident(code, message, **place)
        where = f"{place['file']}: " if place.get("file") else ""
        return cls(incident, f"{where}{message}. Fix: {incident.fix}.")


def catalogue(codes: Mapping[str, Code]) -> dict[str, Code]:
    """A part's codes together with the ones every reader shares."""
    return {**COMMON, **codes}


def coded(exc: BaseException) -> tuple[str, str]:
    """The code and message of any exception: its own when it carries one, else the one its kind
    gets (a missing file RPT-PATH-MISSING, a folder where a file belongs RPT-PATH-KIND, ...), so
    every error that leaves the project has a code."""
    if isinstance(exc, ReportedlyError):
        return exc.code, str(exc)
    if isinstance(exc, UnicodeDecodeError):
        return "RPT-ENCODING", f"a file is not UTF-8 (byte {exc.start}: {exc.reason})"
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        if isinstance(exc, FileNotFoundError):
            return "RPT-PATH-MISSING", f"{where}no such file or folder"
        if isinstance(exc, IsADirectoryError | NotADirectoryError):
            return "RPT-PATH-KIND", f"{where}{exc.strerror} (a file and a folder were confused)"
        return "RPT-IO", f"{where}{exc.strerror or exc}"
    if isinstance(exc, ValueError) and "integer string conversion" in str(exc):
        return "RPT-JSON-SYNTAX", f"a JSON number is too long to read ({exc})"
    if isinstance(exc, RecursionError):
        return "RPT-JSON-SYNTAX", "an input is nested too deeply to read"
    return "RPT-INTERNAL", f"{type(exc).__name__}: {exc}"
