"""One-to-one, order-independent alignment of gold and predicted spans, with numpy.

Spans arrive as half-open intervals ``[start, end)`` in one *global* coordinate system in which
spans that must never be paired (other documents; other labels, for per-label tables) can never
overlap, and in canonical order (by start, end, label, then a stable tiebreak). The alignment
is then a pure function of the two sets, never of the order in which the spans were listed:

1. identical spans are paired first (the k-th copy with the k-th copy);
2. among what is left, overlapping pairs are chosen to maximise, in order, the criteria the
   caller names (e.g. the number of pairs, then same-label pairs, then total overlap).
   Pairs that nothing competes for are taken directly; every connected group of competing
   pairs is solved exactly with ``scipy.optimize.linear_sum_assignment``.

The alignments, and the schemes of :mod:`reportedly.scoring.spans` that use them: *boundary*
(micro strict, exact, partial), *typed* (micro type), *per-label* (every per-label table) and
*overlap* (the ``overlap`` scheme, micro and per label: spans pair with spans of their own label
only, one-to-one, the most pairs, then the largest overlap; it is the per-label alignment).

Candidate overlaps come from two sorted range queries (a gold span starting inside a predicted
span, or a predicted span starting strictly inside a gold span), so the work is proportional to
the number of overlapping pairs, never quadratic in the number of spans.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

import numpy as np

from reportedly.document import Span
from reportedly.scoring._types import BoolArray, IntArray
from reportedly.scoring.arrays import SpanColumns, spans_of_one_text

_EXACT_FLOAT = 2**53


@dataclass(frozen=True)
class Pairs:
    """Matched index pairs: ``gold[i]`` is paired with ``pred[i]``."""

    gold: IntArray
    pred: IntArray

    @staticmethod
    def empty() -> Pairs:
        return Pairs(np.zeros(0, np.int64), np.zeros(0, np.int64))

    def __len__(self) -> int:
        return len(self.gold)


_Column = TypeVar("_Column", IntArray, BoolArray)


def gather(values: _Column, index: IntArray, fill: int | bool) -> _Column:
    """``values[index]`` where ``index >= 0``, else ``fill`` (safe when ``values`` is empty)."""
    out: _Column = np.full(len(index), fill, dtype=values.dtype)
    ok = index >= 0
    out[ok] = values[index[ok]]
    return out


def concat(parts: Sequence[Pairs]) -> Pairs:
    if not parts:
        return Pairs.empty()
    return Pairs(np.concatenate([p.gold for p in parts]), np.concatenate([p.pred for p in parts]))


def dense_keys(columns_gold: Sequence[IntArray], columns_pred: Sequence[IntArray]) -> tuple[IntArray, IntArray]:
    """One int64 key per item such that keys are equal exactly when all columns are equal."""
    n_gold = len(columns_gold[0])
    stacked = [np.concatenate([g, p]) for g, p in zip(columns_gold, columns_pred, strict=True)]
    if not len(stacked[0]):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    bits = [int(c.max()).bit_length() if len(c) else 1 for c in stacked]
    if all(c.min() >= 0 for c in stacked) and sum(bits) <= 62:
        key = np.zeros(len(stacked[0]), np.int64)
        for column, width in zip(stacked, bits, strict=True):
            key = (key << width) | column
    else:
        order = np.lexsort(tuple(reversed(stacked)))
        changed = np.zeros(len(order), bool)
        for column in stacked:
            ordered = column[order]
            changed[1:] |= ordered[1:] != ordered[:-1]
        key = np.empty(len(order), np.int64)
        key[order] = np.cumsum(changed)
    return key[:n_gold], key[n_gold:]


def _occurrence(sorted_keys: IntArray) -> IntArray:
    """The 0-based rank of each item among the items with the same key (keys sorted)."""
    n = len(sorted_keys)
    starts = np.ones(n, bool)
    starts[1:] = sorted_keys[1:] != sorted_keys[:-1]
    first: IntArray = np.maximum.accumulate(np.where(starts, np.arange(n, dtype=np.int64), 0))
    return np.arange(n, dtype=np.int64) - first


def pair_equal(gold_keys: IntArray, pred_keys: IntArray) -> Pairs:
    """Pair the k-th gold item of each key with the k-th predicted item of that key.

    Items are taken in their given (canonical) order within a key.
    """
    if not len(gold_keys) or not len(pred_keys):
        return Pairs.empty()
    g_order = np.argsort(gold_keys, kind="stable")
    p_order = np.argsort(pred_keys, kind="stable")
    g_sorted, p_sorted = gold_keys[g_order], pred_keys[p_order]
    g_unique = not np.any(g_sorted[1:] == g_sorted[:-1])
    p_unique = not np.any(p_sorted[1:] == p_sorted[:-1])
    if g_unique and p_unique:
        pos = np.searchsorted(g_sorted, p_sorted)
        pos_clipped = np.minimum(pos, len(g_sorted) - 1)
        hit = (pos < len(g_sorted)) & (g_sorted[pos_clipped] == p_sorted)
        return Pairs(g_order[pos_clipped[hit]], p_order[hit])
    g_rank, p_rank = _occurrence(g_sorted), _occurrence(p_sorted)
    gk, pk = dense_keys([g_sorted, g_rank], [p_sorted, p_rank])
    keys = np.concatenate([gk, pk])
    side = np.concatenate([np.zeros(len(gk), np.int64), np.ones(len(pk), np.int64)])
    local = np.concatenate([np.arange(len(gk)), np.arange(len(pk))])
    order = np.lexsort((side, keys))
    k, s, i = keys[order], side[order], local[order]
    hit = (k[1:] == k[:-1]) & (s[:-1] == 0) & (s[1:] == 1)
    return Pairs(g_order[i[:-1][hit]], p_order[i[1:][hit]])


def _expand(lo: IntArray, hi: IntArray) -> tuple[IntArray, IntArray]:
    counts = hi - lo
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(lo), dtype=np.int64), counts)
    offsets = np.cumsum(counts) - counts
    other = lo[owner] + (np.arange(total, dtype=np.int64) - offsets[owner])
    return owner, other


def overlap_edges(g_start: IntArray, g_end: IntArray, p_start: IntArray, p_end: IntArray) -> Pairs:
    """Every (gold, pred) pair that overlaps (half-open: touching is not overlapping).

    Both sides must be sorted by start.
    """
    if not len(g_start) or not len(p_start):
        return Pairs.empty()
    # a gold span that starts inside the predicted span (or at its start)
    lo = np.searchsorted(g_start, p_start, side="left")
    hi = np.searchsorted(g_start, p_end, side="left")
    p_a, g_a = _expand(lo.astype(np.int64), hi.astype(np.int64))
    # a predicted span that starts strictly inside the gold span
    lo = np.searchsorted(p_start, g_start, side="right")
    hi = np.searchsorted(p_start, g_end, side="left")
    g_b, p_b = _expand(lo.astype(np.int64), hi.astype(np.int64))
    return Pairs(np.concatenate([g_a, g_b]), np.concatenate([p_a, p_b]))


def _weights(criteria: Sequence[IntArray], bounds: Sequence[int], pairs_max: int) -> list[int]:
    """Factors that make the weighted sum compare criteria lexicographically."""
    factors = [1] * len(criteria)
    lower_total = 0
    for i in range(len(criteria) - 1, -1, -1):
        factors[i] = pairs_max * lower_total + 1
        lower_total += bounds[i] * factors[i]
    return factors


def best_matching(edges: Pairs, criteria: Sequence[IntArray], *, n_gold: int, n_pred: int) -> BoolArray:
    """Choose a one-to-one subset of ``edges`` maximising the criteria lexicographically.

    ``criteria`` are non-negative integers per edge, most important first (pass an array of
    ones to maximise the number of pairs). Returns a mask over the edges.
    """
    chosen = np.zeros(len(edges), bool)
    if not len(edges):
        return chosen
    deg_g = np.bincount(edges.gold, minlength=n_gold)
    deg_p = np.bincount(edges.pred, minlength=n_pred)
    free = (deg_g[edges.gold] == 1) & (deg_p[edges.pred] == 1)
    chosen[free] = True
    conflict = np.flatnonzero(~free)
    if not len(conflict):
        return chosen
    from scipy.optimize import linear_sum_assignment
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    g, p = edges.gold[conflict], edges.pred[conflict]
    graph = coo_matrix((np.ones(len(g)), (g, n_gold + p)), shape=(n_gold + n_pred, n_gold + n_pred))
    _, component = connected_components(graph, directed=False)
    edge_component = component[g]
    order = np.argsort(edge_component, kind="stable")
    bounds = np.flatnonzero(np.diff(edge_component[order])) + 1
    for group in np.split(order, bounds):
        rows, row_index = np.unique(g[group], return_inverse=True)
        cols, col_index = np.unique(p[group], return_inverse=True)
        values = [c[conflict[group]] for c in criteria]
        pairs_max = min(len(rows), len(cols))
        factors = _weights(values, [int(v.max()) for v in values], pairs_max)
        total = sum(int(v.max()) * f for v, f in zip(values, factors, strict=True)) * pairs_max
        if total >= _EXACT_FLOAT:  # keep the order of the last criterion, not its sums
            last = np.unique(values[-1], return_inverse=True)[1].astype(np.int64) + 1
            values = [*values[:-1], last]
            factors = _weights(values, [int(v.max()) for v in values], pairs_max)
        weight = np.zeros(len(group), np.float64)
        for v, f in zip(values, factors, strict=True):
            weight += v.astype(np.float64) * float(f)
        matrix = np.zeros((len(rows), len(cols)))
        matrix[row_index, col_index] = weight
        r, c = linear_sum_assignment(matrix, maximize=True)
        assigned = np.zeros((len(rows), len(cols)), bool)
        assigned[r, c] = True
        chosen[conflict[group]] = assigned[row_index, col_index] & (weight > 0)
    return chosen


# --- spans ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpanMatch:
    """The three alignments of one gold/prediction pair of span sets."""

    gold: SpanColumns
    pred: SpanColumns
    identical: Pairs  # same boundaries and label: shared by all three alignments
    boundary_rest: Pairs  # the other pairs of the micro strict/exact/partial alignment
    typed_rest: Pairs  # ... of the micro type alignment
    per_label_rest: Pairs  # ... of the per-label alignment

    @cached_property
    def boundary(self) -> Pairs:
        return concat([self.identical, self.boundary_rest])

    @cached_property
    def typed(self) -> Pairs:
        return concat([self.identical, self.typed_rest])

    @cached_property
    def per_label(self) -> Pairs:
        return concat([self.identical, self.per_label_rest])

    @property
    def overlap_rest(self) -> Pairs:
        """The overlap scheme's pairs beyond the identical ones: same label, one-to-one, most pairs,
        then largest overlap; the per-label alignment, also for the micro table."""
        return self.per_label_rest

    def partner(self, pairs: Pairs, *, of_gold: bool) -> IntArray:
        """For each gold (or predicted) span, the index of its partner, or -1."""
        size = len(self.gold) if of_gold else len(self.pred)
        result = np.full(size, -1, np.int64)
        if of_gold:
            result[pairs.gold] = pairs.pred
        else:
            result[pairs.pred] = pairs.gold
        return result


def _left(size: int, used: IntArray) -> IntArray:
    mask = np.ones(size, bool)
    mask[used] = False
    return np.flatnonzero(mask)


def align_spans(gold: SpanColumns, pred: SpanColumns) -> SpanMatch:
    gs, ge, gl = gold.start, gold.end, gold.label
    ps, pe, pl = pred.start, pred.end, pred.label
    key_g, key_p = dense_keys([gs, ge, gl], [ps, pe, pl])
    same_span = pair_equal(key_g, key_p)
    lg, lp = _left(len(gold), same_span.gold), _left(len(pred), same_span.pred)
    edges_local = overlap_edges(gs[lg], ge[lg], ps[lp], pe[lp])
    eg, ep = lg[edges_local.gold], lp[edges_local.pred]
    overlap = np.minimum(ge[eg], pe[ep]) - np.maximum(gs[eg], ps[ep])
    same = (gl[eg] == pl[ep]).astype(np.int64)
    ones = np.ones(len(eg), np.int64)
    n_g, n_p = len(lg), len(lp)

    # per label: identical spans, then the most pairs, then the largest overlap
    sub = np.flatnonzero(same)
    chosen = best_matching(
        Pairs(edges_local.gold[sub], edges_local.pred[sub]), [ones[sub], overlap[sub]], n_gold=n_g, n_pred=n_p
    )
    per_label = Pairs(eg[sub][chosen], ep[sub][chosen])

    # type: identical spans, then the most same-label pairs, then the most pairs, then overlap
    chosen = best_matching(edges_local, [same, ones, overlap], n_gold=n_g, n_pred=n_p)
    typed = Pairs(eg[chosen], ep[chosen])

    # strict/exact/partial: identical spans, identical boundaries, then pairs, labels, overlap
    kb_g, kb_p = dense_keys([gs[lg], ge[lg]], [ps[lp], pe[lp]])
    same_bounds_local = pair_equal(kb_g, kb_p)
    same_bounds = Pairs(lg[same_bounds_local.gold], lp[same_bounds_local.pred])
    taken_g = np.zeros(n_g, bool)
    taken_g[same_bounds_local.gold] = True
    taken_p = np.zeros(n_p, bool)
    taken_p[same_bounds_local.pred] = True
    keep = np.flatnonzero(~taken_g[edges_local.gold] & ~taken_p[edges_local.pred])
    chosen = best_matching(
        Pairs(edges_local.gold[keep], edges_local.pred[keep]),
        [ones[keep], same[keep], overlap[keep]],
        n_gold=n_g,
        n_pred=n_p,
    )
    boundary = concat([same_bounds, Pairs(eg[keep][chosen], ep[keep][chosen])])
    return SpanMatch(gold, pred, same_span, boundary, typed, per_label)


def match_spans(a: Sequence[Span], b: Sequence[Span]) -> list[tuple[int, int]]:
    """One-to-one pairs ``(index in a, index in b)`` of same-label spans of one text.

    This is the scorer's per-label alignment: identical spans first, then the most overlapping
    pairs, then the largest total overlap; the answer never depends on the order of the input.

    >>> from reportedly.document import Span
    >>> a = [Span("G1", "CUE", 0, 10, "x" * 10), Span("G2", "CUE", 12, 30, "x" * 18)]
    >>> b = [Span("P1", "CUE", 8, 25, "x" * 17), Span("P2", "CUE", 28, 40, "x" * 12)]
    >>> match_spans(a, b)
    [(0, 0), (1, 1)]
    """
    labels = {label: i for i, label in enumerate(sorted({s.label for s in (*a, *b)}))}
    left, right = spans_of_one_text(a, labels), spans_of_one_text(b, labels)
    pairs = align_spans(left, right).per_label
    rows = zip(left.order[pairs.gold].tolist(), right.order[pairs.pred].tolist(), strict=True)
    return sorted((int(i), int(j)) for i, j in rows)
