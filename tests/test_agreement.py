"""Agreement and adjudication on hand-made layers with known answers."""

from __future__ import annotations

import json
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from typer.testing import CliRunner

from reportedly.adjudicate import AdjudicationError, Decision, apply_decisions, merge
from reportedly.agreement import agreement, agreement_markdown, match_partial
from reportedly.cli import app
from reportedly.document import Document, Relation, make_span, read_document, write_document
from reportedly.schema import Schema
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
    assert all(t.f1 == 1.0 for t in pair.spans_strict.values() if t.n_a)
    assert all(t.f1 == 1.0 for t in pair.relations_lenient.values() if t.n_a)
    assert pair.kappa["source_type"] == 1.0
    assert report.alpha["quote"] == 1.0


def test_shifted_claim_gets_partial_not_strict_credit(schema: Schema) -> None:
    report = agreement({"a1": {"d1": layer("a1")}, "a2": {"d1": layer("a2", claim="bridge may reopen")}}, schema)
    (pair,) = report.pairs
    assert pair.spans_strict["CLAIM"].f1 == pytest.approx(0.5)  # 1 of 2 claims identical on each side
    assert pair.spans_partial["CLAIM"].f1 == 1.0
    assert pair.spans_partial["SOURCE"].f1 == 1.0
    # relations touching the shifted claim fail strictly but pass leniently
    assert pair.relations_strict["attributed_to"].f1 == pytest.approx(0.5)
    assert pair.relations_lenient["attributed_to"].f1 == 1.0


def test_missing_hedge_lowers_hedge_f1_to_zero(schema: Schema) -> None:
    report = agreement({"a1": {"d1": layer("a1")}, "a2": {"d1": layer("a2", hedge=False)}}, schema)
    (pair,) = report.pairs
    assert pair.spans_strict["HEDGE"].f1 == 0.0
    assert (pair.spans_strict["HEDGE"].n_a, pair.spans_strict["HEDGE"].n_b) == (1, 0)


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
    assert "| HEDGE | 0.500 | 0.500 |" in table  # mean of 0.0 (a1-a2) and 1.0 (a1-a3); a2-a3 shares nothing


def test_partial_matching_is_one_to_one_and_order_free() -> None:
    long = make_span(TEXT, "A", "CLAIM", *at("the bridge may reopen in May"))
    short1 = make_span(TEXT, "B", "CLAIM", *at("the bridge"))
    short2 = make_span(TEXT, "C", "CLAIM", *at("reopen in May"))
    pairs = match_partial([long], [short1, short2])
    assert len(pairs) == 1 and pairs[0][1].id == "C"  # larger overlap wins
    assert match_partial([long], [short2, short1]) == pairs


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
    with pytest.raises(AdjudicationError, match="undecided"):
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
    assert "| HEDGE | 0.000 | 0.000 |" in readme.read_text()
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
