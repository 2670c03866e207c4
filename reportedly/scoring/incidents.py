"""Coded problems of evaluation input: a stable code, a place, and the fix.

Codes are stable: add new ones, never rename or reuse old ones. Codes shared with the corpus
validator (``RPT-JSON-SYNTAX``, ``RPT-ENCODING``, ``RPT-SCHEMA``, ``RPT-PATH-MISSING``) mean the
same thing here.
"""

from __future__ import annotations

from reportedly.incidents import SCORING, Code, ReportedlyError, catalogue

CODES: dict[str, Code] = catalogue(SCORING)


class EvaluationError(ReportedlyError):
    """Input that cannot be scored; ``incidents`` lists every problem found."""
