"""Defect class 4: tracebacks. User text is printed as written (never read as markup), and a bad
file, a file where a folder belongs (or the reverse), a huge JSON number or a huge text all end
in one coded error line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import invoke, record, refused, snapshot, write_json, write_jsonl

MARKUP = "[/bold][link=x]oops[/]"


def test_user_text_with_markup_is_printed_as_written(tmp_path: Path, corpus: Path) -> None:
    bad = record("fixture-0001")
    bad["spans"][0]["text"] = MARKUP  # a span text that is not text[start:end]
    path = write_json(tmp_path / "d.json", bad)
    result = invoke(["validate", path])
    assert result.exit_code == 1 and MARKUP in result.stdout and "RPT-OFFSET-MISMATCH" in result.stdout


def test_a_system_name_with_markup_is_printed_as_written(tmp_path: Path, corpus: Path) -> None:
    preds = write_jsonl(
        tmp_path / "p.jsonl",
        [dict(record(d), provenance={"layer": "prediction", "system": MARKUP}) for d in ("fixture-0001",)],
    )
    result = invoke(["eval", preds, "--gold", corpus, "--resamples", "0", "--docs", "predicted"])
    assert result.exit_code == 0, result.output
    assert MARKUP in result.stdout


def test_a_conll_tag_with_markup_is_a_coded_error(tmp_path: Path) -> None:
    conll = tmp_path / "x.conll"
    conll.write_text("# newdoc id = d1\nSaid\tB-[/x]\n\n", encoding="utf-8")
    result = refused(
        ["convert", "conll-import", conll, "--system", "s", "--out", tmp_path / "o.jsonl"], "RPT-CONLL-TAG"
    )
    assert "[/x]" in result.stderr
    assert not (tmp_path / "o.jsonl").exists()


def test_a_brat_text_with_markup_is_printed_as_written(tmp_path: Path) -> None:
    (tmp_path / "brat").mkdir()
    (tmp_path / "brat" / "d1.txt").write_text("He said [/b] so.", encoding="utf-8")
    (tmp_path / "brat" / "d1.ann").write_text("T1\tCue 3 7\t[/b]\n", encoding="utf-8")
    result = refused(
        ["convert", "brat-import", tmp_path / "brat", "--annotator", "a1", "--out", tmp_path / "layers"],
        "RPT-BRAT-TEXT",
    )
    assert "[/b]" in result.stderr


@pytest.mark.parametrize("option", ["--readme"])
def test_a_missing_non_utf8_or_folder_readme_is_coded(tmp_path: Path, corpus: Path, option: str) -> None:
    refused(["stats", corpus, option, tmp_path / "missing.md"], "RPT-PATH-MISSING")
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"\xff\xfe<!--")
    refused(["stats", corpus, option, bad], "RPT-ENCODING")
    refused(["stats", corpus, option, tmp_path], "RPT-PATH-KIND")
    assert bad.read_bytes() == b"\xff\xfe<!--"


def test_agree_readme_without_markers_is_coded_and_unchanged(tmp_path: Path) -> None:
    from conftest import layer

    for annotator in ("a1", "a2"):
        write_json(tmp_path / "layers" / annotator / "fixture-0001.json", layer("fixture-0001", annotator))
    readme = tmp_path / "README.md"
    readme.write_text("no markers here\n", encoding="utf-8")
    refused(["agree", "--layers", tmp_path / "layers", "--readme", readme], "RPT-GENERATED-MARKERS")
    assert readme.read_text(encoding="utf-8") == "no markers here\n"


def test_an_output_folder_that_is_a_file_is_coded(tmp_path: Path) -> None:
    taken = tmp_path / "docs"
    taken.write_text("a file\n", encoding="utf-8")
    inputs = write_jsonl(tmp_path / "in.jsonl", [{"id": "a1", "text": "One."}])
    refused(["convert", "text", inputs, "--out", taken], "RPT-PATH-KIND")
    assert taken.read_text(encoding="utf-8") == "a file\n"


def test_an_output_file_that_is_a_folder_is_coded(tmp_path: Path) -> None:
    (tmp_path / "out.jsonl").mkdir()
    inputs = write_jsonl(tmp_path / "in.jsonl", [{"id": "a1", "text": "One."}])
    refused(["convert", "text", inputs, "--out", tmp_path / "out.jsonl"], "RPT-PATH-KIND")


def test_a_file_given_for_the_layers_folder_is_coded(tmp_path: Path) -> None:
    path = write_json(tmp_path / "layers", {"x": 1})
    result = invoke(["agree", "--layers", path])
    assert result.exit_code == 1 and "error RPT-" in result.stderr


def test_a_folder_given_for_a_document_is_coded(tmp_path: Path) -> None:
    refused(["show", tmp_path], "RPT-PATH-KIND")


def test_a_json_number_over_4300_digits_is_coded_in_validate_and_eval(tmp_path: Path, corpus: Path) -> None:
    line = json.dumps(record("fixture-0001")).replace('"start": 0', '"start": ' + "1" * 5000)
    preds = tmp_path / "p.jsonl"
    preds.write_text(line + "\n", encoding="utf-8")
    result = invoke(["validate", preds])
    assert result.exit_code == 1 and "RPT-JSON-SYNTAX" in result.stdout
    refused(["eval", preds, "--gold", corpus, "--resamples", "0"], "RPT-JSON-SYNTAX")


def test_json_nested_too_deeply_is_coded(tmp_path: Path, corpus: Path) -> None:
    preds = tmp_path / "p.jsonl"
    preds.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    refused(["eval", preds, "--gold", corpus, "--resamples", "0"], "RPT-JSON-SYNTAX")


def test_a_text_over_a_million_characters_is_refused_alike_by_validate_eval_and_conll_export(tmp_path: Path) -> None:
    huge = record("fixture-0001")
    huge["text"] = huge["text"] + " x" * 500_000
    gold = write_json(tmp_path / "gold" / "fixture-0001.json", huge)
    result = invoke(["validate", gold, "--format", "json"])
    assert result.exit_code == 1
    assert {i["code"] for i in json.loads(result.stdout)["incidents"]} == {"RPT-TEXT-TOO-LONG"}
    preds = write_jsonl(tmp_path / "p.jsonl", [dict(huge, provenance={"layer": "prediction", "system": "s"})])
    refused(["eval", preds, "--gold", tmp_path / "gold", "--resamples", "0"], "RPT-TEXT-TOO-LONG")
    refused(["convert", "conll-export", gold, "--out", tmp_path / "x.conll"], "RPT-TEXT-TOO-LONG")
    assert not (tmp_path / "x.conll").exists()


def test_an_unreadable_file_is_coded(tmp_path: Path, corpus: Path) -> None:
    import os

    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    path = write_json(tmp_path / "d.json", record("fixture-0001"))
    path.chmod(0)
    try:
        refused(["show", path], "RPT-IO")
    finally:
        path.chmod(0o644)
    assert snapshot(tmp_path / "out") == {}
