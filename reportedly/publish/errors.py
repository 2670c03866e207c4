"""Publishing errors: one coded catalogue, and one exception that carries the code and the fix.

Problems with the corpus itself reuse the validator's codes (``RPT-SPLIT-*`` and the document
codes); publishing's own codes are in the catalogue of :mod:`reportedly.incidents`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportedly.incidents import PUBLISH, REGISTRY, Code, Incident, ReportedlyError, catalogue

CODES: dict[str, Code] = catalogue(PUBLISH)

MAX_LISTED = 20


class PublishError(ReportedlyError):
    """A state that publishing refuses; ``code`` is stable, the message names the place and the fix.

    ``incidents`` are the validation incidents behind it, when there are any."""

    def __init__(self, code: str, message: str, *, incidents: Sequence[Incident] = ()) -> None:
        super().__init__(tuple(incidents) or Incident(code, message), f"{message}. Fix: {REGISTRY[code].fix}.")
        self.code = code


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

    def error(self) -> PublishError:
        shown = [i.render() for i in self.incidents[:MAX_LISTED]]
        more = len(self.incidents) - len(shown)
        if more:
            shown.append(f"... and {more} more")
        summary = f"{len(self.incidents)} problem(s) stop the publish:\n  " + "\n  ".join(shown)
        return PublishError(self.code, summary, incidents=self.incidents)
