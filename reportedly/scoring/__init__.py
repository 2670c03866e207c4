"""Scoring: span, attribute, relation and profile tracks, slices, statistics and reports.

Imports point one way: schema <- document <- scoring <- cli.
"""

from reportedly.incidents import Incident
from reportedly.scoring.incidents import EvaluationError
from reportedly.scoring.result import HEADLINE, SCORER_VERSION, EvalResult

__all__ = ["HEADLINE", "SCORER_VERSION", "EvalResult", "EvaluationError", "Incident"]
