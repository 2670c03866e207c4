"""Coded problems, one vocabulary for the whole project: a stable code, a severity, a place, a fix.

Each part of the project (validator, scorer, converters) keeps its own catalogue of codes and
registers it here, so an :class:`Incident` of any part renders, serialises and counts the same way.
Codes are stable: add new ones, never rename or reuse old ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Code:
    severity: Severity
    summary: str
    fix: str

    @property
    def level(self) -> str:
        return self.severity.value


def error(summary: str, fix: str) -> Code:
    return Code(Severity.ERROR, summary, fix)


def warning(summary: str, fix: str) -> Code:
    return Code(Severity.WARNING, summary, fix)


REGISTRY: dict[str, Code] = {}


def register(codes: Mapping[str, Code]) -> dict[str, Code]:
    """Add a catalogue to the registry (a code may be listed by several catalogues only identically)."""
    for name, code in codes.items():
        known = REGISTRY.setdefault(name, code)
        if known != code:
            raise ValueError(f"incident code {name} is defined twice, differently")
    return dict(codes)


# Codes every reader of files shares.
COMMON = register(
    {
        "RPT-PATH-MISSING": error("path does not exist", "check the path; the default is corpus/"),
        "RPT-ENCODING": error("file is not UTF-8", "re-save the file as UTF-8"),
        "RPT-JSON-SYNTAX": error("invalid JSON", "fix the JSON syntax at the given line (JSONL: one record per line)"),
        "RPT-SCHEMA": error(
            "record does not match schema/document.schema.json",
            "add the missing field or fix its type (see schema/document.schema.json)",
        ),
    }
)


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
        parts = [f"document {self.doc_id}" if self.doc_id else "", f"span {self.span_id}" if self.span_id else ""]
        extra = ", ".join(p for p in parts if p)
        return f"{place} ({extra})" if extra else place

    def render(self) -> str:
        return f"{self.location()}: {self.level} {self.code}: {self.message}. Fix: {self.fix}."

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "severity": self.level, "fix": self.fix}


def has_errors(incidents: Iterable[Incident]) -> bool:
    return any(i.is_error for i in incidents)
