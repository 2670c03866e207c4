"""Coded problems of evaluation input: a stable code, a place, and the fix.

Codes are stable: add new ones, never rename or reuse old ones. Codes shared with the corpus
validator (``RPT-JSON-SYNTAX``, ``RPT-ENCODING``, ``RPT-SCHEMA``, ``RPT-PATH-MISSING``) mean the
same thing here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Code:
    error: bool
    summary: str
    fix: str


CODES: dict[str, Code] = {
    "RPT-PATH-MISSING": Code(True, "path does not exist", "check the path"),
    "RPT-ENCODING": Code(True, "file is not UTF-8", "re-save the file as UTF-8"),
    "RPT-JSON-SYNTAX": Code(True, "invalid JSON", "fix the JSON syntax at the given line (one record per line)"),
    "RPT-SCHEMA": Code(
        True, "record is not a document", "give every record an id, spans and relations (see eval/README.md)"
    ),
    "RPT-PRED-UNKNOWN-DOC": Code(
        True, "prediction for a document that is not in the gold split", "remove the record or check --gold/--split"
    ),
    "RPT-PRED-TEXT-MISMATCH": Code(
        True, "prediction text differs from the gold text", "predict on the gold text unchanged, or omit 'text'"
    ),
    "RPT-PRED-DUPLICATE-DOC": Code(True, "two predictions for one document", "keep one record per document id"),
    "RPT-PRED-MISSING-DOC": Code(
        False, "no prediction for a gold document; scored as predicting nothing", "add a record (spans may be empty)"
    ),
    "RPT-PRED-UNALIGNED": Code(
        False, "quoted spans that could not be placed in the text; scored as not predicted",
        "add a 'context' to each quote, or fix the quoted text (see eval/README.md, LLM extractors)",
    ),
    "RPT-PRED-EMPTY": Code(True, "no prediction records found", "write one JSON document per line, or *.json files"),
    "RPT-PRED-OFFSET-RANGE": Code(
        True,
        "span offsets outside the text or empty",
        "offsets are half-open [start, end) code points with 0 <= start < end <= len(text)",
    ),
    "RPT-PRED-OFFSET-MISMATCH": Code(
        True,
        "span text differs from text[start:end]",
        "count offsets in code points (not UTF-16 units or bytes), or fix the span text",
    ),
    "RPT-PRED-LABEL-UNKNOWN": Code(True, "span label not in the schema", "use a label of schema/schema.yaml"),
    "RPT-PRED-ATTR-VALUE": Code(
        True, "attribute value not in the schema", "use a value of schema/schema.yaml, or leave the attribute out"
    ),
    "RPT-PRED-ID-DUPLICATE": Code(True, "span id used twice in one document", "give each span a unique id"),
    "RPT-PRED-REL-UNKNOWN": Code(True, "relation label not in the schema", "use a relation of schema/schema.yaml"),
    "RPT-PRED-REL-MISSING-ARG": Code(
        True, "relation names a span id that does not exist", "point head and tail at span ids of the same record"
    ),
    "RPT-EVAL-GOLD-INVALID": Code(
        True, "gold documents cannot be scored", "run `reportedly validate` on the gold and fix what it reports"
    ),
    "RPT-EVAL-NO-GOLD": Code(True, "no gold documents to score against", "check --gold and --split"),
    "RPT-EVAL-SPLIT-MISSING": Code(
        True, "split file not found", "use a split of corpus/splits/ (train, dev, test) or --split all"
    ),
    "RPT-EVAL-TRACK-UNKNOWN": Code(True, "unknown track", "use spans, attributes, relations, profile, slices"),
    "RPT-EVAL-OPTION": Code(True, "invalid option", "see `reportedly eval --help`"),
}


@dataclass(frozen=True)
class Incident:
    code: str
    message: str
    file: str | None = None
    line: int | None = None
    doc_id: str | None = None

    @property
    def is_error(self) -> bool:
        return CODES[self.code].error

    @property
    def fix(self) -> str:
        return CODES[self.code].fix

    def location(self) -> str:
        place = self.file or "<input>"
        if self.line is not None:
            place += f":{self.line}"
        return f"{place} (document {self.doc_id})" if self.doc_id else place

    def render(self) -> str:
        level = "error" if self.is_error else "warning"
        return f"{self.location()}: {level} {self.code}: {self.message}. Fix: {self.fix}."

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "level": "error" if self.is_error else "warning",
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "doc_id": self.doc_id,
            "fix": self.fix,
        }


class EvaluationError(ValueError):
    """Input that cannot be scored; ``incidents`` lists every problem found (errors first)."""

    def __init__(self, incidents: Sequence[Incident]) -> None:
        self.incidents = tuple(incidents)
        self.code = self.incidents[0].code if self.incidents else "RPT-EVAL-OPTION"
        shown = [i.render() for i in self.incidents[:20]]
        more = len(self.incidents) - len(shown)
        super().__init__("\n".join(shown) + (f"\n... and {more} more" if more > 0 else ""))
