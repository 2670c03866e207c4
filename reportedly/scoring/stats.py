"""Confidence intervals and significance tests over documents.

- **Bootstrap CI**: draw the test documents with replacement ``resamples`` times (seeded), sum
  each draw's per-document counts and recompute every metric on the sums; the interval is the
  central ``confidence`` share of the defined values (percentile method).
- **Paired bootstrap** (two systems, the same draws): CI of the difference A - B, and the two-sided
  p-value ``(1 + #{|d* - d| >= |d|}) / (1 + B)`` of the null "no difference" (the resampled
  differences, shifted to mean zero, stand for the null distribution).
- **Approximate randomisation**: in each trial swap the two systems' outputs for each document
  with probability 1/2 and recompute the difference on the sums;
  p = ``(1 + #{|d_r| >= |d|}) / (1 + R)``.

The unit of resampling is always the document, so counts within one document stay together.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from reportedly.scoring._types import FloatArray
from reportedly.scoring.metrics import Compiled, values

Tick = Callable[[], None]
_CELLS_PER_CHUNK = 1 << 21


@dataclass(frozen=True)
class BootstrapResult:
    ci: FloatArray  # metrics x 2 (NaN where undefined)
    ci_other: FloatArray | None
    diff_ci: FloatArray | None
    p_bootstrap: FloatArray | None


def _chunks(total: int, n_docs: int) -> list[int]:
    size = max(1, min(total, _CELLS_PER_CHUNK // max(n_docs, 1)))
    return [min(size, total - start) for start in range(0, total, size)]


def chunk_count(total: int, n_docs: int) -> int:
    return len(_chunks(total, n_docs)) if total > 0 else 0


def point(compiled: Compiled, series: Mapping[str, FloatArray]) -> FloatArray:
    n = compiled.matrix.shape[0]
    weights = np.ones((1, n))
    result: FloatArray = values(compiled, weights @ compiled.matrix, weights=weights, series=series)[0]
    return result


def _quantiles(samples: npt.NDArray[np.floating[Any]], confidence: float) -> FloatArray:
    alpha = (1.0 - confidence) / 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        q = np.nanquantile(samples.astype(np.float64), [alpha, 1.0 - alpha], axis=0)
    return np.asarray(q.T, np.float64)


def bootstrap(
    compiled: Compiled,
    series: Mapping[str, FloatArray],
    *,
    resamples: int,
    seed: int,
    confidence: float,
    other: tuple[Compiled, Mapping[str, FloatArray]] | None = None,
    tick: Tick | None = None,
) -> BootstrapResult:
    n = compiled.matrix.shape[0]
    m = len(compiled.keys)
    rng = np.random.default_rng(seed)
    own = np.full((resamples, m), np.nan, np.float32)
    theirs = np.full((resamples, m), np.nan, np.float32) if other else None
    row = 0
    for size in _chunks(resamples, n):
        draws = rng.integers(0, n, size=(size, n))
        flat = (draws + (np.arange(size) * n)[:, None]).ravel()
        weights = np.bincount(flat, minlength=size * n).reshape(size, n).astype(np.float64)
        own[row : row + size] = values(compiled, weights @ compiled.matrix, weights=weights, series=series)
        if other is not None and theirs is not None:
            c_other, s_other = other
            theirs[row : row + size] = values(c_other, weights @ c_other.matrix, weights=weights, series=s_other)
        row += size
        if tick:
            tick()
    if other is None or theirs is None:
        return BootstrapResult(_quantiles(own, confidence), None, None, None)
    observed = point(compiled, series) - point(*other)
    diffs = own.astype(np.float64) - theirs.astype(np.float64)
    defined = ~np.isnan(diffs)
    extreme = (np.abs(diffs - observed[None, :]) >= np.abs(observed)[None, :] - 1e-12) & defined
    with np.errstate(invalid="ignore", divide="ignore"):
        p = (1.0 + extreme.sum(axis=0)) / (1.0 + defined.sum(axis=0))
    p = np.where(np.isnan(observed) | (defined.sum(axis=0) == 0), np.nan, p)
    return BootstrapResult(
        _quantiles(own, confidence), _quantiles(theirs, confidence), _quantiles(diffs, confidence), p
    )


def randomization(
    compiled: Compiled,
    series: Mapping[str, FloatArray],
    other: tuple[Compiled, Mapping[str, FloatArray]],
    *,
    trials: int,
    seed: int,
    tick: Tick | None = None,
) -> FloatArray:
    """Two-sided p-values of the approximate randomisation test, one per metric."""
    c_other, s_other = other
    n = compiled.matrix.shape[0]
    observed = point(compiled, series) - point(c_other, s_other)
    delta = c_other.matrix - compiled.matrix
    base_a, base_b = compiled.matrix.sum(axis=0), c_other.matrix.sum(axis=0)
    rng = np.random.default_rng([seed, 1])
    extreme = np.zeros(len(observed))
    defined = np.zeros(len(observed))
    for size in _chunks(trials, n):
        swap = rng.random((size, n)) < 0.5
        moved = swap.astype(np.float64) @ delta
        weights = np.ones((size, n))
        mixed_a = {k: np.where(swap, s_other[k], v) for k, v in series.items()}
        mixed_b = {k: np.where(swap, v, s_other[k]) for k, v in series.items()}
        a = values(compiled, base_a + moved, weights=weights, series=mixed_a)
        b = values(c_other, base_b - moved, weights=weights, series=mixed_b)
        d = a - b
        ok = ~np.isnan(d)
        defined += ok.sum(axis=0)
        extreme += ((np.abs(d) >= np.abs(observed)[None, :] - 1e-12) & ok).sum(axis=0)
        if tick:
            tick()
    with np.errstate(invalid="ignore", divide="ignore"):
        p = (1.0 + extreme) / (1.0 + defined)
    return np.where(np.isnan(observed) | (defined == 0), np.nan, p)
