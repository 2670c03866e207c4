"""Defect class 1: ids and names become paths. Every hostile id or name is refused with a code,
and nothing is written outside the output folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import invoke, layer, record, refused, snapshot, write_json, write_jsonl

from reportedly.names import is_valid_name, join_inside

HOSTILE_IDS = ["../../../../ESCAPED", "d1\n", "a/b", "..", "a..b", "-x", "x y", "x\x00y", "é", "a" * 201, ""]


@pytest.mark.parametrize("doc_id", HOSTILE_IDS, ids=repr)
def test_the_one_id_rule_refuses_every_hostile_id(doc_id: str) -> None:
    assert not is_valid_name(doc_id)


@pytest.mark.parametrize("doc_id", ["../../../../ESCAPED", "d1\n", "a..b"], ids=repr)
def test_adjudicate_merge_refuses_a_layer_whose_id_is_a_path(tmp_path: Path, doc_id: str) -> None:
    layers, out = tmp_path / "deep" / "er" / "layers", tmp_path / "deep" / "er" / "out"
    for annotator in ("a1", "a2"):
        write_json(layers / annotator / "x.json", layer(doc_id, annotator))
    before = snapshot(tmp_path)
    refused(["adjudicate", "merge", "--layers", layers, "--out", out], "RPT-ID-INVALID")
    assert snapshot(tmp_path) == before
    assert not list(tmp_path.rglob("ESCAPED*"))


def test_brat_export_refuses_a_separator_that_leaves_the_folder(tmp_path: Path) -> None:
    docs = write_json(tmp_path / "docs" / "fixture-0001.json", layer("fixture-0001", "a1"))
    out = tmp_path / "a" / "b" / "brat"
    args = ["convert", "brat-export", docs, "--by-annotator", "--separator", "/../../X", "--out", out]
    refused(args, "RPT-PATH-ESCAPE")
    assert not out.exists() or snapshot(out) == {}
    assert not list(tmp_path.rglob("X*"))


def test_brat_export_refuses_a_document_id_with_a_trailing_newline(tmp_path: Path) -> None:
    docs = write_jsonl(tmp_path / "docs.jsonl", [record("d1\n")])
    refused(["convert", "brat-export", docs, "--out", tmp_path / "brat"], "RPT-ID-INVALID")
    assert not (tmp_path / "brat").exists()


@pytest.mark.parametrize("split", ["../pilot", "pilot\n", "a/b"], ids=repr)
def test_baseline_refuses_a_split_name_that_is_a_path(tmp_path: Path, corpus: Path, split: str) -> None:
    (corpus / "pilot.txt").write_text("fixture-0001\n", encoding="utf-8")
    refused(["baseline", "rules", "--split", split, "--corpus", corpus], "RPT-ID-INVALID")
    assert not list(tmp_path.rglob("*.jsonl"))


def test_a_link_inside_the_output_folder_that_points_out_is_refused(tmp_path: Path) -> None:
    layers, out, outside = tmp_path / "layers", tmp_path / "out", tmp_path / "outside.json"
    for annotator in ("a1", "a2"):
        write_json(
            layers / annotator / "fixture-0001.json",
            layer("fixture-0001", annotator, drop=("H1",) * (annotator == "a2")),
        )
    outside.write_text("precious\n", encoding="utf-8")
    out.mkdir()
    os.symlink(outside, out / "fixture-0001.disagreements.json")
    refused(["adjudicate", "merge", "--layers", layers, "--out", out], "RPT-PATH-ESCAPE")
    assert outside.read_text(encoding="utf-8") == "precious\n"


def test_join_inside_refuses_parts_and_links_that_leave_the_folder(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    os.symlink(tmp_path, tmp_path / "out" / "up")
    assert join_inside(tmp_path / "out", "a1", "d.json") == tmp_path / "out" / "a1" / "d.json"
    for parts in [("..", "x"), ("a/../../x",), ("up", "x"), ("",), ("a\nb",)]:
        with pytest.raises(Exception) as raised:
            join_inside(tmp_path / "out", *parts)
        assert getattr(raised.value, "code", None) == "RPT-PATH-ESCAPE", parts


def test_label_studio_task_with_a_path_as_doc_id_writes_nothing_outside(tmp_path: Path) -> None:
    export = [
        {
            "id": 1,
            "data": {"text": "Officials said so.", "doc_id": "../../../ESCAPED"},
            "annotations": [{"id": 2, "completed_by": 4, "result": [], "was_cancelled": False}],
        }
    ]
    path = write_json(tmp_path / "export.json", export)
    out = tmp_path / "a" / "b" / "layers"
    result = refused(["convert", "labelstudio", path, "--out", out, "--dir", tmp_path / ".studio"], "RPT-ID-INVALID")
    assert "ESCAPED" in result.stderr
    assert not list(tmp_path.rglob("ESCAPED*"))


def test_convert_text_refuses_an_id_that_is_a_path(tmp_path: Path) -> None:
    inputs = write_jsonl(tmp_path / "in.jsonl", [{"id": "../../x", "text": "Some text."}])
    refused(["convert", "text", inputs, "--out", tmp_path / "o" / "docs"], "RPT-TEXT-ID")
    assert not (tmp_path / "o").exists() and not (tmp_path / "x.json").exists()


def test_validate_reports_an_id_with_a_trailing_newline_with_its_code(tmp_path: Path) -> None:
    path = write_json(tmp_path / "d.json", record("d1\n"))
    result = invoke(["validate", path, "--format", "json"])
    assert result.exit_code == 1
    assert {i["code"] for i in json.loads(result.stdout)["incidents"]} == {"RPT-ID-INVALID"}
