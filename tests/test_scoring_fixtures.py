"""Hand-made gold documents shared by the scoring and eval tests (no corpus needed).

The other test modules import :func:`gold_documents` and :func:`perturbed` from here; the tests
below check that these fixtures are themselves valid gold.
"""

from __future__ import annotations

from collections.abc import Callable

from reportedly.document import Document, Relation, Span, make_span
from reportedly.schema import Schema
from reportedly.validate import Severity, check_document

TEXT_1 = (
    "Officials said the bridge may close in June. "
    "According to the ministry, about 40 ferries were cancelled. "
    "The mayor denied it."
)
TEXT_2 = (
    "A senior official, who spoke on condition of anonymity, said talks could resume. "
    '"We will not raise fares," the operator said. '
    "Analysts are speculating."
)
TEXT_3 = "Prices rose by roughly 3 percent, the agency reported. Fares have not risen since 2019."
TEXT_4 = "The ministry issued a statement on Monday. Tariffs will rise next year, it added."


def _find(text: str, fragment: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(fragment, start + 1)
    return start, start + len(fragment)


def span(text: str, span_id: str, label: str, fragment: str, occurrence: int = 0, **attrs: str) -> Span:
    start, end = _find(text, fragment, occurrence)
    return make_span(text, span_id, label, start, end, **attrs)


def gold_documents() -> list[Document]:
    t1, t2, t3 = TEXT_1, TEXT_2, TEXT_3
    d1 = Document(
        "wire-0001",
        t1,
        meta={"genre": "wire", "topic": "economy"},
        spans=(
            span(t1, "S1", "SOURCE", "Officials", source_type="unnamed_group", anonymity_reason="not_given"),
            span(t1, "U1", "CUE", "said"),
            span(t1, "C1", "CLAIM", "the bridge may close in June", quote="indirect"),
            span(t1, "H1", "HEDGE", "may", hedge_type="modal", holder="source"),
            span(t1, "U2", "CUE", "According to"),
            span(
                t1, "S2", "SOURCE", "the ministry", source_type="named_organization", anonymity_reason="not_applicable"
            ),
            span(t1, "C2", "CLAIM", "about 40 ferries were cancelled", quote="indirect"),
            span(t1, "H2", "HEDGE", "about", hedge_type="approximator", holder="author"),
            span(t1, "S3", "SOURCE", "The mayor", source_type="named_person", anonymity_reason="not_applicable"),
            span(t1, "U3", "CUE", "denied"),
        ),
        relations=(
            Relation("attributed_to", "C1", "S1"),
            Relation("introduced_by", "C1", "U1"),
            Relation("hedges", "H1", "C1"),
            Relation("attributed_to", "C2", "S2"),
            Relation("introduced_by", "C2", "U2"),
            Relation("hedges", "H2", "C2"),
        ),
        provenance={"layer": "gold"},
    )
    d2 = Document(
        "feature-0002",
        t2,
        meta={"genre": "feature", "topic": "economy"},
        spans=(
            span(t2, "S1", "SOURCE", "A senior official", source_type="unnamed_person", anonymity_reason="given"),
            span(t2, "U1", "CUE", "said"),
            span(t2, "C1", "CLAIM", "talks could resume", quote="indirect"),
            span(t2, "H1", "HEDGE", "could", hedge_type="modal", holder="source"),
            span(t2, "C2", "CLAIM", "We will not raise fares", quote="direct"),
            span(
                t2, "S2", "SOURCE", "the operator", source_type="named_organization", anonymity_reason="not_applicable"
            ),
            span(t2, "U2", "CUE", "said", 1),
            span(t2, "H2", "HEDGE", "speculating", hedge_type="speculative", holder="source"),
        ),
        relations=(
            Relation("attributed_to", "C1", "S1"),
            Relation("introduced_by", "C1", "U1"),
            Relation("hedges", "H1", "C1"),
            Relation("attributed_to", "C2", "S2"),
            Relation("introduced_by", "C2", "U2"),
        ),
        provenance={"layer": "gold"},
    )
    d3 = Document(
        "wire-0003",
        t3,
        meta={"genre": "wire", "topic": "economy"},
        spans=(
            span(t3, "C1", "CLAIM", "Prices rose by roughly 3 percent", quote="indirect"),
            span(t3, "H1", "HEDGE", "roughly", hedge_type="approximator", holder="author"),
            span(t3, "S1", "SOURCE", "the agency", source_type="named_organization", anonymity_reason="not_applicable"),
            span(t3, "U1", "CUE", "reported"),
            span(t3, "C2", "CLAIM", "Fares have not risen since 2019", quote="none"),
        ),
        relations=(
            Relation("attributed_to", "C1", "S1"),
            Relation("introduced_by", "C1", "U1"),
            Relation("hedges", "H1", "C1"),
        ),
        provenance={"layer": "gold"},
    )
    t4 = TEXT_4
    d4 = Document(
        "release-0004",
        t4,
        meta={"genre": "release", "topic": "economy"},
        spans=(
            span(
                t4, "S1", "SOURCE", "The ministry", source_type="named_organization", anonymity_reason="not_applicable"
            ),
            span(t4, "C1", "CLAIM", "Tariffs will rise next year", quote="indirect"),
            span(t4, "H1", "HEDGE", "will", hedge_type="speculative", holder="source"),
            span(t4, "S2", "SOURCE", "it", source_type="named_organization", anonymity_reason="not_applicable"),
            span(t4, "U1", "CUE", "added"),
        ),
        relations=(
            Relation("attributed_to", "C1", "S1"),
            Relation("introduced_by", "C1", "U1"),
            Relation("hedges", "H1", "C1"),
            Relation("same_source", "S2", "S1"),
        ),
        provenance={"layer": "gold"},
    )
    return [d1, d2, d3, d4]


def perturbed(docs: list[Document], edit: Callable[[Document], Document] | None = None) -> list[Document]:
    """A plausible system output: drop each document's last span, shift one CLAIM's end by one
    character, relabel one hedge type, and keep the relations whose arguments survive."""
    out = []
    for doc in docs:
        spans = list(doc.spans[:-1])
        for i, s in enumerate(spans):
            if s.label == "CLAIM":
                spans[i] = make_span(doc.text, s.id, s.label, s.start, s.end - 1, **s.attrs)
                break
        for i, s in enumerate(spans):
            if s.label == "HEDGE":
                attrs = {**s.attrs, "hedge_type": "modal" if s.attrs.get("hedge_type") != "modal" else "evidential"}
                spans[i] = make_span(doc.text, s.id, s.label, s.start, s.end, **attrs)
                break
        ids = {s.id for s in spans}
        relations = tuple(r for r in doc.relations if r.head in ids and r.tail in ids)
        new = Document(
            doc.id, doc.text, dict(doc.meta), tuple(spans), relations, {"layer": "prediction", "system": "perturbed"}
        )
        out.append(edit(new) if edit else new)
    return out


def test_fixtures_are_valid_gold(schema: Schema) -> None:
    for doc in gold_documents():
        incidents = [i for i in check_document(doc, schema) if i.severity is Severity.ERROR]
        assert incidents == [], incidents


def test_perturbed_differs_from_gold() -> None:
    gold, pred = gold_documents(), perturbed(gold_documents())
    assert [len(d.spans) for d in pred] == [len(d.spans) - 1 for d in gold]
    assert any(p.spans != g.spans[:-1] for p, g in zip(pred, gold, strict=True))
