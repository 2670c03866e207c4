"""``reportedly convert text``: plain text and JSONL records into unannotated, valid documents."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from reportedly.cli import app
from reportedly.convert.labelstudio import read_inputs
from reportedly.convert.plain import import_texts, slug
from reportedly.document import document_to_dict, read_documents, read_jsonl
from reportedly.schema import Schema
from reportedly.validate import validate_record

runner = CliRunner()


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "Port report (draft).txt").write_bytes("\ufeffShips waited \U0001f6a2.\r\nZoe\u0308 said so.\r\n".encode())
    (inbox / "wire-0001.txt").write_text("Officials said the deal was close.", encoding="utf-8")
    records = [
        {"id": "feat-1", "text": "A feature.", "title": "A title", "meta": {"topic": "health"}},
        {"text": "No id here.", "url": "https://example.org"},
    ]
    (inbox / "batch.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return inbox


def test_texts_become_valid_unannotated_documents(tmp_path: Path, schema: Schema) -> None:
    result = import_texts([_inbox(tmp_path)], meta={"genre": "wire"}, schema_version=schema.version)
    assert [(i.code, i.line) for i in result.issues] == [("RPT-TEXT-ID-CHANGED", None), ("RPT-TEXT-FIELD", 2)]
    docs = {d.id: d for d in result.documents}
    assert sorted(docs) == ["Port-report-draft", "batch-2", "feat-1", "wire-0001"]
    port = docs["Port-report-draft"]
    assert port.text == "Ships waited \U0001f6a2.\r\nZoe\u0308 said so.\r\n"  # BOM dropped, CRLF kept
    assert port.meta == {"origin": "user_supplied", "lang": "en", "genre": "wire"}
    assert docs["feat-1"].meta == {
        "origin": "user_supplied",
        "lang": "en",
        "genre": "wire",
        "topic": "health",
        "title": "A title",
    }
    assert port.provenance == {
        "layer": "candidate",
        "method": "imported from Port report (draft).txt",
        "schema_version": schema.version,
    }
    for doc in docs.values():
        assert doc.spans == () and doc.relations == ()
        assert validate_record(document_to_dict(doc), schema)[0] == []


def test_cli_writes_documents_studio_push_reads(tmp_path: Path) -> None:
    inbox, out = _inbox(tmp_path), tmp_path / "new"
    result = runner.invoke(
        app, ["convert", "text", str(inbox), "--meta", "genre=wire", "--id-prefix", "new-", "--out", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    assert "4 document(s)" in result.stdout
    docs = read_documents(out)
    assert [d.id for d in docs] == ["new-Port-report-draft", "new-batch-2", "new-feat-1", "new-wire-0001"]
    assert [d.id for d in read_inputs([out])] == [d.id for d in docs]
    jsonl = tmp_path / "new.jsonl"
    assert runner.invoke(app, ["convert", "text", str(inbox / "batch.jsonl"), "--out", str(jsonl)]).exit_code == 0
    assert [d.id for d in read_jsonl(jsonl)] == ["feat-1", "batch-2"]
    jsonl.write_text("mine\n", encoding="utf-8")
    result = runner.invoke(app, ["convert", "text", str(inbox / "batch.jsonl"), "--out", str(jsonl)])
    assert result.exit_code == 1 and "RPT-OUT-EXISTS" in result.stderr
    assert jsonl.read_text(encoding="utf-8") == "mine\n"


def test_bad_records_name_file_line_and_fix(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"id": "a", "text": "ok"}\n{"id": "a", "text": "again"}\n{"text": 5}\n\n{"id": "b c", '
        '"text": "x"}\n{"id": "d", "text": "  "}\nnot json\n{"id": "e", "text": "x", "meta": []}\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["convert", "text", str(bad), "--out", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 1 and not (tmp_path / "o.jsonl").exists()
    for line, code in [
        (2, "RPT-TEXT-ID"),
        (3, "RPT-TEXT-PARSE"),
        (5, "RPT-TEXT-ID"),
        (6, "RPT-TEXT-EMPTY"),
        (7, "RPT-TEXT-PARSE"),
        (8, "RPT-TEXT-PARSE"),
    ]:
        assert f"{bad}:{line}: error {code}" in result.stderr
    assert result.stderr.count("Fix:") >= 6


def test_meta_is_validated_and_options_checked(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    result = runner.invoke(app, ["convert", "text", str(inbox), "--meta", "genre=poetry", "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "RPT-META-VALUE" in result.stderr
    result = runner.invoke(app, ["convert", "text", str(inbox), "--meta", "genre", "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "KEY=VALUE" in result.stderr
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Minist\u00e8res".encode("latin-1"))
    result = runner.invoke(
        app, ["convert", "text", str(latin), str(tmp_path / "none.txt"), "--out", str(tmp_path / "o")]
    )
    assert "RPT-ENCODING" in result.stderr and "no such file or folder" in result.stderr


def test_slug() -> None:
    assert slug("Port report (draft)") == "Port-report-draft"
    assert slug("...") == "doc"
