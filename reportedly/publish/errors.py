"""Publishing errors: one coded catalogue, and one exception that carries the code and the fix.

Problems with the corpus itself reuse the validator's codes (``RPT-SPLIT-*`` and the document
codes); publishing's own codes are in the catalogue of :mod:`reportedly.incidents`.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportedly.incidents import PUBLISH, REGISTRY, Code, Incident, ReportedlyError, catalogue

CODES: dict[str, Code] = catalogue(PUBLISH)

MAX_LISTED = 20


@dataclass(frozen=True)
class Blocking:
    """Validation incidents that stop a publish, with the code the error should carry."""

    incidents: tuple[Incident, ...]

    @property
    def code(self) -> str:
        codes = {i.code for i in self.incidents}
        if len(codes) == 1 and next(iter(codes)).startswith("RPT-SPLIT-"):
            return next(iter(codes))
        return "RPT-PUBLISH-INVALID"

    def error(self) -> ReportedlyError:
        shown = [i.render() for i in self.incidents[:MAX_LISTED]]
        more = len(self.incidents) - len(shown)
        if more:
            shown.append(f"... and {more} more")
        summary = f"{len(self.incidents)} problem(s) stop the publish:\n  " + "\n  ".join(shown)
        error = ReportedlyError(self.incidents, f"{summary}. Fix: {REGISTRY[self.code].fix}.")
        error.code = self.code  # why the publish stops; the incidents keep the validator's codes
        return error
