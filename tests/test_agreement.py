"""Agreement and adjudication on hand-made layers with known answers."""

from __future__ import annotations

import json
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from sklearn.metrics import cohen_kappa_score
from test_scoring_properties import documents
from typer.testing import CliRunner

from reportedly.adjudicate import Decision, apply_decisions, merge
from reportedly.agreement import Average, agreement, agreement_markdown
from reportedly.cli import app
from reportedly.document import Document, Relation, Span, make_span, read_document, write_document
from reportedly.incidents import ReportedlyError
from reportedly.schema import Schema
from reportedly.scoring.evaluate import evaluate
from reportedly.scoring.matching import match_spans
from reportedly.validate import check_document

TEXT = "Mayor Ana Ruiz said the bridge may reopen in May. Critics said repairs were rushed."
runner = CliRunner()


def at(fragment: str, occurrence: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence):
        start = TEXT.index(fragment, start + 1)
    return start, start + len(fragment)


def layer(
    annotator: str,
    *,
    claim: str = "the bridge may reopen in May",
    critics_type: str = "unnamed_group",
    hedge: bool = True,
    doc_id: str = "d1",
) -> Document:
    spans = [
        make_span(
            TEXT, "S1", "SOURCE", *at("Mayor Ana Ruiz"), source_type="named_person", anonymity_reason="not_applicable"
        ),
        make_span(TEXT, "U1", "CUE", *at("said")),
        make_span(TEXT, "C1", "CLAIM", *at(claim), quote="indirect"),
        make_span(TEXT, "S2", "SOURCE", *at("Critics"), source_type=critics_type, anonymity_reason="not_given"),
        make_span(TEXT, "U2", "CUE", *at("said", 2)),
        make_span(TEXT, "C2", "CLAIM", *at("repairs were rushed"), quote="indirect"),
    ]
    relations = [
        Relation("attributed_to", "C1", "S1"),
        Relation("introduced_by", "C1", "U1"),
        Relation("attributed_to", "C2", "S2"),
        Relation("introduced_by", "C2", "U2"),
    ]
    if hedge:
        spans.append(make_span(TEXT, "H1", "HEDGE", *at("may"), hedge_type="modal", holder="source"))
        relations.append(Relation("hedges", "H1", "C1"))
    provenance = {"layer": "annotation", "annotators": [annotator], "method": "test"}
    return Document(doc_id, TEXT, {"genre": "wire"}, tuple(spans), tuple(relations), provenance)


def test_identical_layers_agree_perfectly(schema: Schema) -> None:
    report = agreement({"a1": {"d1": layer("a1")}, "a2": {"d1": layer("a2")}}, schema)
    (pair,) = report.pairs
    assert all(pair.spans("strict", label).f1 in (1.0, None) for label in schema.label_names)
    assert all(pair.relations("lenient", rel).f1 in (1.0, None) for rel in schema.relation_names)
    assert pair.kappa["source_type"] == 1.0
    assert report.alpha["quote"] == 1.0


def test_shifted_claim_gets_partial_not_strict_credit(schema: Schema) -> None:
    report = agreement({"a1": {"d1": layer("a1")}, "a2": {"d1": layer("a2", claim="bridge may reopen")}}, schema)
    (pair,) = report.pairs
    assert pair.spans("strict", "CLAIM").f1 == pytest.approx(0.5)  # 1 of 2 claims identical on each side
    assert pair.spans("type", "CLAIM").f1 == 1.0
    assert pair.spans("type", "SOURCE").f1 == 1.0
    # relations touching the shifted claim fail strictly but pass leniently
    assert pair.relations("strict", "attributed_to").f1 == pytest.approx(0.5)
    assert pair.relations("lenient", "attributed_to").f1 == 1.0


def test_missing_hedge_lowers_hedge_f1_to_zero(schema: Schema) -> None:
    report = agreement({"a1": {"d1": layer("a1")}, "a2": {"d1": layer("a2", hedge=False)}}, schema)
    (pair,) = report.pairs
    assert pair.spans("strict", "HEDGE").f1 == 0.0
    assert (pair.spans("strict", "HEDGE").n_a, pair.spans("strict", "HEDGE").n_b) == (1, 0)


