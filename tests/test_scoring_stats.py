"""Statistics: rank correlation against scipy, the vectorised bootstrap against a naive loop over
per-document scores, and the paired tests on systems that are equal or clearly different."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr
from test_scoring_fixtures import gold_documents, perturbed

from reportedly.document import Document
from reportedly.schema import Schema
from reportedly.scoring.evaluate import evaluate
from reportedly.scoring.metrics import weighted_spearman


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 3)), min_size=2, max_size=25))
def test_weighted_spearman_is_spearman_of_the_expanded_sample(rows: list[tuple[int, int, int]]) -> None:
    x = np.array([r[0] for r in rows], float)
    y = np.array([r[1] for r in rows], float)
    w = np.array([r[2] for r in rows], float)
    ours = weighted_spearman(x, y, w[None, :])[0]
    xs, ys = np.repeat(x, w.astype(int)), np.repeat(y, w.astype(int))
    if len(xs) < 2 or np.ptp(xs) == 0 or np.ptp(ys) == 0:
        assert np.isnan(ours)
    else:
        assert ours == pytest.approx(spearmanr(xs, ys).statistic, abs=1e-12)


def _many_documents() -> tuple[list[Document], list[Document]]:
    gold, pred = [], []
    for copy in range(6):
        for g, p in zip(gold_documents(), perturbed(gold_documents()), strict=True):
            gold.append(Document(f"{g.id}-{copy}", g.text, g.meta, g.spans, g.relations))
            keep = p.spans[: len(p.spans) - copy % 3]
            ids = {s.id for s in keep}
            relations = tuple(r for r in p.relations if r.head in ids and r.tail in ids)
            pred.append(Document(f"{g.id}-{copy}", p.text, p.meta, keep, relations))
    return gold, pred


def test_bootstrap_matches_a_naive_loop_over_documents(schema: Schema) -> None:
    gold, pred = _many_documents()
    resamples, seed = 400, 11
    result = evaluate(gold, pred, schema=schema, tracks=["spans"], resamples=resamples, seed=seed)
    # per-document counts, each document scored on its own
    per_doc = []
    for g, p in zip(gold, pred, strict=True):
        c = evaluate([g], [p], schema=schema, tracks=["spans"], resamples=0).counts
        per_doc.append([c[f"spans_strict_micro_{k}"] for k in ("cor", "inc", "par", "mis", "spu")])
    counts = np.array(per_doc, float)
    draws = np.random.default_rng(seed).integers(0, len(gold), size=(resamples, len(gold)))
    f1 = []
    for row in draws:
        cor, inc, par, mis, spu = counts[row].sum(axis=0)
        f1.append(2 * cor / ((cor + inc + par + spu) + (cor + inc + par + mis)))
    low, high = np.quantile(f1, [0.025, 0.975])
    interval = result.ci["spans_strict_micro_f"]
    assert interval is not None
    assert interval.low == pytest.approx(low, abs=1e-6) and interval.high == pytest.approx(high, abs=1e-6)
    assert interval.low < (result.headline or 0) < interval.high


def test_bootstrap_is_reproducible_and_seeded(schema: Schema) -> None:
    gold, pred = _many_documents()
    a = evaluate(gold, pred, schema=schema, tracks=["spans"], resamples=300, seed=3).ci
    b = evaluate(gold, pred, schema=schema, tracks=["spans"], resamples=300, seed=3).ci
    c = evaluate(gold, pred, schema=schema, tracks=["spans"], resamples=300, seed=4).ci
    assert a == b
    assert a != c


def test_paired_tests_find_no_difference_between_identical_systems(schema: Schema) -> None:
    gold, pred = _many_documents()
    result = evaluate(gold, pred, schema=schema, tracks=["spans", "relations"], resamples=300, vs=pred)
    comparison = result.comparison
    assert comparison is not None
    key = "spans_strict_micro_f"
    assert comparison.diff[key] == 0.0
    assert comparison.p_bootstrap[key] == 1.0
    assert comparison.p_randomization[key] == 1.0
    interval = comparison.diff_ci[key]
    assert interval is not None and interval.low == interval.high == 0.0


def test_paired_tests_find_a_clear_difference(schema: Schema) -> None:
    gold, pred = _many_documents()
    result = evaluate(gold, gold, schema=schema, tracks=["spans"], resamples=500, vs=pred, seed=1)
    comparison = result.comparison
    assert comparison is not None
    key = "spans_strict_micro_f"
    assert (comparison.diff[key] or 0) > 0
    assert (comparison.p_bootstrap[key] or 1) < 0.01
    assert (comparison.p_randomization[key] or 1) < 0.01
    interval = comparison.diff_ci[key]
    assert interval is not None and interval.low > 0
    assert comparison.unit == "document" and comparison.resamples == 500
