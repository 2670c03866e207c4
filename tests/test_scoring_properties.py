"""Properties every scorer must have: gold against itself scores 1.0 on every track, empty
predictions score 0 recall, the order of spans and documents changes nothing, and swapping gold
and prediction swaps precision and recall."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_scoring_fixtures import gold_documents, perturbed

from reportedly.document import Document, Relation, Span, make_span
from reportedly.schema import Schema
from reportedly.scoring.evaluate import evaluate

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PERFECT_SUFFIXES = ("_p", "_r", "_f", "_acc", "_spearman")
ATTRS: dict[str, dict[str, list[str]]] = {
    "CLAIM": {"quote": ["direct", "indirect", "none"]},
    "SOURCE": {
        "source_type": ["named_person", "unnamed_group", "document"],
        "anonymity_reason": ["given", "not_given", "not_applicable"],
    },
    "CUE": {},
    "HEDGE": {"hedge_type": ["modal", "evidential"], "holder": ["author", "source"]},
}


def _perfect(scores: dict[str, float | None] | Any) -> list[str]:
    """Keys that are defined and not perfect."""
    bad = []
    for key, value in scores.items():
        if value is None:
            continue
        if (key.endswith(PERFECT_SUFFIXES) and value != 1.0) or (key.endswith("_mae") and value != 0.0):
            bad.append(key)
    return bad


def test_gold_against_itself_scores_one_on_every_track(schema: Schema) -> None:
    gold = gold_documents()
    result = evaluate(gold, gold, schema=schema, resamples=50)
    assert _perfect(result.scores) == []
    defined = [k for k, v in result.scores.items() if v is not None]
    for prefix in ("spans_", "attrs_", "rels_", "profile_"):
        assert any(k.startswith(prefix) for k in defined), prefix
    assert result.headline == 1.0
    for name, piece in result.slices.items():
        assert _perfect(piece.scores) == [], name
    assert {"genre=wire", "quote=direct", "quote=indirect", "source=in_sentence", "source=cross_sentence"} <= set(
        result.slices
    )
    assert result.slices["source=cross_sentence"].counts["rels_strict_micro_pos"] == 1
    for key, interval in result.ci.items():
        if interval is not None and key.endswith("_f"):
            assert interval.low == interval.high == 1.0, key


def test_empty_predictions_score_zero_recall(schema: Schema) -> None:
    gold = gold_documents()
    empty = [Document(d.id, d.text) for d in gold]
    scores = evaluate(gold, empty, schema=schema, resamples=0).scores
    recalls = {k: v for k, v in scores.items() if k.endswith("_r") and v is not None}
    assert recalls and set(recalls.values()) == {0.0}
    assert scores["spans_strict_micro_p"] is None  # nothing predicted: precision undefined, not 0
    assert scores["spans_strict_micro_f"] == 0.0


@st.composite
def documents(draw: st.DrawFn, unique: bool = False) -> tuple[list[Document], list[Document]]:
    """Random gold and predictions: nesting, crossing, duplicates (unless ``unique``) and attributes."""
    gold_docs, pred_docs = [], []
    for d in range(draw(st.integers(1, 4))):
        length = draw(st.integers(5, 60))
        text = "".join(chr(ord("a") + (k * 5 + d) % 26) for k in range(length))

        def side(prefix: str, text: str = text, length: int = length) -> tuple[Span, ...]:
            spans, seen = [], set()
            for k in range(draw(st.integers(0, 8))):
                start = draw(st.integers(0, length - 1))
                end = draw(st.integers(start + 1, min(length, start + 15)))
                label = draw(st.sampled_from(sorted(ATTRS)))
                if unique and (start, end, label) in seen:
                    continue
                seen.add((start, end, label))
                attrs = {a: draw(st.sampled_from(v)) for a, v in ATTRS[label].items()}
                spans.append(make_span(text, f"{prefix}{k}", label, start, end, **attrs))
            return tuple(spans)

        gold_spans, pred_spans = side("G"), side("P")
        gold_docs.append(
            Document(
                f"doc{d}",
                text,
                meta={"genre": draw(st.sampled_from(["wire", "feature"]))},
                spans=gold_spans,
                relations=relations(draw, gold_spans),
            )
        )
        pred_docs.append(Document(f"doc{d}", text, spans=pred_spans, relations=relations(draw, pred_spans)))
    return gold_docs, pred_docs


SIGNATURES = {
    "attributed_to": ("CLAIM", "SOURCE"),
    "introduced_by": ("CLAIM", "CUE"),
    "hedges": ("HEDGE", "CLAIM"),
    "same_source": ("SOURCE", "SOURCE"),
}


def relations(draw: st.DrawFn, spans: tuple[Span, ...]) -> tuple[Relation, ...]:
    candidates = [
        Relation(name, h.id, t.id)
        for name, (head, tail) in SIGNATURES.items()
        for h in spans
        for t in spans
        if h.label == head and t.label == tail and h.id != t.id
    ]
    if not candidates:
        return ()
    return tuple(draw(st.lists(st.sampled_from(candidates), max_size=6, unique=True)))


@FAST
@given(documents())
def test_random_gold_against_itself(schema: Schema, docs: tuple[list[Document], list[Document]]) -> None:
    gold, _ = docs
    result = evaluate(gold, gold, schema=schema, resamples=0)
    assert _perfect(result.scores) == []


def _close(a: Any, b: Any) -> bool:
    """Same keys, None in the same places, numbers equal up to rounding."""
    return a.keys() == b.keys() and all(
        (a[k] is None) == (b[k] is None) and (a[k] is None or a[k] == pytest.approx(b[k], rel=1e-12, abs=1e-12))
        for k in a
    )


def _shuffled(docs: list[Document], rng: random.Random) -> list[Document]:
    out = []
    for doc in docs:
        spans, relations = list(doc.spans), list(doc.relations)
        rng.shuffle(spans)
        rng.shuffle(relations)
        out.append(Document(doc.id, doc.text, doc.meta, tuple(spans), tuple(relations), doc.provenance))
    rng.shuffle(out)
    return out


@FAST
@given(documents(), st.randoms(use_true_random=False))
def test_shuffling_spans_or_documents_changes_nothing(
    schema: Schema, docs: tuple[list[Document], list[Document]], rng: random.Random
) -> None:
    gold, pred = docs
    first = evaluate(gold, pred, schema=schema, resamples=0)
    again = evaluate(_shuffled(gold, rng), _shuffled(pred, rng), schema=schema, resamples=0)
    assert again.counts == first.counts
    # profile errors are fractions summed in document order: equal up to rounding
    assert _close(again.scores, first.scores)
    assert {k: v.counts for k, v in again.slices.items()} == {k: v.counts for k, v in first.slices.items()}


def test_shuffling_relations_and_documents_changes_nothing(schema: Schema) -> None:
    gold, pred = gold_documents(), perturbed(gold_documents())
    first = evaluate(gold, pred, schema=schema, resamples=0)
    rng = random.Random(7)
    for _ in range(3):
        again = evaluate(_shuffled(gold, rng), _shuffled(pred, rng), schema=schema, resamples=0)
        assert again.counts == first.counts
        assert again.scores == first.scores
        assert {k: v.scores for k, v in again.slices.items()} == {k: v.scores for k, v in first.slices.items()}


@FAST
@given(documents(unique=True))
def test_swapping_gold_and_prediction_swaps_precision_and_recall(
    schema: Schema, docs: tuple[list[Document], list[Document]]
) -> None:
    gold, pred = docs
    forward = evaluate(gold, pred, schema=schema, tracks=["spans"], resamples=0).scores
    backward = evaluate(pred, gold, schema=schema, tracks=["spans"], resamples=0).scores
    checked = 0
    for key, value in forward.items():
        if key.endswith("_p") and "_macro_" not in key:
            assert backward[key[:-2] + "_r"] == value, key
            assert backward[key[:-2] + "_f"] == forward[key[:-2] + "_f"], key
            checked += 1
    assert checked > 0


def test_swapping_swaps_precision_and_recall_of_relations(schema: Schema) -> None:
    gold, pred = gold_documents(), perturbed(gold_documents())
    forward = evaluate(gold, pred, schema=schema, tracks=["relations"], resamples=0).scores
    backward = evaluate(pred, gold, schema=schema, tracks=["relations"], resamples=0).scores
    assert forward["rels_strict_micro_p"] != forward["rels_strict_micro_r"]
    for key in forward:
        if key.endswith("_p") and "_macro_" not in key:
            assert backward[key[:-2] + "_r"] == forward[key], key


def test_gold_without_spans_against_full_predictions(schema: Schema) -> None:
    full = gold_documents()
    bare = [Document(d.id, d.text, d.meta) for d in full]
    forward = evaluate(bare, full, schema=schema, resamples=20)
    assert forward.scores["spans_strict_micro_p"] == 0.0 and forward.scores["spans_strict_micro_r"] is None
    assert forward.scores["rels_lenient_micro_p"] == 0.0 and forward.scores["rels_lenient_micro_r"] is None
    assert forward.scores["attrs_quote_acc"] is None
    backward = evaluate(full, bare, schema=schema, resamples=20)
    assert backward.scores["spans_strict_micro_r"] == 0.0 and backward.scores["spans_strict_micro_p"] is None
