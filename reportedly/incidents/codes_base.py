"""The shape of a catalogue entry: a severity, a summary and a fix (see :mod:`reportedly.incidents.codes`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Code:
    severity: Severity
    summary: str
    fix: str


def error(summary: str, fix: str) -> Code:
    return Code(Severity.ERROR, summary, fix)


def warning(summary: str, fix: str) -> Code:
    return Code(Severity.WARNING, summary, fix)
