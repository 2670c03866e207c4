"""The blind audit: differences against the gold, gold errors per 100 items, the corrected gold."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from reportedly.adjudicate import Decision
from reportedly.audit import audit_candidates, audit_markdown, audit_report, audited_gold, is_gold_error
from reportedly.cli import app
from reportedly.document import Document, Relation, make_span
from reportedly.schema import load_schema

runner = CliRunner()
TEXT = "The mayor said the bridge may reopen in about two weeks. Traffic was light."


def _doc(doc_id: str, *, with_hedge: bool, claim_end: str, layer: str) -> Document:
    claim_start = TEXT.index("the bridge")
    spans = [
        make_span(
            TEXT, "S1", "SOURCE", 0, len("The mayor"), source_type="named_person", anonymity_reason="not_applicable"
        ),
        make_span(TEXT, "U1", "CUE", TEXT.index("said"), TEXT.index("said") + 4),
        make_span(TEXT, "C1", "CLAIM", claim_start, TEXT.index(claim_end) + len(claim_end), quote="indirect"),
        make_span(TEXT, "C2", "CLAIM", TEXT.index("Traffic"), TEXT.index("light") + 5, quote="none"),
    ]
    relations = [Relation("attributed_to", "C1", "S1"), Relation("introduced_by", "C1", "U1")]
    if with_hedge:
        spans.append(
            make_span(
                TEXT, "H1", "HEDGE", TEXT.index("may"), TEXT.index("may") + 3, hedge_type="modal", holder="source"
            )
        )
        relations.append(Relation("hedges", "H1", "C1"))
    provenance = {"layer": layer, "annotators": ["a1", "a2", "adj1"], "method": "two passes, adjudicated"}
    return Document(doc_id, TEXT, {}, tuple(spans), tuple(relations), provenance)


def test_gold_errors_are_counted_per_label_and_relation_and_fixed() -> None:
    schema = load_schema()
    gold = {"d1": _doc("d1", with_hedge=False, claim_end="weeks", layer="gold")}
    audit = {"d1": _doc("d1", with_hedge=True, claim_end="weeks", layer="audit")}
    candidates = audit_candidates(gold, audit, auditor="au1", schema=schema)
    items = candidates[0].items
    kinds = sorted(i["kind"] for i in items)
    assert kinds == ["relation", "span"]  # the hedge the gold missed, and its hedges relation
    decisions = [Decision(i["item"], "au1", "H-3: may is a modal hedge") for i in items]
    assert all(is_gold_error(i, d) for i, d in zip(items, decisions, strict=True))
    report = audit_report(candidates, {"d1": decisions}, gold, schema)
    spans = {row["name"]: row for row in report["spans"]}
    relations = {row["name"]: row for row in report["relations"]}
    assert spans["HEDGE"]["errors"] == 1 and spans["HEDGE"]["gold_items"] == 0
    assert spans["all spans"]["errors"] == 1 and spans["all spans"]["gold_items"] == 4
    assert spans["all spans"]["per_100"] == 25.0
    assert relations["hedges"]["errors"] == 1 and relations["all relations"]["per_100"] == 50.0
    assert "decided against the gold" in audit_markdown(report)
    fixed = audited_gold(candidates[0], decisions, gold["d1"], adjudicator="adj9", auditor="au1", schema=schema)
    assert any(s.label == "HEDGE" and s.text == "may" for s in fixed.spans)
    assert fixed.provenance["layer"] == "gold" and "blind audit by au1" in fixed.provenance["method"]
    assert fixed.provenance["annotators"] == ["a1", "a2", "adj1", "au1", "adj9"]


def test_a_difference_decided_for_the_gold_is_no_error() -> None:
    schema = load_schema()
    gold = {"d1": _doc("d1", with_hedge=True, claim_end="weeks", layer="gold")}
    audit = {"d1": _doc("d1", with_hedge=True, claim_end="reopen", layer="audit")}
    candidates = audit_candidates(gold, audit, auditor="au1", schema=schema)
    decisions = [Decision(i["item"], "gold", "C-4: the time phrase is content") for i in candidates[0].items]
    report = audit_report(candidates, {"d1": decisions}, gold, schema)
    assert report["differences"] >= 1 and report["gold_errors"] == 0
    none_for_a_gold_item = Decision("x", "none", "")
    assert is_gold_error({"versions": {"gold": {"label": "CLAIM"}, "au1": None}}, none_for_a_gold_item)
    assert not is_gold_error({"versions": {"gold": None, "au1": {"label": "CLAIM"}}}, none_for_a_gold_item)


def test_the_interval_is_a_document_bootstrap_that_contains_the_point() -> None:
    schema = load_schema()
    gold = {f"d{i}": _doc(f"d{i}", with_hedge=i % 2 == 0, claim_end="weeks", layer="gold") for i in range(6)}
    audit = {f"d{i}": _doc(f"d{i}", with_hedge=True, claim_end="weeks", layer="audit") for i in range(6)}
    candidates = audit_candidates(gold, audit, auditor="au1", schema=schema)
    decisions = {c.doc.id: [Decision(i["item"], "au1", "H-3") for i in c.items] for c in candidates}
    row = {r["name"]: r for r in audit_report(candidates, decisions, gold, schema)["spans"]}["all spans"]
    low, high = row["ci95"]
    assert low <= row["per_100"] <= high and low < high


def test_a_saved_report_renders_into_its_readme_section(tmp_path: Path) -> None:
    schema = load_schema()
    gold = {"d1": _doc("d1", with_hedge=False, claim_end="weeks", layer="gold")}
    audit = {"d1": _doc("d1", with_hedge=True, claim_end="weeks", layer="audit")}
    candidates = audit_candidates(gold, audit, auditor="au2", schema=schema)
    decisions = [Decision(i["item"], "au2", "H-3") for i in candidates[0].items]
    report_path = tmp_path / "au2.json"
    report_path.write_text(json.dumps(audit_report(candidates, {"d1": decisions}, gold, schema)), encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text("# x\n<!-- BEGIN GENERATED: audit-2 -->\n<!-- END GENERATED: audit-2 -->\n", encoding="utf-8")
    args = ["audit", "table", str(report_path), "--readme", str(readme), "--section", "audit-2"]
    stale = runner.invoke(app, [*args, "--check"])
    assert stale.exit_code == 1 and "RPT-GENERATED-STALE" in stale.output
    assert runner.invoke(app, args).exit_code == 0
    assert "| all spans | 4 | 1 | 25.00 |" in readme.read_text(encoding="utf-8")
    assert runner.invoke(app, [*args, "--check"]).exit_code == 0
    report_path.write_text("[1, 2]", encoding="utf-8")
    bad = runner.invoke(app, args)
    assert bad.exit_code == 1 and "not an audit report" in bad.output
