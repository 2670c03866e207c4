"""The matching primitives against brute force on small random inputs."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from reportedly.scoring.matching import Pairs, best_matching, dense_keys, overlap_edges, pair_equal

SMALL = settings(max_examples=150, deadline=None)

intervals = st.lists(st.tuples(st.integers(0, 30), st.integers(1, 8)), max_size=12).map(
    lambda items: sorted((s, s + n) for s, n in items)
)


@SMALL
@given(intervals, intervals)
def test_overlap_edges_are_exactly_the_overlapping_pairs(
    gold: list[tuple[int, int]], pred: list[tuple[int, int]]
) -> None:
    g = np.array(gold, np.int64).reshape(-1, 2)
    p = np.array(pred, np.int64).reshape(-1, 2)
    edges = overlap_edges(g[:, 0], g[:, 1], p[:, 0], p[:, 1])
    found = sorted(zip(edges.gold.tolist(), edges.pred.tolist(), strict=True))
    expected = sorted(
        (i, j) for i, (gs, ge) in enumerate(gold) for j, (ps, pe) in enumerate(pred) if gs < pe and ps < ge
    )  # half-open: touching is not overlapping
    assert found == expected


@SMALL
@given(st.lists(st.integers(0, 4), max_size=10), st.lists(st.integers(0, 4), max_size=10))
def test_pair_equal_pairs_the_kth_copy_with_the_kth(gold: list[int], pred: list[int]) -> None:
    pairs = pair_equal(np.array(gold, np.int64), np.array(pred, np.int64))
    for key in set(gold) | set(pred):
        g_idx = [i for i, k in enumerate(gold) if k == key]
        p_idx = [i for i, k in enumerate(pred) if k == key]
        expected = list(zip(g_idx, p_idx, strict=False))
        got = sorted((a, b) for a, b in zip(pairs.gold.tolist(), pairs.pred.tolist(), strict=True) if gold[a] == key)
        assert got == expected


def test_dense_keys_equal_exactly_when_all_columns_are_equal() -> None:
    big = np.array([2**40, 5, 2**40], np.int64)
    a, b = dense_keys([big, np.array([1, 2, 1], np.int64)], [np.array([2**40], np.int64), np.array([1], np.int64)])
    assert a[0] == a[2] == b[0] and a[1] != a[0]


@st.composite
def graphs(draw: st.DrawFn) -> tuple[int, int, list[tuple[int, int, int, int]]]:
    n_gold, n_pred = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    cells = draw(st.sets(st.tuples(st.integers(0, n_gold - 1), st.integers(0, n_pred - 1)), max_size=12))
    edges = [(g, p, draw(st.integers(0, 1)), draw(st.integers(1, 20))) for g, p in sorted(cells)]
    return n_gold, n_pred, edges


def _best_objective(edges: list[tuple[int, int, int, int]]) -> tuple[int, int, int]:
    best = (0, 0, 0)
    for size in range(len(edges) + 1):
        for chosen in itertools.combinations(edges, size):
            if len({g for g, _, _, _ in chosen}) == size and len({p for _, p, _, _ in chosen}) == size:
                best = max(best, (sum(s for _, _, s, _ in chosen), size, sum(o for _, _, _, o in chosen)))
    return best


@SMALL
@given(graphs())
def test_best_matching_is_optimal_and_one_to_one(graph: tuple[int, int, list[tuple[int, int, int, int]]]) -> None:
    n_gold, n_pred, edges = graph
    g = np.array([e[0] for e in edges], np.int64)
    p = np.array([e[1] for e in edges], np.int64)
    same = np.array([e[2] for e in edges], np.int64)
    overlap = np.array([e[3] for e in edges], np.int64)
    chosen = best_matching(Pairs(g, p), [same, np.ones(len(edges), np.int64), overlap], n_gold=n_gold, n_pred=n_pred)
    picked = [e for e, c in zip(edges, chosen.tolist(), strict=True) if c]
    assert len({e[0] for e in picked}) == len(picked) == len({e[1] for e in picked})
    objective = (sum(e[2] for e in picked), len(picked), sum(e[3] for e in picked))
    assert objective == _best_objective(edges)


def test_best_matching_keeps_the_order_of_huge_criteria() -> None:
    # weights beyond 2**53 fall back to ranks of the last criterion: still one-to-one, most pairs
    g = np.array([0, 0, 1], np.int64)
    p = np.array([0, 1, 0], np.int64)
    ones = np.ones(3, np.int64)
    overlap = np.array([10**15, 10**15 + 7, 3], np.int64)
    chosen = best_matching(Pairs(g, p), [ones, overlap], n_gold=2, n_pred=2)
    assert chosen.tolist() == [False, True, True]
