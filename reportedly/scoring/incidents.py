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
            "no prediction for a gold document; scored as predicting nothing",
            "add a record (spans may be empty), or score only the predicted documents (eval --docs predicted)",
        ),
        "RPT-PRED-UNALIGNED": warning(
            "quoted spans that could not be placed in the text; scored as not predicted",
            "add a 'context' to each quote, or fix the quoted text (see eval/README.md, LLM extractors)",
        ),
        "RPT-PRED-EMPTY": error("no prediction records found", "write one JSON document per line, or *.json files"),
        "RPT-PRED-OFFSET-RANGE": error(
            "span offsets outside the text or empty",
            "offsets are half-open [start, end) code points with 0 <= start < end <= len(text)",
        ),
        "RPT-PRED-OFFSET-MISMATCH": error(
            "span text differs from text[start:end]",
            "count offsets in code points (not UTF-16 units or bytes), or fix the span text",
        ),
        "RPT-PRED-LABEL-UNKNOWN": error("span label not in the schema", "use a label of schema/schema.yaml"),
        "RPT-PRED-ATTR-VALUE": error(
            "attribute value not in the schema", "use a value of schema/schema.yaml, or leave the attribute out"
        ),
        "RPT-PRED-ID-DUPLICATE": error("span id used twice in one document", "give each span a unique id"),
        "RPT-PRED-REL-UNKNOWN": error("relation label not in the schema", "use a relation of schema/schema.yaml"),
        "RPT-PRED-REL-MISSING-ARG": error(
            "relation names a span id that does not exist", "point head and tail at span ids of the same record"
        ),
        "RPT-EVAL-GOLD-INVALID": error(
            "gold documents cannot be scored", "run `reportedly validate` on the gold and fix what it reports"
        ),
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
