"""Documents: JSON and JSONL round trips, atomic writes, offsets in code points and other units."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportedly.document import (
    Document,
    Relation,
    byte_offset,
    codepoint_offset_from_utf16,
    jsonl_lines,
    make_span,
    read_document,
    read_jsonl,
    utf16_offset,
    write_document,
    write_jsonl,
)
from reportedly.incidents import ReportedlyError
from reportedly.predict import read_inputs
from reportedly.schema import Schema
from reportedly.validate import validate_paths

TEXT = "Officials said 🚀 launches may resume. Café owners, Zoë said, were “relieved”.\r\nDone."


def _doc(doc_id: str = "t-1") -> Document:
    start = TEXT.index("launches")
    return Document(
        id=doc_id,
        text=TEXT,
        meta={"genre": "wire"},
        spans=(
            make_span(TEXT, "C1", "CLAIM", start - 2, TEXT.index("."), quote="indirect"),
            make_span(TEXT, "S1", "SOURCE", 0, 9, source_type="unnamed_group", anonymity_reason="not_given"),
        ),
        relations=(Relation("attributed_to", "C1", "S1"),),
        provenance={"layer": "gold", "annotators": ["x"], "method": "test"},
    )


def test_json_round_trip_is_exact_and_pretty(tmp_path: Path) -> None:
    path = tmp_path / "t-1.json"
    assert write_document(path, _doc())
    again = read_document(path)
    assert again == _doc()
    assert again.span("C1").text.startswith("🚀 launches")
    content = path.read_text(encoding="utf-8")
    assert "🚀" in content and content.endswith("}\n") and '\n  "spans": [' in content
    assert not write_document(path, again), "an unchanged document is not rewritten"


def test_spans_are_written_in_document_order(tmp_path: Path) -> None:
    path = tmp_path / "t-1.json"
    write_document(path, _doc())
    assert [s.id for s in read_document(path).spans] == ["S1", "C1"]


def test_jsonl_round_trip_and_omitted_text(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    docs = [_doc("a"), _doc("b")]
    write_jsonl(path, docs)
    assert read_jsonl(path) == docs
    write_jsonl(path, docs, include_text=False)
    assert read_jsonl(path, texts={"a": TEXT, "b": TEXT}) == docs
    with pytest.raises(ReportedlyError, match="missing field 'text'"):
        read_jsonl(path)


def test_bad_jsonl_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text('{"id": "a", "text": "x", "spans": [], "relations": []}\n{"id": \n', encoding="utf-8")
    with pytest.raises(ReportedlyError) as excinfo:
        read_jsonl(path)
    assert excinfo.value.code == "RPT-JSON-SYNTAX"
    assert f"{path}:2" in str(excinfo.value)
    assert "at column 8:" in str(excinfo.value)  # the end of '{"id": ', not column 1 of a line after it


def test_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "t-1.json"
    write_document(path, _doc())
    before = path.read_text(encoding="utf-8")
    broken = Document("t-1", TEXT, meta={"bad": object()})
    with pytest.raises(TypeError):
        write_document(path, broken)
    assert path.read_text(encoding="utf-8") == before
    assert [p.name for p in tmp_path.iterdir()] == ["t-1.json"]


def test_touching_spans_do_not_overlap() -> None:
    a = make_span(TEXT, "A", "CUE", 0, 5)
    b = make_span(TEXT, "B", "CUE", 5, 9)
    assert not a.overlaps(b) and not b.overlaps(a)
    assert a.overlaps(make_span(TEXT, "C", "CUE", 4, 6))


def test_offset_units_with_astral_characters() -> None:
    after_rocket = TEXT.index("🚀") + 1
    assert utf16_offset(TEXT, after_rocket) == after_rocket + 1
    assert byte_offset(TEXT, after_rocket) == after_rocket + 3
    assert codepoint_offset_from_utf16(TEXT, after_rocket + 1) == after_rocket
    with pytest.raises(ValueError, match="surrogate"):
        codepoint_offset_from_utf16(TEXT, after_rocket)


@given(st.text(max_size=40), st.data())
def test_utf16_conversion_round_trips(text: str, data: st.DataObject) -> None:
    offset = data.draw(st.integers(0, len(text)))
    assert codepoint_offset_from_utf16(text, utf16_offset(text, offset)) == offset
    assert utf16_offset(text, offset) == len(text[:offset].encode("utf-16-le")) // 2


def test_written_files_get_the_usual_mode_and_keep_an_existing_one(tmp_path: Path) -> None:
    import os

    mask = os.umask(0o022)
    try:
        path = tmp_path / "new.json"
        write_document(path, _doc())
        assert path.stat().st_mode & 0o777 == 0o644
        path.chmod(0o640)
        write_document(path, _doc("t-2"))
        assert path.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(mask)


def test_every_jsonl_reader_keeps_a_line_separator_inside_a_string(tmp_path: Path, schema: Schema) -> None:
    """U+2028, U+0085 and U+000C may stand raw in a JSON string; only \\n ends a JSONL record."""
    text = "Officials said\u2028the ferry\u0085 may\x0cstop.\r"
    doc = Document("d1", text, spans=(make_span(text, "U1", "CUE", 10, 30),), provenance={"layer": "prediction"})
    path = tmp_path / "docs.jsonl"
    write_jsonl(path, [doc, Document("d2", "Two.")])
    assert len(path.read_text(encoding="utf-8").splitlines()) > 2  # what str.splitlines would make of it
    assert [d.id for d in read_jsonl(path)] == ["d1", "d2"] and read_jsonl(path)[0] == doc
    assert jsonl_lines(path.read_text(encoding="utf-8"))[:2] == [line.rstrip("\n") for line in path.open(newline="\n")]
    report = validate_paths([path], schema)
    assert [i.code for i in report.incidents if i.is_error] == []
    assert [d.id for d in read_inputs([path])] == ["d1", "d2"]