def test_kappa_and_alpha_match_reference_implementations(schema: Schema) -> None:
    kinds = ["unnamed_group", "unnamed_group", "document", "unnamed_person", "unnamed_group", "media_outlet"]
    other = ["unnamed_group", "unnamed_person", "document", "unnamed_person", "document", "media_outlet"]
    a1 = {f"d{i}": layer("a1", critics_type=k, doc_id=f"d{i}") for i, k in enumerate(kinds)}
    a2 = {f"d{i}": layer("a2", critics_type=k, doc_id=f"d{i}") for i, k in enumerate(other)}
    report = agreement({"a1": a1, "a2": a2}, schema)
    # each document also has the named mayor, identical in both layers
    xs = [v for k in kinds for v in ("named_person", k)]
    ys = [v for k in other for v in ("named_person", k)]
    assert report.pairs[0].kappa["source_type"] == pytest.approx(cohen_kappa_score(xs, ys))
    codes = {v: i for i, v in enumerate(sorted(set(xs) | set(ys)))}
    data = np.array([[codes[v] for v in xs], [codes[v] for v in ys]], dtype=float)
    assert report.alpha["source_type"] == pytest.approx(
        krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    )


def test_three_annotators_and_partial_coverage(schema: Schema) -> None:
    layers = {
        "a1": {"d1": layer("a1"), "d2": layer("a1", doc_id="d2")},
        "a2": {"d1": layer("a2", hedge=False)},
        "a3": {"d2": layer("a3", doc_id="d2")},
    }
    report = agreement(layers, schema)
    assert [p.annotators for p in report.pairs] == [("a1", "a2"), ("a1", "a3"), ("a2", "a3")]
    assert [p.documents for p in report.pairs] == [1, 1, 0]
    assert report.documents == 2
    table = agreement_markdown(report, schema)
    assert "| HEDGE | 0.500 | 0.500 | 0.500 |" in table  # mean of 0.0 (a1-a2) and 1.0 (a1-a3); a2-a3 shares nothing


def test_span_matching_is_the_scorers_one_to_one_and_order_free() -> None:
    long = make_span(TEXT, "A", "CLAIM", *at("the bridge may reopen in May"))
    short1 = make_span(TEXT, "B", "CLAIM", *at("the bridge"))
    short2 = make_span(TEXT, "C", "CLAIM", *at("reopen in May"))
    assert match_spans([long], [short1, short2]) == [(0, 1)]  # one pair; the larger overlap wins the tie
    assert match_spans([long], [short2, short1]) == [(0, 0)]  # the same span, whatever the order


# A chain G1 - P1 - G2 - P2 (tests/golden/scorer-1/chain_most_pairs.json): pairing by largest overlap
# first takes P1-G2 and leaves two spans alone; the scorer pairs P1-G1 and P2-G2.
CHAIN_TEXT = "x" * 40
CHAIN_A = [("G1", 0, 10), ("G2", 12, 30)]
CHAIN_B = [("P1", 8, 25), ("P2", 28, 40)]


def chain_layer(annotator: str, spans: list[tuple[str, int, int]]) -> Document:
    provenance = {"layer": "annotation", "annotators": [annotator], "method": "test"}
    made = tuple(make_span(CHAIN_TEXT, i, "CUE", s, e) for i, s, e in spans)
    return Document("chain", CHAIN_TEXT, {"genre": "wire"}, made, (), provenance)


def test_chain_case_gives_the_same_figures_through_agree_and_eval(tmp_path: Path, schema: Schema) -> None:
    a, b = chain_layer("a1", CHAIN_A), chain_layer("a2", CHAIN_B)
    report = agreement({"a1": {"chain": a}, "a2": {"chain": b}}, schema)
    assert report.f1("spans_type_CUE") == 1.0  # one-to-one overlap, full credit
    assert report.f1("spans_partial_CUE") == 0.5  # SemEval partial: two PAR, half credit each
    assert report.f1("spans_strict_CUE") == 0.0

    write_document(tmp_path / "layers" / "a1" / "chain.json", a)
    write_document(tmp_path / "layers" / "a2" / "chain.json", b)
    out = tmp_path / "agreement.json"
    assert runner.invoke(app, ["agree", "--layers", str(tmp_path / "layers"), "--json", str(out)]).exit_code == 0
    written = json.loads(out.read_text())["f1"]
    scores = evaluate([a], [b], schema=schema, resamples=0, tracks=["spans"]).scores
    for scheme in ("strict", "partial", "type"):
        assert written[f"spans_{scheme}"]["CUE"] == scores[f"spans_{scheme}_CUE_f"]
        assert written[f"spans_{scheme}"]["micro"] == scores[f"spans_{scheme}_micro_f"]
    assert scores["spans_type_micro_f"] == 1.0


