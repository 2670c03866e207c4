"""Coded problems of evaluation input: a stable code, a place, and the fix.

Codes are stable: add new ones, never rename or reuse old ones. Codes shared with the corpus
validator (``RPT-JSON-SYNTAX``, ``RPT-ENCODING``, ``RPT-SCHEMA``, ``RPT-PATH-MISSING``) mean the
same thing here.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportedly.incidents import COMMON, Code, Incident, error, register, warning

CODES: dict[str, Code] = register(
    {
        **COMMON,
        "RPT-PRED-UNKNOWN-DOC": error(
            "prediction for a document that is not in the gold split", "remove the record or check --gold/--split"
        ),
        "RPT-PRED-TEXT-MISMATCH": error(
            "prediction text differs from the gold text", "predict on the gold text unchanged, or omit 'text'"
        ),
        "RPT-PRED-DUPLICATE-DOC": error("two predictions for one document", "keep one record per document id"),
        "RPT-PRED-MISSING-DOC": warning(
            "no prediction for a gold document; scored as predicting nothing", "add a record (spans may be empty)"
        ),
        "RPT-PRED-UNALIGNED": warning(
            "quoted spans that could not be placed in the text; scored as not predicted",
            "add a 'context' to each quote, or fix the quoted text (see eval/README.md, LLM extractors)",
        ),
        "RPT-PRED-EMPTY": error("no prediction records found", "write one JSON document per line, or *.json files"),
        "RPT-EVAL-NO-GOLD": error("no gold documents to score against", "check --gold and --split"),
        "RPT-EVAL-SPLIT-MISSING": error(
            "split file not found", "use a split of corpus/splits/ (train, dev, test) or --split all"
        ),
        "RPT-EVAL-TRACK-UNKNOWN": error("unknown track", "use spans, attributes, relations, profile, slices"),
        "RPT-EVAL-OPTION": error("invalid option", "see `reportedly eval --help`"),
    }
)


class EvaluationError(ValueError):
    """Input that cannot be scored; ``incidents`` lists every problem found (errors first)."""

    def __init__(self, incidents: Sequence[Incident]) -> None:
        self.incidents = tuple(incidents)
        self.code = self.incidents[0].code if self.incidents else "RPT-EVAL-OPTION"
        shown = [i.render() for i in self.incidents[:20]]
        more = len(self.incidents) - len(shown)
        super().__init__("\n".join(shown) + (f"\n... and {more} more" if more > 0 else ""))
