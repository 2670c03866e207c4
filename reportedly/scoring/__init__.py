"""Scoring: span, attribute, relation and profile tracks, slices, statistics and reports.

Imports point one way: see docs/architecture.md; incident codes are catalogued in reportedly.incidents.
"""

from reportedly.incidents import Incident, ReportedlyError
from reportedly.scoring.result import HEADLINE, SCORER_VERSION, EvalResult

__all__ = ["HEADLINE", "SCORER_VERSION", "EvalResult", "Incident", "ReportedlyError"]
