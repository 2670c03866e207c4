"""The result object of one evaluation, and its stable JSON form (documented in eval/README.md).

Every report (JSON, Markdown, HTML) is rendered from an :class:`EvalResult`; nothing is
recomputed on the way. Score keys are flat and predictable (``spans_strict_micro_f``,
``attrs_quote_acc``, ``rels_lenient_attributed_to_r``, ``profile_unattributed_mae``); a score is
``None`` where nothing could be scored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reportedly.incidents import Incident

SCORER_VERSION = "1.0.0"  # bump whenever any score could change
FORMAT = "reportedly-eval/1"
HEADLINE = "spans_strict_micro_f"


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


@dataclass(frozen=True)
class Versions:
    corpus: str
    schema: str
    scorer: str
    git: str | None


@dataclass(frozen=True)
class Comparison:
    """System A (this result) against system B, on the same documents and the same draws."""

    other: str
    scores: Mapping[str, float | None]  # B's scores
    ci: Mapping[str, Interval | None]  # B's intervals
    diff: Mapping[str, float | None]  # A - B
    diff_ci: Mapping[str, Interval | None]
    p_bootstrap: Mapping[str, float | None]
    p_randomization: Mapping[str, float | None]
    resamples: int
    trials: int
    test: str = (
        "paired bootstrap (two-sided, shifted) and approximate randomisation (per-document swaps), "
        "both recomputing each metric from summed per-document counts"
    )
    unit: str = "document"


@dataclass(frozen=True)
class SliceResult:
    documents: int
    scores: Mapping[str, float | None]
    ci: Mapping[str, Interval | None]
    counts: Mapping[str, int]


@dataclass(frozen=True)
class EvalResult:
    system: str
    versions: Versions
    settings: Mapping[str, Any]
    scores: Mapping[str, float | None]
    ci: Mapping[str, Interval | None]
    counts: Mapping[str, int]
    slices: Mapping[str, SliceResult] = field(default_factory=dict)
    comparison: Comparison | None = None
    profile_points: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[Incident, ...] = ()

    @property
    def headline(self) -> float | None:
        return self.scores.get(HEADLINE)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format": FORMAT,
            "system": self.system,
            "versions": {
                "corpus": self.versions.corpus,
                "schema": self.versions.schema,
                "scorer": self.versions.scorer,
                "git": self.versions.git,
            },
            "settings": dict(self.settings),
            "headline": {"key": HEADLINE, "value": self.headline, "ci": _interval(self.ci.get(HEADLINE))},
            "scores": _clean(self.scores),
            "ci": {k: _interval(v) for k, v in sorted(self.ci.items())},
            "counts": dict(sorted(self.counts.items())),
            "slices": {
                name: {
                    "documents": s.documents,
                    "scores": _clean(s.scores),
                    "ci": {k: _interval(v) for k, v in sorted(s.ci.items())},
                    "counts": dict(sorted(s.counts.items())),
                }
                for name, s in sorted(self.slices.items())
            },
            "comparison": None,
            "profile_points": dict(self.profile_points),
            "warnings": [w.to_dict() for w in self.warnings],
        }
        if self.comparison is not None:
            c = self.comparison
            out["comparison"] = {
                "other": c.other,
                "test": c.test,
                "unit": c.unit,
                "resamples": c.resamples,
                "trials": c.trials,
                "scores": _clean(c.scores),
                "ci": {k: _interval(v) for k, v in sorted(c.ci.items())},
                "diff": _clean(c.diff),
                "diff_ci": {k: _interval(v) for k, v in sorted(c.diff_ci.items())},
                "p_bootstrap": _clean(c.p_bootstrap),
                "p_randomization": _clean(c.p_randomization),
            }
        return out


def _clean(values: Mapping[str, float | None]) -> dict[str, float | None]:
    return {k: (None if v is None or math.isnan(v) else v) for k, v in sorted(values.items())}


def _interval(value: Interval | None) -> dict[str, float] | None:
    return None if value is None else {"low": value.low, "high": value.high}
