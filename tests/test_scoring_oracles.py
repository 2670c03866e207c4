"""Established implementations as oracles: nervaluate (all four schemes), seqeval (strict IOB2)
and scikit-learn (attribute accuracy and macro-F1), on random inputs where they must agree.

nervaluate matches greedily in input order, so it agrees with our one-to-one, order-independent
matching only where no choice exists. Two input families guarantee that:

- *slots*: disjoint, non-adjacent stretches, each holding a gold span, a prediction, or one of
  each that overlap (identical or shifted): every span overlaps at most one span of the other side;
- *chains*: each side overlap-free and non-adjacent, given sorted. Identical spans are then
  isolated and the rest form paths, on which nervaluate's leftmost-first greedy pass finds a
  maximum matching, so strict, exact and partial agree (micro and per label). Type is left out:
  nervaluate's closest-boundary choice can leave a pair unmatched there.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nervaluate import Evaluator
from seqeval.metrics import classification_report, f1_score
from seqeval.scheme import IOB2
from sklearn.metrics import accuracy_score
from sklearn.metrics import f1_score as sk_f1

from reportedly.document import Document, make_span
from reportedly.schema import Schema
from reportedly.scoring.evaluate import evaluate
from reportedly.scoring.spans import CATEGORIES, SCHEMES

LABELS = ("CLAIM", "SOURCE", "CUE", "HEDGE")
NERVALUATE = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}
NERVALUATE_FIELDS = ("correct", "incorrect", "partial", "missed", "spurious")
ATTRS = {
    "CLAIM": {"quote": "none"},
    "SOURCE": {"source_type": "document", "anonymity_reason": "not_applicable"},
    "CUE": {},
    "HEDGE": {"hedge_type": "modal", "holder": "author"},
}
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Raw = list[tuple[str, int, int]]  # (label, start, end) half-open


def _docs(gold: list[Raw], pred: list[Raw]) -> tuple[list[Document], list[Document]]:
    g_docs, p_docs = [], []
    for i, (g, p) in enumerate(zip(gold, pred, strict=True)):
        length = max([e for _, _, e in g + p], default=0) + 3
        text = "".join(chr(ord("a") + (k * 7) % 26) for k in range(length))

        def spans(items: Raw, prefix: str, text: str = text) -> tuple[Any, ...]:
            return tuple(
                make_span(text, f"{prefix}{k}", lab, s, e, **ATTRS[lab]) for k, (lab, s, e) in enumerate(items)
            )

        g_docs.append(Document(f"d{i}", text, spans=spans(g, "G")))
        p_docs.append(Document(f"d{i}", text, spans=spans(p, "P")))
    return g_docs, p_docs


def _nervaluate(gold: list[Raw], pred: list[Raw]) -> dict[str, Any]:
    def conv(doc: Raw) -> list[dict[str, Any]]:
        return [{"label": lab, "start": s, "end": e - 1} for lab, s, e in doc]  # nervaluate's ends are inclusive

    return Evaluator([conv(d) for d in gold], [conv(d) for d in pred], tags=list(LABELS), loader="dict").evaluate()


def _compare(
    gold: list[Raw], pred: list[Raw], schema: Schema, *, micro_schemes: tuple[str, ...], label_schemes: tuple[str, ...]
) -> None:
    if not any(gold) and not any(pred):
        return
    g_docs, p_docs = _docs(gold, pred)
    ours = evaluate(g_docs, p_docs, schema=schema, tracks=["spans"], resamples=0).counts
    theirs = _nervaluate(gold, pred)
    for scheme in SCHEMES:
        if scheme.value == "overlap":  # ours, not SemEval's: nervaluate's ent_type per label, and their sum
            if "type" in label_schemes:
                per_label = [theirs["entities"][label]["ent_type"] for label in theirs["entities"]]
                for label, r in zip(theirs["entities"], per_label, strict=True):
                    got = [ours[f"spans_overlap_{label}_{c}"] for c in CATEGORIES]
                    assert got == [r.correct, r.incorrect, r.partial, r.missed, r.spurious], (label, gold, pred)
                micro = [ours[f"spans_overlap_micro_{c}"] for c in CATEGORIES]
                assert micro == [sum(getattr(r, f) for r in per_label) for f in NERVALUATE_FIELDS], (gold, pred)
            continue
        name = NERVALUATE[scheme.value]
        tables = [("micro", theirs["overall"][name])] if scheme.value in micro_schemes else []
        if scheme.value in label_schemes:
            tables += [(label, theirs["entities"][label][name]) for label in theirs["entities"]]
        for table, r in tables:
            expected = [r.correct, r.incorrect, r.partial, r.missed, r.spurious]
            got = [ours[f"spans_{scheme.value}_{table}_{c}"] for c in CATEGORIES]
            assert got == expected, (scheme.value, table, got, expected, gold, pred)


@st.composite
def slots(draw: st.DrawFn) -> tuple[Raw, Raw]:
    gold: Raw = []
    pred: Raw = []
    pos = draw(st.integers(0, 3))
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["gold", "pred", "identical", "shifted", "relabelled"]))
        length = draw(st.integers(1, 12))
        label = draw(st.sampled_from(LABELS))
        start, end = pos, pos + length
        if kind in ("gold", "identical", "shifted", "relabelled"):
            gold.append((label, start, end))
        if kind in ("pred", "identical"):
            pred.append((label, start, end))
        elif kind == "relabelled":
            pred.append((draw(st.sampled_from(LABELS)), start, end))
        elif kind == "shifted":
            ps = draw(st.integers(start, end - 1))
            pe = draw(st.integers(ps + 1, end + 5))
            if (ps, pe) == (start, end):
                pe += 1
            pred.append((draw(st.sampled_from([label, *LABELS])), ps, pe))
            end = max(end, pe)
        pos = end + draw(st.integers(1, 4))
    return gold, pred


def _overlap_free(draw: st.DrawFn, limit: int) -> Raw:
    out: Raw = []
    pos = draw(st.integers(0, 4))
    while len(out) < 8 and pos < limit:
        length = draw(st.integers(1, 10))
        out.append((draw(st.sampled_from(LABELS)), pos, pos + length))
        pos += length + draw(st.integers(1, 8))
    return out


@st.composite
def chains(draw: st.DrawFn) -> tuple[Raw, Raw]:
    limit = draw(st.integers(5, 60))
    return _overlap_free(draw, limit), _overlap_free(draw, limit)


@FAST
@given(st.lists(slots(), min_size=1, max_size=4))
def test_nervaluate_all_schemes_on_slots(schema: Schema, docs: list[tuple[Raw, Raw]]) -> None:
    everything = ("strict", "exact", "partial", "type")
    _compare([g for g, _ in docs], [p for _, p in docs], schema, micro_schemes=everything, label_schemes=everything)


@FAST
@given(st.lists(chains(), min_size=1, max_size=4))
def test_nervaluate_strict_exact_partial_on_chains(schema: Schema, docs: list[tuple[Raw, Raw]]) -> None:
    three = ("strict", "exact", "partial")
    _compare([g for g, _ in docs], [p for _, p in docs], schema, micro_schemes=three, label_schemes=three)


def test_nervaluate_agrees_on_a_known_mixture(schema: Schema) -> None:
    gold = [[("CLAIM", 0, 10), ("SOURCE", 12, 20), ("CUE", 25, 30), ("HEDGE", 40, 44)]]
    pred = [[("CLAIM", 0, 10), ("CLAIM", 12, 20), ("CUE", 26, 33), ("HEDGE", 50, 52)]]
    _compare(
        gold,
        pred,
        schema,
        micro_schemes=("strict", "exact", "partial", "type"),
        label_schemes=("strict", "exact", "partial", "type"),
    )


# --- seqeval: strict IOB2 on token-aligned spans ----------------------------------------------


@st.composite
def tagged(draw: st.DrawFn) -> tuple[int, list[tuple[str, int, int]], list[tuple[str, int, int]]]:
    n = draw(st.integers(1, 25))

    def side() -> list[tuple[str, int, int]]:
        out, i = [], draw(st.integers(0, 2))
        while i < n:
            length = draw(st.integers(1, 4))
            if draw(st.booleans()):
                out.append((draw(st.sampled_from(LABELS)), i, min(n, i + length)))
            i += length + draw(st.integers(0, 2))
        return out

    return n, side(), side()


def _iob2(n: int, spans: list[tuple[str, int, int]]) -> list[str]:
    tags = ["O"] * n
    for label, s, e in spans:
        tags[s] = f"B-{label}"
        for k in range(s + 1, e):
            tags[k] = f"I-{label}"
    return tags


@FAST
@given(st.lists(tagged(), min_size=1, max_size=4))
def test_seqeval_strict_iob2(schema: Schema, docs: list[Any]) -> None:
    # token k is the character at 2k of "a a a ..."; a span of tokens [s, e) is [2s, 2e - 1)
    gold_docs, pred_docs, y_true, y_pred = [], [], [], []
    for i, (n, gold, pred) in enumerate(docs):
        text = " ".join("a" * n)
        gold_docs.append(
            Document(
                f"d{i}",
                text,
                spans=tuple(
                    make_span(text, f"G{k}", lab, 2 * s, 2 * e - 1, **ATTRS[lab]) for k, (lab, s, e) in enumerate(gold)
                ),
            )
        )
        pred_docs.append(
            Document(
                f"d{i}",
                text,
                spans=tuple(
                    make_span(text, f"P{k}", lab, 2 * s, 2 * e - 1, **ATTRS[lab]) for k, (lab, s, e) in enumerate(pred)
                ),
            )
        )
        y_true.append(_iob2(n, gold))
        y_pred.append(_iob2(n, pred))
    result = evaluate(gold_docs, pred_docs, schema=schema, tracks=["spans"], resamples=0)
    ours = result.scores["spans_strict_micro_f"]
    if ours is None:  # nothing on either side: seqeval would report 0 with a warning
        return
    assert abs(ours - f1_score(y_true, y_pred, mode="strict", scheme=IOB2)) < 1e-12
    report = classification_report(y_true, y_pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    for label in LABELS:
        if label in report:
            assert abs((result.scores[f"spans_strict_{label}_f"] or 0.0) - report[label]["f1-score"]) < 1e-12


# --- scikit-learn: attribute accuracy and macro-F1 ---------------------------------------------

QUOTES = ("direct", "indirect", "none")


@FAST
@given(
    st.lists(
        st.tuples(st.sampled_from(QUOTES), st.sampled_from([*QUOTES, None]), st.booleans()), min_size=1, max_size=30
    )
)
def test_sklearn_attribute_accuracy_and_macro_f1(schema: Schema, items: list[tuple[str, str | None, bool]]) -> None:
    text = "abcdefgh " * len(items)
    gold_spans, pred_spans, y_true, y_pred = [], [], [], []
    for k, (gold_value, pred_value, exact) in enumerate(items):
        start = 9 * k
        gold_spans.append(make_span(text, f"G{k}", "CLAIM", start, start + 8, quote=gold_value))
        attrs = {"quote": pred_value} if pred_value is not None else {}
        pred_spans.append(make_span(text, f"P{k}", "CLAIM", start, start + (8 if exact else 7), **attrs))
        if exact:  # only strictly matched spans are scored
            y_true.append(gold_value)
            y_pred.append(pred_value or "missing")
    gold = [Document("d", text, spans=tuple(gold_spans))]
    pred = [Document("d", text, spans=tuple(pred_spans))]
    scores = evaluate(gold, pred, schema=schema, tracks=["attributes"], resamples=0).scores
    if not y_true:
        assert scores["attrs_quote_acc"] is None and scores["attrs_quote_macro_f"] is None
        return
    assert abs(scores["attrs_quote_acc"] - accuracy_score(y_true, y_pred)) < 1e-12  # type: ignore[operator]
    expected = sk_f1(y_true, y_pred, average="macro", zero_division=0)
    assert abs(scores["attrs_quote_macro_f"] - expected) < 1e-12  # type: ignore[operator]
