"""Metrics as functions of per-document numbers, vectorised over resamples.

A track reports per-document *columns* (counts such as COR or MIS, or per-document errors) and
*series* (per-document values for rank correlations). Every metric is one of three kinds:

- :class:`Ratio`: a linear combination of column sums over another (precision, recall, F1,
  accuracy, MAE); ``None`` when the denominator is zero;
- :class:`Mean`: the mean of the defined values of other metrics (macro averages);
- :class:`Rank`: Spearman's rank correlation of two series across documents.

Because every value is recomputed from weighted sums over documents, one code path gives the
point estimate (all weights 1), bootstrap resamples (weights = how often each document was
drawn) and randomisation trials (columns mixed from two systems).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from reportedly.scoring._types import BoolArray, FloatArray, IntArray


@dataclass(frozen=True)
class Ratio:
    key: str
    num: Mapping[str, float]
    den: Mapping[str, float]


@dataclass(frozen=True)
class Mean:
    key: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Rank:
    key: str
    pred: str
    gold: str


Metric = Ratio | Mean | Rank


def prf(prefix: str, *, tp: Mapping[str, float], act: Mapping[str, float], pos: Mapping[str, float]) -> list[Metric]:
    """Precision, recall and F1 = 2·TP / (ACT + POS), keyed ``{prefix}_p``, ``_r``, ``_f``."""
    both: dict[str, float] = {}
    for part in (act, pos):
        for name, coef in part.items():
            both[name] = both.get(name, 0.0) + coef
    return [
        Ratio(f"{prefix}_p", tp, act),
        Ratio(f"{prefix}_r", tp, pos),
        Ratio(f"{prefix}_f", {k: 2 * v for k, v in tp.items()}, both),
    ]


@dataclass
class Group:
    """The per-document data and metrics of one table set (the whole test set or one slice)."""

    name: str  # "" for the whole set, else e.g. "genre=wire"
    columns: dict[str, FloatArray] = field(default_factory=dict)
    metrics: list[Metric] = field(default_factory=list)
    doc_mask: BoolArray | None = None  # documents in the slice (None: all)
    documents: int | None = None  # documents with gold items in an item slice

    def add(self, columns: Mapping[str, FloatArray | IntArray], metrics: Sequence[Metric]) -> None:
        for name, values in columns.items():
            self.columns[name] = np.asarray(values, np.float64)
        self.metrics.extend(metrics)


@dataclass(frozen=True)
class Compiled:
    """A group's metrics as matrices over its columns."""

    keys: tuple[str, ...]
    column_names: tuple[str, ...]
    matrix: FloatArray  # documents x columns
    num: FloatArray  # columns x ratio metrics
    den: FloatArray
    ratio_slots: tuple[int, ...]  # position of each ratio metric in keys
    means: tuple[tuple[int, tuple[int, ...]], ...]  # (slot, member slots)
    ranks: tuple[tuple[int, str, str], ...]  # (slot, pred series, gold series)
    doc_mask: FloatArray  # 1.0 for documents in the group, else 0.0


def compile_group(group: Group, n_docs: int) -> Compiled:
    names = tuple(sorted(group.columns))
    index = {name: i for i, name in enumerate(names)}
    mask = np.ones(n_docs) if group.doc_mask is None else group.doc_mask.astype(np.float64)
    matrix = np.zeros((n_docs, len(names)))
    for name, values in group.columns.items():
        matrix[:, index[name]] = values * mask
    keys = tuple(m.key for m in group.metrics)
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate metric keys in group {group.name!r}")
    slot = {key: i for i, key in enumerate(keys)}
    ratios = [m for m in group.metrics if isinstance(m, Ratio)]
    num = np.zeros((len(names), len(ratios)))
    den = np.zeros((len(names), len(ratios)))
    for j, metric in enumerate(ratios):
        for name, coef in metric.num.items():
            if name in index:
                num[index[name], j] += coef
        for name, coef in metric.den.items():
            if name in index:
                den[index[name], j] += coef
    means = tuple((slot[m.key], tuple(slot[k] for k in m.members)) for m in group.metrics if isinstance(m, Mean))
    ranks = tuple((slot[m.key], m.pred, m.gold) for m in group.metrics if isinstance(m, Rank))
    return Compiled(keys, names, matrix, num, den, tuple(slot[m.key] for m in ratios), means, ranks, mask)


