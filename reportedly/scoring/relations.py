"""The relations track, per relation label, in three modes:

- ``strict``: both argument spans match gold spans exactly (boundaries and labels) and the
  relation label is right;
- ``boundary``: argument boundaries exact, span labels ignored, relation label right;
- ``lenient``: arguments aligned by overlap, relation label right.

Arguments are aligned through the one-to-one span alignment of the micro strict/exact/partial
tables (identical spans first, then overlaps), so a predicted span stands for at most one gold
span and no relation is counted twice. P = COR / predicted relations, R = COR / gold relations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from reportedly.document import Document, Relation
from reportedly.scoring._types import BoolArray, IntArray
from reportedly.scoring.arrays import SpanColumns
from reportedly.scoring.matching import Pairs, SpanMatch, dense_keys, gather, pair_equal
from reportedly.scoring.metrics import Mean, Metric, prf

MODES = ("strict", "boundary", "lenient")


@dataclass(frozen=True)
class RelationColumns:
    doc: IntArray
    label: IntArray  # index into the schema's relation names; unknown labels get len(names)
    head: IntArray  # index into the side's SpanColumns; -1 when the id does not exist
    tail: IntArray
    relations: tuple[Relation, ...]

    def __len__(self) -> int:
        return len(self.doc)


def relation_columns(docs: Sequence[Document | None], spans: SpanColumns, names: Sequence[str]) -> RelationColumns:
    ids = spans.index_of()
    index = {name: i for i, name in enumerate(names)}
    doc, label, head, tail = [], [], [], []
    relations: list[Relation] = []
    for d, document in enumerate(docs):
        if document is None:
            continue
        known = ids[d] if d < len(ids) else {}
        for rel in document.relations:
            doc.append(d)
            label.append(index.get(rel.label, len(names)))
            head.append(known.get(rel.head, -1))
            tail.append(known.get(rel.tail, -1))
            relations.append(rel)

    def arr(values: list[int]) -> IntArray:
        return np.asarray(values, np.int64).reshape(-1)

    return RelationColumns(arr(doc), arr(label), arr(head), arr(tail), tuple(relations))


def match_relations(match: SpanMatch, gold: RelationColumns, pred: RelationColumns) -> dict[str, Pairs]:
    """For each mode, the pairs (gold relation, predicted relation) counted as correct."""
    partner = match.partner(match.boundary, of_gold=False)
    ph, pt = pred.head, pred.tail
    mh, mt = gather(partner, ph, -1), gather(partner, pt, -1)
    aligned = (mh >= 0) & (mt >= 0)
    g_sp, p_sp = match.gold, match.pred
    same_bounds = np.zeros(len(pred), bool)
    same_labels = np.zeros(len(pred), bool)
    a = np.flatnonzero(aligned)
    gh, gt, qh, qt = mh[a], mt[a], ph[a], pt[a]
    same_bounds[a] = (
        (g_sp.start[gh] == p_sp.start[qh])
        & (g_sp.end[gh] == p_sp.end[qh])
        & (g_sp.start[gt] == p_sp.start[qt])
        & (g_sp.end[gt] == p_sp.end[qt])
    )
    same_labels[a] = (g_sp.label[gh] == p_sp.label[qh]) & (g_sp.label[gt] == p_sp.label[qt])
    eligible = {
        "lenient": aligned,
        "boundary": aligned & same_bounds,
        "strict": aligned & same_bounds & same_labels,
    }
    out: dict[str, Pairs] = {}
    g_ok = (gold.head >= 0) & (gold.tail >= 0)
    gi_all = np.flatnonzero(g_ok)
    for mode in MODES:
        pi_all = np.flatnonzero(eligible[mode])
        key_g, key_p = dense_keys(
            [gold.label[gi_all], gold.head[gi_all], gold.tail[gi_all]],
            [pred.label[pi_all], mh[pi_all], mt[pi_all]],
        )
        pairs = pair_equal(key_g, key_p)
        out[mode] = Pairs(gi_all[pairs.gold], pi_all[pairs.pred])
    return out


def relation_columns_counts(
    matched: dict[str, Pairs],
    gold: RelationColumns,
    pred: RelationColumns,
    names: Sequence[str],
    *,
    n_docs: int,
    gold_in: BoolArray | None = None,
    pred_in: BoolArray | None = None,
) -> dict[str, IntArray]:
    g_in = np.ones(len(gold), bool) if gold_in is None else gold_in
    p_in = np.ones(len(pred), bool) if pred_in is None else pred_in
    n_labels = len(names)
    out: dict[str, IntArray] = {}
    for mode in MODES:
        pairs = matched[mode]
        partner = np.full(len(pred), -1, np.int64)
        partner[pairs.pred] = pairs.gold
        p_eff = np.where(partner >= 0, gather(g_in, partner, False), p_in)
        cor_gold = pairs.gold[g_in[pairs.gold]]
        tables = {
            "cor": _per_label(gold.doc[cor_gold], gold.label[cor_gold], n_docs, n_labels),
            "act": _per_label(pred.doc[p_eff], pred.label[p_eff], n_docs, n_labels),
            "pos": _per_label(gold.doc[g_in], gold.label[g_in], n_docs, n_labels),
        }
        for part, table in tables.items():
            out[f"rels_{mode}_micro_{part}"] = table.sum(axis=1)
            for i, name in enumerate(names):
                out[f"rels_{mode}_{name}_{part}"] = table[:, i]
    return out


def _per_label(doc: IntArray, label: IntArray, n_docs: int, n_labels: int) -> IntArray:
    counts = np.bincount(doc * (n_labels + 1) + label, minlength=n_docs * (n_labels + 1))
    return counts.reshape(n_docs, n_labels + 1)


def relation_metrics(names: Sequence[str]) -> list[Metric]:
    metrics: list[Metric] = []
    for mode in MODES:
        for table in ("micro", *names):
            key = f"rels_{mode}_{table}"
            metrics += prf(key, tp={f"{key}_cor": 1.0}, act={f"{key}_act": 1.0}, pos={f"{key}_pos": 1.0})
        for part in ("p", "r", "f"):
            metrics.append(Mean(f"rels_{mode}_macro_{part}", tuple(f"rels_{mode}_{n}_{part}" for n in names)))
    return metrics