def test_doubled_cues_do_not_halve_agreement(schema: Schema) -> None:
    """The PolNeAR import doubled every cue (trigger and cue); strict CUE F1 then read half its value."""

    def doubled(doc: Document) -> Document:
        copies = [
            Span(f"{s.id}x", s.label, s.start, s.end, s.text, dict(s.attrs)) for s in doc.spans if s.label == "CUE"
        ]
        extra = [Relation(r.label, r.head, f"{r.tail}x") for r in doc.relations if r.label == "introduced_by"]
        return Document(doc.id, doc.text, doc.meta, (*doc.spans, *copies), (*doc.relations, *extra), doc.provenance)

    a1, a2 = layer("a1"), layer("a2", claim="bridge may reopen", hedge=False)
    plain = agreement({"a1": {"d1": a1}, "a2": {"d1": a2}}, schema)
    twice = agreement({"a1": {"d1": doubled(a1)}, "a2": {"d1": doubled(a2)}}, schema)
    assert twice.summary(schema) == plain.summary(schema)
    assert twice.f1("spans_strict_CUE") == 1.0
    assert all(0.0 <= v <= 1.0 for table in twice.summary(schema).values() for v in table.values() if v is not None)


def test_pooled_and_per_text_averages_by_hand(schema: Schema) -> None:
    """Two texts: d1 identical, d2 with one of two hedges missing in a2."""
    a1 = {"d1": layer("a1"), "d2": layer("a1", doc_id="d2")}
    a2 = {"d1": layer("a2"), "d2": layer("a2", doc_id="d2", hedge=False)}
    pooled = agreement({"a1": a1, "a2": a2}, schema)
    per_text = agreement({"a1": a1, "a2": a2}, schema, average="per-text")
    # pooled: 1 match, sizes 2 + 1 -> 2/3; per text: mean of 1.0 (d1) and 0.0 (d2) -> 1/2
    assert pooled.f1("spans_strict_HEDGE") == pytest.approx(2 / 3)
    assert per_text.f1("spans_strict_HEDGE") == pytest.approx(1 / 2)
    assert "Averaging: per-text" in agreement_markdown(per_text, schema)
    assert per_text.to_dict(schema)["average"] == "per-text"


AGREEMENT_SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@AGREEMENT_SETTINGS
@given(documents())
def test_every_agreement_f1_lies_in_0_1(schema: Schema, docs: tuple[list[Document], list[Document]]) -> None:
    a, b = docs
    report = agreement({"a1": {d.id: d for d in a}, "a2": {d.id: d for d in b}}, schema)
    for average in ("pooled", "per-text"):
        report.average = Average(average)
        for table in report.summary(schema).values():
            assert all(0.0 <= v <= 1.0 for v in table.values() if v is not None)


@AGREEMENT_SETTINGS
@given(documents())
def test_duplicated_input_does_not_change_agreement(
    schema: Schema, docs: tuple[list[Document], list[Document]]
) -> None:
    def duplicated(doc: Document) -> Document:
        copies = [Span(f"{s.id}d", s.label, s.start, s.end, s.text, dict(s.attrs)) for s in doc.spans]
        rels = [Relation(r.label, f"{r.head}d", f"{r.tail}d") for r in doc.relations]
        return Document(doc.id, doc.text, doc.meta, (*doc.spans, *copies), (*doc.relations, *rels, *doc.relations))

    a, b = docs
    plain = agreement({"a1": {d.id: d for d in a}, "a2": {d.id: d for d in b}}, schema)
    twice = agreement({"a1": {d.id: duplicated(d) for d in a}, "a2": {d.id: duplicated(d) for d in b}}, schema)
    assert twice.summary(schema) == plain.summary(schema)


@AGREEMENT_SETTINGS
@given(documents(unique=True))
def test_pairwise_agreement_is_the_scorers_f1(schema: Schema, docs: tuple[list[Document], list[Document]]) -> None:
    a, b = docs
    report = agreement({"a1": {d.id: d for d in a}, "a2": {d.id: d for d in b}}, schema)
    scores = evaluate(a, b, schema=schema, resamples=0, tracks=["spans", "relations"]).scores
    for scheme in ("strict", "partial", "type"):
        for table in (*schema.label_names, "micro"):
            assert report.f1(f"spans_{scheme}_{table}") == pytest.approx(scores[f"spans_{scheme}_{table}_f"])
    for mode in ("strict", "lenient"):
        for table in (*schema.relation_names, "micro"):
            assert report.f1(f"relations_{mode}_{table}") == pytest.approx(scores[f"rels_{mode}_{table}_f"])


