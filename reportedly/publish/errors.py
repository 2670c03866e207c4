"""Publishing errors: one coded catalogue, and one exception that carries the code and the fix.

Problems with the corpus itself reuse the validator's codes (``RPT-SPLIT-*`` and the document
codes); the codes below are about publishing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportedly.incidents import Incident

# Codes are stable: add new ones, never rename or reuse old ones.
CODES: dict[str, str] = {
    "RPT-PUBLISH-INVALID": "the corpus has validation errors; run `reportedly validate corpus` and fix every error",
    "RPT-PUBLISH-NOT-EMPTY": "choose an empty or new folder, or pass --overwrite to replace an earlier publish output",
    "RPT-PUBLISH-SPLIT-FILE": "create corpus/splits/{train,dev,test}.txt with one document id per line",
    "RPT-PUBLISH-EMPTY": "add document ids to the split file; every published split needs at least one document",
    "RPT-PUBLISH-VERSION": "write the corpus version (MAJOR.MINOR.PATCH) on the single line of corpus/VERSION",
    "RPT-PUBLISH-CHANGELOG": "add a line '- VERSION (date): what changed' under '## Changelog' in corpus/README.md",
    "RPT-PUBLISH-UNREPRESENTABLE": (
        "remove the field from the document, or add it to the published features in reportedly/publish/dataset.py"
    ),
    "RPT-PUBLISH-ORIGIN": "only constructed texts are published; remove the document from the splits",
    "RPT-PUBLISH-LICENSE": "give every published document the same meta.license",
    "RPT-PUBLISH-SCHEMA": "rename the attribute in schema/schema.yaml; it collides with a column of the flat table",
    "RPT-PUBLISH-INPUT": "regenerate the file (`reportedly agree --json corpus/agreement.json`) or remove it",
    "RPT-PUBLISH-CHECKSUM": "publish again: the folder was changed after `reportedly publish` wrote it",
    "RPT-PUBLISH-NO-TOKEN": "set HF_TOKEN or run `hf auth login` (the token is never printed)",
    "RPT-PUBLISH-UPLOAD": "check the repository name and your access rights, then run the command again",
}

MAX_LISTED = 20


class PublishError(ValueError):
    """A state that publishing refuses; ``code`` is stable, the message names the place and the fix."""

    def __init__(self, code: str, message: str, *, incidents: Sequence[Incident] = ()) -> None:
        self.code = code
        self.incidents = tuple(incidents)
        fix = CODES.get(code)
        super().__init__(f"{message}. Fix: {fix}." if fix else message)


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