def values(
    compiled: Compiled,
    sums: FloatArray,
    *,
    weights: FloatArray,
    series: Mapping[str, FloatArray],
) -> FloatArray:
    """Metric values (resamples x metrics; NaN where undefined) from column sums.

    ``sums`` is resamples x columns; ``weights`` (resamples x documents) weighs the documents for
    rank correlations; ``series`` values may be per document or per resample and document.
    """
    rows = sums.shape[0]
    out = np.full((rows, len(compiled.keys)), np.nan)
    if compiled.ratio_slots:
        top = sums @ compiled.num
        bottom = sums @ compiled.den
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1.0), np.nan)
        out[:, list(compiled.ratio_slots)] = ratio
    for slot, pred, gold in compiled.ranks:
        out[:, slot] = weighted_spearman(series[pred], series[gold], weights * compiled.doc_mask)
    for slot, members in compiled.means:
        block = out[:, list(members)]
        defined = ~np.isnan(block)
        count = defined.sum(axis=1)
        total = np.where(defined, block, 0.0).sum(axis=1)
        out[:, slot] = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return out


def weighted_ranks(x: FloatArray, w: FloatArray) -> tuple[FloatArray, BoolArray]:
    """Average ranks (1-based) of ``x`` in the multiset where item i occurs ``w[r, i]`` times, and
    whether the items present (``w > 0``) all have one value.

    ``x`` is one row shared by every row of weights (bootstrap: sorted once), or one row per row
    of weights (randomisation).
    """
    rows, n = w.shape
    if x.ndim == 1:
        order = np.argsort(x, kind="stable")
        xs = x[order]
        new = np.ones(n, bool)
        new[1:] = xs[1:] != xs[:-1]
        last = np.ones(n, bool)
        last[:-1] = new[1:]
        idx = np.arange(n)
        first_idx = np.maximum.accumulate(np.where(new, idx, 0))
        last_idx = np.minimum.accumulate(np.where(last, idx, n - 1)[::-1])[::-1]
        ws = w[:, order]
        present = ws > 0
        lowest = xs[np.argmax(present, axis=1)]
        highest = xs[n - 1 - np.argmax(present[:, ::-1], axis=1)]
        cw = np.cumsum(ws, axis=1)
        before = cw[:, first_idx] - ws[:, first_idx]
        total = cw[:, last_idx] - before
        ranks = np.empty_like(ws)
        ranks[:, order] = before + (total + 1.0) / 2.0
        return ranks, ~(highest > lowest)
    order2 = np.argsort(x, axis=1, kind="stable")
    xs2 = np.take_along_axis(x, order2, axis=1)
    ws2 = np.take_along_axis(w, order2, axis=1)
    present2 = ws2 > 0
    rows_index = np.arange(rows)
    lowest2 = xs2[rows_index, np.argmax(present2, axis=1)]
    highest2 = xs2[rows_index, n - 1 - np.argmax(present2[:, ::-1], axis=1)]
    cw2 = np.cumsum(ws2, axis=1)
    idx2 = np.broadcast_to(np.arange(n), (rows, n))
    new2 = np.ones((rows, n), bool)
    new2[:, 1:] = xs2[:, 1:] != xs2[:, :-1]
    last2 = np.ones((rows, n), bool)
    last2[:, :-1] = new2[:, 1:]
    first2 = np.maximum.accumulate(np.where(new2, idx2, 0), axis=1)
    end2 = np.minimum.accumulate(np.where(last2, idx2, n - 1)[:, ::-1], axis=1)[:, ::-1]
    before2 = np.take_along_axis(cw2, first2, axis=1) - np.take_along_axis(ws2, first2, axis=1)
    total2 = np.take_along_axis(cw2, end2, axis=1) - before2
    ranks2 = np.empty_like(ws2)
    np.put_along_axis(ranks2, order2, before2 + (total2 + 1.0) / 2.0, axis=1)
    return ranks2, ~(highest2 > lowest2)


def weighted_spearman(x: FloatArray, y: FloatArray, w: FloatArray) -> FloatArray:
    """Spearman's rho per row of weights (NaN when either side is constant or < 2 documents)."""
    w = np.atleast_2d(w).astype(np.float64)
    rx, x_constant = weighted_ranks(np.asarray(x, np.float64), w)
    ry, y_constant = weighted_ranks(np.asarray(y, np.float64), w)
    total = w.sum(axis=1)
    safe = np.where(total > 0, total, 1.0)
    wx, wy = w * rx, w * ry
    sx, sy = wx.sum(axis=1), wy.sum(axis=1)
    cov = np.einsum("ij,ij->i", wx, ry) - sx * sy / safe
    var_x = np.einsum("ij,ij->i", wx, rx) - sx * sx / safe
    var_y = np.einsum("ij,ij->i", wy, ry) - sy * sy / safe
    scale = np.sqrt(np.maximum(var_x, 0.0) * np.maximum(var_y, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.clip(cov / np.where(scale > 0, scale, 1.0), -1.0, 1.0)
    result: FloatArray = np.where(x_constant | y_constant | (scale <= 0) | (total < 2), np.nan, rho)
    return result
