"""The spans track: SemEval-2013 task 9.1 schemes with COR/INC/PAR/MIS/SPU counts.

Each scheme is one row of a table, not an if-chain. A matched pair is classified by two facts,
whether its boundaries are identical and whether its labels agree:

========  ==================================================  =============  ==========  ==========  ===========
scheme    rule                                                same bounds,   same        overlap,    overlap,
                                                              same label     bounds      same label  other label
========  ==================================================  =============  ==========  ==========  ===========
strict    exact boundaries and the same label                 COR            INC         INC         INC
exact     exact boundaries, whatever the label                COR            COR         INC         INC
partial   boundaries overlap, whatever the label (PAR = 0.5)  COR            COR         PAR         PAR
type      boundaries overlap and the same label               COR            INC         COR         INC
overlap   one-to-one overlapping spans of one label           COR            (never)     COR         (never)
========  ==================================================  =============  ==========  ==========  ===========

Unpaired gold spans are MIS and unpaired predictions SPU. The *micro* table pools every label
and pairs spans across labels (so a wrong-label prediction is one INC in strict and type); the
per-label tables pair spans of that label only (so the same prediction is one MIS in its gold
label's table and one SPU in its own). Pairing is :mod:`reportedly.scoring.matching`: identical
spans first, then, for strict/exact/partial, the most pairs, then the most same-label pairs,
then the largest total overlap; for type, the most same-label pairs first.

``overlap`` is the full-credit overlap match of the attribution literature: spans pair only with
spans of their own label (the matcher's per-label alignment, for the micro table too), so it has
no INC and no PAR; a wrong-label prediction is one MIS plus one SPU, and the micro table is the sum
of the per-label tables. Its F1 equals the ``type`` scheme's (an INC counts once in ACT and once
in POS, as MIS + SPU do), but its counts never mix labels, which is what a corpus scored on some
labels only needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

import numpy as np

from reportedly.scoring._types import BoolArray, IntArray
from reportedly.scoring.matching import SpanMatch
from reportedly.scoring.metrics import Mean, Metric, prf


class Scheme(StrEnum):
    STRICT = "strict"
    EXACT = "exact"
    PARTIAL = "partial"
    TYPE = "type"
    OVERLAP = "overlap"


CATEGORIES = ("cor", "inc", "par", "mis", "spu")
COR, INC, PAR, MIS, SPU = range(5)

# category of a matched pair, indexed by 2 * identical_boundaries + same_label
RULES: dict[Scheme, tuple[int, int, int, int]] = {
    Scheme.STRICT: (INC, INC, INC, COR),
    Scheme.EXACT: (INC, INC, COR, COR),
    Scheme.PARTIAL: (PAR, PAR, COR, COR),
    Scheme.TYPE: (INC, COR, INC, COR),
    Scheme.OVERLAP: (INC, COR, INC, COR),  # its pairs always share the label: COR, never INC
}
SCHEMES = tuple(Scheme)


def span_counts(
    match: SpanMatch,
    *,
    n_docs: int,
    n_labels: int,
    gold_in: BoolArray | None = None,
    pred_in: BoolArray | None = None,
) -> IntArray:
    """Per-document counts: documents x tables (micro, then each label) x schemes x categories.

    ``gold_in``/``pred_in`` restrict the counts to a slice: a pair counts when its gold span is
    in the slice; an unpaired prediction when it is in the slice by its own description.
    """
    gold, pred = match.gold, match.pred
    bins = n_labels + 1  # each label, and a bin for labels outside the schema (dropped)
    g_in = np.ones(len(gold), bool) if gold_in is None else gold_in
    p_in = np.ones(len(pred), bool) if pred_in is None else pred_in

    def by_label(doc: IntArray, label: IntArray) -> IntArray:
        return np.bincount(doc * bins + np.minimum(label, n_labels), minlength=n_docs * bins).reshape(n_docs, bins)

    # identical pairs are COR in every scheme and table; count them, and what they leave, once
    ident = match.identical.gold[g_in[match.identical.gold]]
    identical = by_label(gold.doc[ident], gold.label[ident])
    left_g = np.ones(len(gold), bool)
    left_g[match.identical.gold] = False
    left_g &= g_in
    left_p = np.ones(len(pred), bool)
    left_p[match.identical.pred] = False
    left_p &= p_in
    unpaired_g = by_label(gold.doc[left_g], gold.label[left_g])
    unpaired_p = by_label(pred.doc[left_p], pred.label[left_p])

    total = np.zeros((n_docs, n_labels + 1, len(SCHEMES), len(CATEGORIES)), np.int64)
    for rest, schemes, micro in (
        (match.boundary_rest, (Scheme.STRICT, Scheme.EXACT, Scheme.PARTIAL), True),
        (match.typed_rest, (Scheme.TYPE,), True),
        (match.overlap_rest, (Scheme.OVERLAP,), True),
        (match.per_label_rest, SCHEMES, False),
    ):
        keep = g_in[rest.gold]
        gi, pi = rest.gold[keep], rest.pred[keep]
        is_identical = (gold.start[gi] == pred.start[pi]) & (gold.end[gi] == pred.end[pi])
        same = gold.label[gi] == pred.label[pi] if micro else np.ones(len(gi), bool)
        row = 2 * is_identical.astype(np.int64) + same.astype(np.int64)
        kinds = [by_label(gold.doc[gi[row == r]], gold.label[gi[row == r]]) for r in range(4)]
        kinds[3] = kinds[3] + identical
        pred_rest = rest.pred[p_in[rest.pred]]
        missed = unpaired_g - by_label(gold.doc[gi], gold.label[gi])
        spurious = unpaired_p - by_label(pred.doc[pred_rest], pred.label[pred_rest])
        outcomes = [*kinds, missed, spurious]
        for s, scheme in enumerate(SCHEMES):
            if scheme not in schemes:
                continue
            for counts, category in zip(outcomes, (*RULES[scheme], MIS, SPU), strict=True):
                if micro:
                    total[:, 0, s, category] += counts[:, :n_labels].sum(axis=1) + counts[:, n_labels]
                else:
                    total[:, 1:, s, category] += counts[:, :n_labels]
    return total


def span_columns_of(counts: IntArray, labels: Sequence[str], prefix: str = "spans") -> dict[str, IntArray]:
    """Named per-document columns ``{prefix}_{scheme}_{table}_{category}``."""
    out: dict[str, IntArray] = {}
    for t, table in enumerate(("micro", *labels)):
        for s, scheme in enumerate(SCHEMES):
            for c, cat in enumerate(CATEGORIES):
                out[f"{prefix}_{scheme.value}_{table}_{cat}"] = counts[:, t, s, c]
    return out


def span_metrics(labels: Sequence[str], prefix: str = "spans") -> list[Metric]:
    """P/R/F1 per scheme for the micro table, each label, and the macro average over labels."""
    metrics: list[Metric] = []
    for scheme in SCHEMES:
        for table in ("micro", *labels):
            name = f"{prefix}_{scheme.value}_{table}"
            cor, inc, par, mis, spu = (f"{name}_{c}" for c in CATEGORIES)
            metrics += prf(
                name,
                tp={cor: 1.0, par: 0.5},
                act={cor: 1.0, inc: 1.0, par: 1.0, spu: 1.0},
                pos={cor: 1.0, inc: 1.0, par: 1.0, mis: 1.0},
            )
        for part in ("p", "r", "f"):
            members = tuple(f"{prefix}_{scheme.value}_{label}_{part}" for label in labels)
            metrics.append(Mean(f"{prefix}_{scheme.value}_macro_{part}", members))
    return metrics
