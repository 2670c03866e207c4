"""Round 2 at work (corpus/round2/): every staged file is valid and tells the truth about itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reportedly.document import read_documents
from reportedly.schema import PACKAGE_ROOT, load_schema
from reportedly.validate import validate_paths

ROUND2 = PACKAGE_ROOT / "corpus" / "round2"
CORPUS = PACKAGE_ROOT / "corpus"


def _ids(path: Path) -> set[str]:
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


@pytest.mark.parametrize("folder", ["documents", "gold", "layers/a1", "layers/a2", "layers/au1"])
def test_every_staged_file_is_valid(folder: str) -> None:
    report = validate_paths([ROUND2 / folder], load_schema())
    assert report.errors == 0, [i.render() for i in report.incidents][:5]


def test_every_brief_became_one_original_candidate_text() -> None:
    briefs = [json.loads(line) for line in (ROUND2 / "briefs.jsonl").read_text(encoding="utf-8").splitlines()]
    candidates = {doc.id: doc for doc in read_documents(ROUND2 / "documents")}
    assert sorted(candidates) == sorted(b["id"] for b in briefs)
    for doc in candidates.values():
        assert doc.meta["origin"] == "constructed" and doc.provenance["layer"] == "candidate"
        assert all(name in doc.text for name in doc.meta["invented_names"]), doc.id


def test_staged_gold_states_its_guidelines_and_keeps_its_layers_and_record() -> None:
    candidates = {doc.id: doc for doc in read_documents(ROUND2 / "documents")}
    for doc in read_documents(ROUND2 / "gold"):
        assert doc.provenance["layer"] == "gold" and doc.provenance["guidelines"].startswith("2."), doc.id
        assert doc.text == candidates[doc.id].text, doc.id
        for annotator in ("a1", "a2"):
            assert (ROUND2 / "layers" / annotator / f"{doc.id}.json").exists(), (doc.id, annotator)
        assert (ROUND2 / "adjudication" / f"{doc.id}.json").exists(), doc.id


def test_round1_gold_states_v2_and_keeps_its_recheck_record() -> None:
    for doc in read_documents(CORPUS / "documents"):
        assert doc.provenance["guidelines"].startswith("2."), doc.id
        trail = json.loads((CORPUS / "adjudication" / f"{doc.id}.json").read_text(encoding="utf-8"))
        assert trail["v2_recheck"]["guidelines"] == doc.provenance["guidelines"], doc.id


@pytest.mark.parametrize(("auditor", "sample_file"), [("au1", "audit-sample.txt"), ("au2", "audit-2-sample.txt")])
def test_audit_layers_are_recorded_as_audits_of_sampled_documents(auditor: str, sample_file: str) -> None:
    sample = _ids(ROUND2 / sample_file)
    texts = {doc.id: doc.text for doc in read_documents(ROUND2 / "audit" / "texts")}
    assert sample <= set(texts)
    for layer in read_documents(ROUND2 / "layers" / auditor):
        assert layer.id in sample and layer.text == texts[layer.id]
        assert layer.provenance["layer"] == "audit" and layer.provenance["annotators"] == [auditor]


def test_the_two_audit_samples_are_disjoint_and_cover_every_genre_twice() -> None:
    first, second = _ids(ROUND2 / "audit-sample.txt"), _ids(ROUND2 / "audit-2-sample.txt")
    assert not first & second and len(first) == len(second) == 36
    texts = {doc.id: doc.meta["genre"] for doc in read_documents(ROUND2 / "audit" / "texts")}
    for sample in (first, second):
        genres = [texts[i] for i in sample]
        assert all(genres.count(g) == 2 for g in genres)
