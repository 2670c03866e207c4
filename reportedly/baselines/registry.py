"""The registry of extraction systems: one entry per name, with "did you mean" for typos.

Each entry says what the system is, whether it must be trained, and the function that builds it.
Nothing heavy is imported here, so the command line can list the systems instantly.

>>> spec("crf").trained
True
>>> try:
...     spec("encodr")
... except ReportedlyError as exc:
...     print(str(exc).split(";")[0])
unknown system 'encodr' (did you mean 'encoder'?)
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from reportedly.incidents import ReportedlyError


@dataclass(frozen=True)
class SystemSpec:
    name: str
    description: str
    trained: bool  # learns from the corpus (cached, or a model folder from `reportedly train`)
    remote: bool = False  # answers come from an HTTP endpoint


SYSTEMS: dict[str, SystemSpec] = {
    spec.name: spec
    for spec in (
        SystemSpec("rules", "lexicons and surface patterns; no training, fast", trained=False),
        SystemSpec("crf", "a CRF per label over word features, plus attribute and relation heads", trained=True),
        SystemSpec("encoder", "MiniLM-L6 fine-tuned for BIO tagging, plus the crf's heads", trained=True),
        SystemSpec(
            "llm", "any OpenAI-compatible chat model, prompted as in eval/README.md", trained=False, remote=True
        ),
    )
}
TRAINABLE = tuple(name for name, s in SYSTEMS.items() if s.trained)


def spec(name: str) -> SystemSpec:
    """The registry entry of ``name``; an unknown name raises with the closest known ones."""
    found = SYSTEMS.get(name)
    if found is not None:
        return found
    close = difflib.get_close_matches(name.lower(), list(SYSTEMS), n=2, cutoff=0.5)
    hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
    known = ", ".join(SYSTEMS)
    raise ReportedlyError.of(
        "RPT-SYSTEM-UNKNOWN",
        f"unknown system {name!r}{hint}; known: {known}, or a path to a model folder written by `reportedly train`",
    )
