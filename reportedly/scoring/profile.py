"""The profile track: how a document sources and hedges its claims, and how well a system
estimates that per document.

Per document: ``unnamed_source`` = share of claims attributed to at least one source whose
``source_type`` is unnamed (person or group); ``unattributed`` = share of claims with no
``attributed_to`` relation; ``hedges_per_claim`` = HEDGE spans / CLAIM spans. A document with no
claim has the profile (0, 0, 0). Scores: mean absolute error against the gold over documents, and
Spearman's rank correlation across documents (None when either side is constant).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from reportedly.document import Document
from reportedly.scoring._types import FloatArray
from reportedly.scoring.metrics import Metric, Rank, Ratio

MEASURES = ("unnamed_source", "unattributed", "hedges_per_claim")
UNNAMED = frozenset({"unnamed_person", "unnamed_group"})


def profile_of(doc: Document | None) -> tuple[float, float, float]:
    if doc is None:
        return (0.0, 0.0, 0.0)
    by_id = doc.spans_by_id()
    claims = [s.id for s in doc.spans if s.label == "CLAIM"]
    if not claims:
        return (0.0, 0.0, 0.0)
    hedges = sum(1 for s in doc.spans if s.label == "HEDGE")
    sources: dict[str, list[str]] = {}
    for rel in doc.relations:
        if rel.label == "attributed_to" and rel.tail in by_id:
            sources.setdefault(rel.head, []).append(rel.tail)
    unnamed = sum(1 for c in claims if any(by_id[t].attrs.get("source_type") in UNNAMED for t in sources.get(c, ())))
    unattributed = sum(1 for c in claims if c not in sources)
    n = len(claims)
    return (unnamed / n, unattributed / n, hedges / n)


def profile_series(gold: Sequence[Document], pred: Sequence[Document | None]) -> dict[str, FloatArray]:
    g = np.array([profile_of(d) for d in gold], np.float64).reshape(-1, len(MEASURES))
    p = np.array([profile_of(d) for d in pred], np.float64).reshape(-1, len(MEASURES))
    out: dict[str, FloatArray] = {}
    for i, name in enumerate(MEASURES):
        out[f"profile_{name}_gold"] = g[:, i]
        out[f"profile_{name}_pred"] = p[:, i]
    return out


def profile_columns(series: dict[str, FloatArray], n_docs: int) -> dict[str, FloatArray]:
    out: dict[str, FloatArray] = {"profile_docs": np.ones(n_docs)}
    for name in MEASURES:
        out[f"profile_{name}_abs_err"] = np.abs(series[f"profile_{name}_pred"] - series[f"profile_{name}_gold"])
    return out


def profile_metrics() -> list[Metric]:
    metrics: list[Metric] = []
    for name in MEASURES:
        metrics.append(Ratio(f"profile_{name}_mae", {f"profile_{name}_abs_err": 1.0}, {"profile_docs": 1.0}))
        metrics.append(Rank(f"profile_{name}_spearman", f"profile_{name}_pred", f"profile_{name}_gold"))
    return metrics
