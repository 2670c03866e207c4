"""Defect class 3: half-applied batches and invalid gold. A batch is checked whole, then written
whole; a decision or a layer the schema cannot hold is refused with a code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import invoke, layer, refused, snapshot, write_json, write_jsonl

IDS = ("fixture-0001", "fixture-0002", "fixture-0003")


@pytest.fixture()
def round_(tmp_path: Path) -> Path:
    """Layers of a1 and a2 that differ on one hedge (H2) in every document, and their disagreements."""
    layers = tmp_path / "layers"
    for doc_id in IDS:
        write_json(layers / "a1" / f"{doc_id}.json", layer(doc_id, "a1"))
        write_json(layers / "a2" / f"{doc_id}.json", layer(doc_id, "a2", drop=("H2",)))
    assert invoke(["adjudicate", "merge", "--layers", layers, "--out", tmp_path / "work"]).exit_code == 0
    return tmp_path


def _decide(root: Path, doc_id: str, decisions: Any) -> Path:
    return write_json(
        root / "decisions" / f"{doc_id}.decisions.json", {"id": doc_id, "adjudicator": "adj", "decisions": decisions}
    )


def _good(root: Path, doc_id: str) -> Path:
    items = json.loads((root / "work" / f"{doc_id}.disagreements.json").read_text(encoding="utf-8"))["items"]
    return _decide(root, doc_id, [{"item": i["item"], "choose": "a1", "why": "a hedge"} for i in items])


def _apply(root: Path) -> list[str]:
    return [
        "adjudicate",
        "apply",
        "--layers",
        root / "layers",
        "--decisions",
        root / "decisions",
        "--method",
        "m",
        "--out",
        root / "gold",
        "--record",
        root / "trail",
    ]


def _nothing_written(root: Path) -> None:
    assert snapshot(root / "gold") == {} and snapshot(root / "trail") == {}


def test_one_bad_decision_file_among_many_writes_nothing(round_: Path) -> None:
    _good(round_, IDS[0])
    _good(round_, IDS[2])
    _decide(round_, IDS[1], [{"item": "D1", "choose": "a9", "why": "typo"}])
    refused(_apply(round_), "RPT-ADJUDICATE")
    _nothing_written(round_)


def test_the_same_batch_with_every_file_good_writes_every_gold_and_trail(round_: Path) -> None:
    for doc_id in IDS:
        _good(round_, doc_id)
    assert invoke(_apply(round_)).exit_code == 0
    assert sorted(snapshot(round_ / "gold")) == [f"{d}.json" for d in IDS]
    assert sorted(snapshot(round_ / "trail")) == [f"{d}.json" for d in IDS]


def test_a_new_span_with_an_unknown_label_is_refused(round_: Path) -> None:
    items = json.loads((round_ / "work" / f"{IDS[0]}.disagreements.json").read_text(encoding="utf-8"))["items"]
    new = {"item": "D1", "choose": "new", "why": "x", "new": {"label": "RUMOUR", "text": "about"}}
    _decide(round_, IDS[0], [new, *({"item": i["item"], "choose": "a1", "why": "x"} for i in items[1:])])
    refused(_apply(round_), "RPT-LABEL-UNKNOWN")
    _nothing_written(round_)


@pytest.mark.parametrize(
    "content",
    [
        [],  # a list, not an object
        {"id": "fixture-0001", "adjudicator": "adj", "decisions": {"D1": "a1"}},
        {
            "id": "fixture-0001",
            "adjudicator": "adj",
            "decisions": [{"item": "D1", "choose": "new", "why": "x", "new": "about"}],
        },
        {"id": 7, "adjudicator": "adj", "decisions": []},
        {"id": "fixture-0001", "adjudicator": ["adj"], "decisions": []},
        {"id": "fixture-0001", "adjudicator": "adj", "decisions": [{"item": 1, "choose": "a1", "why": "x"}]},
    ],
    ids=["list", "decisions-object", "new-string", "id-number", "adjudicator-list", "item-number"],
)
def test_wrong_json_types_in_a_decision_file_are_coded(round_: Path, content: Any) -> None:
    write_json(round_ / "decisions" / "fixture-0001.decisions.json", content)
    refused(_apply(round_), "RPT-ADJUDICATE")
    _nothing_written(round_)


def test_a_decision_file_with_a_huge_number_or_bad_bytes_is_coded(round_: Path) -> None:
    path = round_ / "decisions" / "fixture-0001.decisions.json"
    path.parent.mkdir()
    path.write_text('{"id": "fixture-0001", "n": ' + "9" * 5000 + "}", encoding="utf-8")
    refused(_apply(round_), "RPT-JSON-SYNTAX")
    path.write_bytes(b'{"id": "\xff"}')
    refused(_apply(round_), "RPT-ENCODING")
    _nothing_written(round_)


def test_decisions_given_as_a_file_is_refused(round_: Path) -> None:
    path = _good(round_, IDS[0])
    refused([*_apply(round_)[:5], path, *_apply(round_)[6:]], "RPT-PATH-KIND")
    _nothing_written(round_)


def test_merge_refuses_a_span_whose_label_is_not_in_the_schema(tmp_path: Path) -> None:
    layers = tmp_path / "layers"
    odd = layer("fixture-0001", "a2")
    odd["spans"][0]["label"] = "RUMOUR"
    write_json(layers / "a1" / "fixture-0001.json", layer("fixture-0001", "a1"))
    write_json(layers / "a2" / "fixture-0001.json", odd)
    result = refused(["adjudicate", "merge", "--layers", layers, "--out", tmp_path / "work"], "RPT-LABEL-UNKNOWN")
    assert "a2" in result.stderr
    assert snapshot(tmp_path / "work") == {}


def test_convert_text_with_one_bad_record_writes_no_document(tmp_path: Path) -> None:
    inputs = write_jsonl(
        tmp_path / "in.jsonl", [{"id": "a1", "text": "One."}, {"id": "a2", "text": ""}, {"id": "a3", "text": "Three."}]
    )
    refused(["convert", "text", inputs, "--out", tmp_path / "docs"], "RPT-TEXT-EMPTY")
    assert snapshot(tmp_path / "docs") == {}
