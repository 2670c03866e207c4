"""Defect class 2: data lost. No command replaces real output with nothing, removes files it did
not write, or lets one input silently replace another."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, invoke, layer, make_corpus, record, refused, snapshot, write_json, write_jsonl


@pytest.fixture()
def board(tmp_path: Path) -> Path:
    path = tmp_path / "LEADERBOARD.md"
    path.write_text("the real board, 31 lines\n", encoding="utf-8")
    return path


def test_leaderboard_with_a_wrong_predictions_folder_keeps_the_board(tmp_path: Path, corpus: Path, board: Path) -> None:
    refused(
        ["leaderboard", "--corpus", corpus, "--predictions", tmp_path / "WRONG", "--out", board], "RPT-PATH-MISSING"
    )
    assert board.read_text(encoding="utf-8") == "the real board, 31 lines\n"


def test_leaderboard_with_no_system_for_the_split_keeps_the_board(tmp_path: Path, corpus: Path, board: Path) -> None:
    preds = tmp_path / "baselines"
    write_jsonl(preds / "rules" / "test.jsonl", [record("fixture-0001")])
    args = ["leaderboard", "--corpus", corpus, "--predictions", preds, "--out", board, "--split", "train"]
    refused(args, "RPT-NOTHING-TO-WRITE")
    assert board.read_text(encoding="utf-8") == "the real board, 31 lines\n"


def test_leaderboard_given_a_file_as_predictions_folder_keeps_the_board(
    tmp_path: Path, corpus: Path, board: Path
) -> None:
    refused(["leaderboard", "--corpus", corpus, "--predictions", board, "--out", board], "RPT-PATH-KIND")
    assert board.read_text(encoding="utf-8") == "the real board, 31 lines\n"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("publish") / "hf"
    result = invoke(
        ["publish", "--corpus", ROOT / "corpus", "--out", out, "--leaderboard", ROOT / "eval" / "LEADERBOARD.md"]
    )
    assert result.exit_code == 0, result.output
    return out


def test_publish_overwrite_refuses_files_it_did_not_write(published: Path, tmp_path: Path) -> None:
    out = tmp_path / "hf"
    shutil.copytree(published, out)
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    before = snapshot(out)
    result = refused(["publish", "--corpus", ROOT / "corpus", "--out", out, "--overwrite"], "RPT-FOREIGN-FILES")
    assert ".git/" in result.stderr and "notes.txt" in result.stderr
    assert snapshot(out) == before


def test_publish_overwrite_force_removes_foreign_files_and_plain_overwrite_replaces_its_own(
    published: Path, tmp_path: Path
) -> None:
    out = tmp_path / "hf"
    shutil.copytree(published, out)
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    args = [
        "publish",
        "--corpus",
        ROOT / "corpus",
        "--out",
        out,
        "--overwrite",
        "--leaderboard",
        ROOT / "eval" / "LEADERBOARD.md",
    ]
    assert invoke([*args, "--force"]).exit_code == 0
    assert not (out / "notes.txt").exists()
    assert invoke(args).exit_code == 0
    assert snapshot(out) == snapshot(published)


def test_publish_refuses_a_non_utf8_agreement_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "agreement.json"
    bad.write_bytes(b"\xff\xfe{")
    refused(["publish", "--corpus", ROOT / "corpus", "--out", tmp_path / "hf", "--agreement", bad], "RPT-PUBLISH-INPUT")
    assert not (tmp_path / "hf").exists()


def test_convert_strings_refuses_two_records_of_one_id(tmp_path: Path, corpus: Path) -> None:
    quote = {"id": "fixture-0001", "spans": [{"id": "U1", "label": "CUE", "text": "said"}], "relations": []}
    answers = write_jsonl(tmp_path / "answers.jsonl", [quote, quote])
    out = tmp_path / "preds.jsonl"
    args = ["convert", "strings", answers, "--texts", corpus / "documents", "--system", "x", "--out", out]
    result = refused(args, "RPT-DUPLICATE-INPUT")
    assert "answers.jsonl:1" in result.stderr and "answers.jsonl:2" in result.stderr
    assert not out.exists()


def _label_studio_export(tmp_path: Path, *, doc_ids: list[str], users: list[int]) -> Path:
    docs = tmp_path / "docs"
    for doc_id in sorted(set(doc_ids)):
        write_json(docs / f"{doc_id}.json", record(doc_id))
    preds = write_jsonl(
        tmp_path / "preds.jsonl",
        [dict(record(d), provenance={"layer": "prediction", "system": "s"}) for d in sorted(set(doc_ids))],
    )
    tasks_file = tmp_path / "tasks.json"
    assert invoke(["convert", "labelstudio-export", docs, "--predictions", preds, "--out", tasks_file]).exit_code == 0
    by_id = {t["data"]["doc_id"]: t for t in json.loads(tasks_file.read_text(encoding="utf-8"))}
    export = []
    for number, (doc_id, user) in enumerate(zip(doc_ids, users, strict=True), start=1):
        task = by_id[doc_id]
        annotation = {
            "id": 10 * number,
            "completed_by": user,
            "result": copy.deepcopy(task["predictions"][0]["result"]),
            "was_cancelled": False,
            "created_at": "2025-01-01T00:00:00Z",
            "updated_at": "2025-01-01T00:00:00Z",
        }
        export.append(
            {"id": number, "data": task["data"], "drafts": [], "predictions": [], "annotations": [annotation]}
        )
    return write_json(tmp_path / "export.json", export)


def test_convert_labelstudio_refuses_two_tasks_of_one_doc_id(tmp_path: Path) -> None:
    export = _label_studio_export(tmp_path, doc_ids=["fixture-0001", "fixture-0001"], users=[4, 4])
    out = tmp_path / "layers"
    result = refused(
        ["convert", "labelstudio", export, "--out", out, "--dir", tmp_path / ".studio"], "RPT-DUPLICATE-INPUT"
    )
    assert "task 1" in result.stderr and "task 2" in result.stderr
    assert snapshot(out) == {}


def test_convert_labelstudio_refuses_two_users_mapped_to_one_annotator(tmp_path: Path) -> None:
    export = _label_studio_export(tmp_path, doc_ids=["fixture-0001", "fixture-0001"], users=[4, 5])
    out = tmp_path / "layers"
    args = [
        "convert",
        "labelstudio",
        export,
        "--out",
        out,
        "--dir",
        tmp_path / ".studio",
        "--annotator",
        "4=a1",
        "--annotator",
        "5=a1",
    ]
    refused(args, "RPT-DUPLICATE-INPUT")
    assert snapshot(out) == {}
    # mapped to two annotators, the same export converts
    args = [
        "convert",
        "labelstudio",
        export,
        "--out",
        out,
        "--dir",
        tmp_path / ".studio",
        "--annotator",
        "4=a1",
        "--annotator",
        "5=a2",
    ]
    assert invoke(args).exit_code == 0
    assert sorted(snapshot(out)) == ["a1/fixture-0001.json", "a2/fixture-0001.json"]


def test_agree_refuses_two_layer_files_of_one_id(tmp_path: Path) -> None:
    layers = tmp_path / "layers"
    write_json(layers / "a1" / "fixture-0001.json", layer("fixture-0001", "a1"))
    write_json(layers / "a1" / "copy.json", layer("fixture-0001", "a1", drop=("H1",)))
    write_json(layers / "a2" / "fixture-0001.json", layer("fixture-0001", "a2"))
    result = refused(["agree", "--layers", layers], "RPT-DUPLICATE-INPUT")
    assert "copy.json" in result.stderr and "fixture-0001.json" in result.stderr


def test_splits_on_a_mistyped_corpus_path_creates_nothing(tmp_path: Path) -> None:
    refused(["splits", tmp_path / "corpuss"], "RPT-PATH-MISSING")
    assert not (tmp_path / "corpuss").exists()


def test_splits_on_a_corpus_without_documents_keeps_the_split_files(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    for path in (corpus / "documents").iterdir():
        path.unlink()
    before = snapshot(corpus / "splits")
    refused(["splits", corpus], "RPT-NOTHING-TO-WRITE")
    assert snapshot(corpus / "splits") == before


def test_splits_on_a_folder_that_is_not_a_corpus_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    refused(["splits", tmp_path / "notes"], "RPT-PATH-KIND")
    assert snapshot(tmp_path / "notes") == {}
