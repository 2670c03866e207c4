"""Round 2 (corpus/round2/ keeps its record): every file tells the truth about how it was made, and
every round-2 document is in the corpus with its layers, its record and the guidelines it follows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reportedly.document import read_documents
from reportedly.schema import PACKAGE_ROOT, load_schema
from reportedly.validate import validate_paths

ROUND2 = PACKAGE_ROOT / "corpus" / "round2"
CORPUS = PACKAGE_ROOT / "corpus"
AUDITS = [("au1", "audit-sample.txt"), ("au2", "audit-2-sample.txt")]


def _ids(path: Path) -> set[str]:
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


def _trail(doc_id: str) -> dict[str, object]:
    return dict(json.loads((CORPUS / "adjudication" / f"{doc_id}.json").read_text(encoding="utf-8")))


@pytest.mark.parametrize("folder", ["documents", "audit/texts"])
def test_every_round2_record_file_is_valid(folder: str) -> None:
    report = validate_paths([ROUND2 / folder], load_schema())
    assert report.errors == 0, [i.render() for i in report.incidents][:5]


def test_every_brief_became_one_original_candidate_text() -> None:
    briefs = [json.loads(line) for line in (ROUND2 / "briefs.jsonl").read_text(encoding="utf-8").splitlines()]
    candidates = {doc.id: doc for doc in read_documents(ROUND2 / "documents")}
    assert sorted(candidates) == sorted(b["id"] for b in briefs)
    for doc in candidates.values():
        assert doc.meta["origin"] == "constructed" and doc.provenance["layer"] == "candidate"
        assert all(name in doc.text for name in doc.meta["invented_names"]), doc.id


def test_every_round2_text_is_gold_with_its_layers_and_record() -> None:
    gold = {doc.id: doc for doc in read_documents(CORPUS / "documents")}
    for candidate in read_documents(ROUND2 / "documents"):
        doc = gold[candidate.id]
        assert doc.provenance["layer"] == "gold" and doc.text == candidate.text, doc.id
        for annotator in ("a1", "a2"):
            assert (CORPUS / "layers" / annotator / f"{doc.id}.json").exists(), (doc.id, annotator)
        assert {"annotators", "adjudicator", "items", "decisions"} <= _trail(doc.id).keys(), doc.id
    assert not (ROUND2 / "gold").exists() and not (ROUND2 / "layers").exists()  # promoted, not copied


def test_every_gold_document_states_v2_1_and_how_it_got_there() -> None:
    """Round 1 went to v2.0 (v2_recheck), then to v2.1 by the re-check or, in the first audit sample,
    by the audit; round 2 was adjudicated under v2.1 (its pilot under v2.0, decided against v2.1)."""
    first_audit = _ids(ROUND2 / "audit-sample.txt")
    round2 = {doc.id for doc in read_documents(ROUND2 / "documents")}
    for doc in read_documents(CORPUS / "documents"):
        assert doc.provenance["guidelines"] == "2.1", doc.id
        trail = _trail(doc.id)
        if doc.id not in round2:
            assert trail["v2_recheck"]["guidelines"] == "2.0", doc.id  # type: ignore[index]
        if doc.id in first_audit:
            assert "blind audit by au1" in doc.provenance["method"], doc.id
        else:
            assert trail["v2_1_recheck"]["guidelines"] == "2.1", doc.id  # type: ignore[index]


@pytest.mark.parametrize(("auditor", "sample_file"), AUDITS)
def test_audit_layers_are_recorded_as_audits_of_sampled_documents(auditor: str, sample_file: str) -> None:
    sample = _ids(ROUND2 / sample_file)
    texts = {doc.id: doc.text for doc in read_documents(ROUND2 / "audit" / "texts")}
    layers = read_documents(CORPUS / "layers" / auditor)
    assert {layer.id for layer in layers} == sample <= set(texts)
    gold = {doc.id: doc for doc in read_documents(CORPUS / "documents")}
    for layer in layers:
        assert layer.text == texts[layer.id] == gold[layer.id].text
        assert layer.provenance["layer"] == "audit" and layer.provenance["annotators"] == [auditor]
        assert f"blind audit by {auditor}" in gold[layer.id].provenance["method"]


def test_the_two_audit_samples_are_disjoint_and_cover_every_genre_twice() -> None:
    first, second = _ids(ROUND2 / "audit-sample.txt"), _ids(ROUND2 / "audit-2-sample.txt")
    assert not first & second and len(first) == len(second) == 36
    genres = {doc.id: doc.meta["genre"] for doc in read_documents(ROUND2 / "audit" / "texts")}
    for sample in (first, second):
        found = [genres[i] for i in sample]
        assert all(found.count(g) == 2 for g in found)