def test_merge_lists_disagreements_and_apply_makes_valid_gold(schema: Schema) -> None:
    a1, a2 = layer("a1"), layer("a2", claim="bridge may reopen", critics_type="unnamed_person", hedge=False)
    candidate = merge({"a1": a1, "a2": a2}, schema)
    kinds = sorted(i["kind"] for i in candidate.items)
    # boundary of C1, presence of the hedge, source_type of Critics, and relations touching C1
    assert kinds.count("span") == 2 and kinds.count("attribute") == 1
    assert kinds.count("relation") == 3  # C1 attributed_to, C1 introduced_by, hedges H1 -> C1
    decisions = [Decision(i["item"], "a1", "LABELING.md: claim spans include the subject") for i in candidate.items]
    gold = apply_decisions(candidate, decisions, adjudicator="adj", method="test adjudication", schema=schema)
    assert [i for i in check_document(gold, schema) if i.severity == "error"] == []
    assert {(s.label, s.start, s.end) for s in gold.spans} == {(s.label, s.start, s.end) for s in a1.spans}
    assert len(gold.relations) == len(a1.relations)
    assert gold.provenance["annotators"] == ["a1", "a2", "adj"]
    with pytest.raises(ReportedlyError, match="undecided"):
        apply_decisions(candidate, decisions[1:], adjudicator="adj", method="m", schema=schema)


def test_apply_new_version_and_none(schema: Schema) -> None:
    a1, a2 = layer("a1"), layer("a2", claim="bridge may reopen")
    candidate = merge({"a1": a1, "a2": a2}, schema)
    decisions = []
    for item in candidate.items:
        if item["kind"] == "span":
            new = {"label": "CLAIM", "text": "the bridge may reopen", "attrs": {"quote": "indirect"}}
            decisions.append(Decision(item["item"], "new", "in May is a separate time adjunct here", new))
        else:
            decisions.append(Decision(item["item"], "a1", "follows the decided claim"))
    gold = apply_decisions(candidate, decisions, adjudicator="adj", method="m", schema=schema)
    assert "the bridge may reopen" in {s.text for s in gold.spans}


def test_cli_agree_and_adjudicate_round(tmp_path: Path, schema: Schema) -> None:
    root = tmp_path / "layers"
    write_document(root / "a1" / "d1.json", layer("a1"))
    write_document(root / "a2" / "d1.json", layer("a2", hedge=False))
    readme = tmp_path / "README.md"
    readme.write_text("# Card\n<!-- BEGIN GENERATED: agreement -->\n<!-- END GENERATED: agreement -->\n")
    args = ["agree", "--layers", str(root), "--readme", str(readme), "--json", str(tmp_path / "agreement.json")]
    assert runner.invoke(app, args).exit_code == 0
    assert "| HEDGE | 0.000 | 0.000 | 0.000 |" in readme.read_text()
    assert runner.invoke(app, [*args, "--check"]).exit_code == 0

    work = tmp_path / "work"
    assert runner.invoke(app, ["adjudicate", "merge", "--layers", str(root), "--out", str(work)]).exit_code == 0
    items = json.loads((work / "d1.disagreements.json").read_text())["items"]
    decisions = {
        "id": "d1",
        "adjudicator": "adj",
        "decisions": [{"item": i["item"], "choose": "a1", "why": "hedge per LABELING.md"} for i in items],
    }
    (work / "d1.decisions.json").write_text(json.dumps(decisions))
    gold_dir = tmp_path / "documents"
    result = runner.invoke(
        app,
        [
            "adjudicate",
            "apply",
            "--layers",
            str(root),
            "--decisions",
            str(work),
            "--method",
            "two passes, adjudicated",
            "--out",
            str(gold_dir),
            "--record",
            str(tmp_path / "adjudication"),
        ],
    )
    assert result.exit_code == 0, result.output
    gold = read_document(gold_dir / "d1.json")
    assert gold.provenance["method"] == "two passes, adjudicated"
    assert any(s.label == "HEDGE" for s in gold.spans)
    assert (tmp_path / "adjudication" / "d1.json").exists()


def test_the_command_line_offers_the_averages_of_the_library() -> None:
    from reportedly.cli.annotation import AverageOption  # kept apart so that --help needs no numpy

    assert [a.value for a in AverageOption] == [a.value for a in Average]
