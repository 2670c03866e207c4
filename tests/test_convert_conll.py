"""CoNLL BIO: export/import keeps every token-aligned span (nested ones in depth columns, ones
that cross a sentence end), reports every other one, reads CoNLL-2003-style and BIOES files,
and names the line and the fix of bad input."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reportedly.cli import app
from reportedly.convert.brat import ann_to_document, load_mapping
from reportedly.convert.conll import export_conll, import_conll
from reportedly.document import Document, Span, read_document, read_documents, read_jsonl, write_document
from reportedly.schema import Schema, load_schema
from reportedly.sentences import tokens

FIXTURES = Path(__file__).parent / "fixtures"
CONLL = FIXTURES / "conll"
GOLD = Path(__file__).resolve().parent.parent / "corpus" / "documents"
runner = CliRunner()


def _doc(doc_id: str, text: str, pieces: list[tuple[str, str, int]]) -> Document:
    """Spans given as (label, text, occurrence)."""
    spans = []
    for number, (label, piece, nth) in enumerate(pieces, start=1):
        start = -1
        for _ in range(nth):
            start = text.index(piece, start + 1)
        spans.append(Span(f"T{number}", label, start, start + len(piece), piece, {}))
    return Document(doc_id, text, {}, tuple(spans))


def _documents(schema: Schema) -> list[Document]:
    text = (FIXTURES / "brat" / "layers" / "wire-fixture.txt").read_bytes().decode("utf-8")
    ann = (FIXTURES / "brat" / "layers" / "wire-fixture.a1.ann").read_text(encoding="utf-8")
    wire = ann_to_document(text, ann, doc_id="wire-fixture", mapping=load_mapping("reportedly", schema)).document
    assert wire is not None
    nested = _doc(
        "nested",
        "Officials said the minister confirmed that talks may resume. \u201cWe agree. We sign,\u201d she said.",
        [
            ("CLAIM", "the minister confirmed that talks may resume", 1),
            ("CLAIM", "talks may resume", 1),
            ("CLAIM", "talks", 1),
            ("HEDGE", "may", 1),
            ("SOURCE", "Officials", 1),
            ("SOURCE", "the minister", 1),
            ("CUE", "said", 1),
            ("CUE", "confirmed", 1),
            ("CLAIM", "We agree. We sign", 1),  # crosses a sentence end
            ("SOURCE", "she", 1),
            ("CUE", "said", 2),
            ("HEDGE", "ay", 1),  # not token-aligned: reported, left out
            ("SOURCE", "ministe", 1),
        ],
    )
    gold = [read_document(p) for p in sorted(GOLD.glob("*.json"))] if GOLD.is_dir() else []
    return [read_document(FIXTURES / "valid" / "minimal.json"), wire, nested, *gold]


def _aligned(doc: Document) -> set[int]:
    toks = tokens(doc.text)
    starts, ends = {s for s, _ in toks}, {e for _, e in toks}
    return {i for i, s in enumerate(doc.spans) if s.start in starts and s.end in ends}


def test_export_import_keeps_every_token_aligned_span(schema: Schema) -> None:
    docs = _documents(schema)
    exported = export_conll(docs, labels=schema.label_names)
    assert exported.columns == ("CLAIM", "CLAIM.2", "CLAIM.3", "SOURCE", "CUE", "HEDGE")
    lost = {(i.code, i.message) for i in exported.issues}
    expected_lost = {
        ("RPT-CONLL-NOT-TOKEN-ALIGNED", f"document {d.id}: {s.label} {s.id} [{s.start}, {s.end}) {s.text!r} left out")
        for d in docs
        for i, s in enumerate(d.spans)
        if i not in _aligned(d)
    }
    assert lost == expected_lost and len(expected_lost) >= 2
    back = import_conll(exported.text, labels=schema.label_names, sources={d.id: d for d in docs})
    assert back.issues == ()
    assert [d.id for d in back.documents] == [d.id for d in docs]
    for original, imported in zip(docs, back.documents, strict=True):
        kept = Counter((s.label, s.start, s.end) for i, s in enumerate(original.spans) if i in _aligned(original))
        assert Counter((s.label, s.start, s.end) for s in imported.spans) == kept
        assert imported.text == original.text and imported.meta == original.meta
        assert all(imported.text[s.start : s.end] == s.text for s in imported.spans)
    assert exported.exported == sum(len(d.spans) for d in back.documents)


def test_export_format(schema: Schema) -> None:
    nested = _documents(schema)[2]
    text = export_conll([nested], labels=["CLAIM", "HEDGE"]).text
    lines = text.splitlines()
    assert lines[:4] == [
        "# global.columns = TOKEN CLAIM CLAIM.2 CLAIM.3 HEDGE",
        "# newdoc id = nested",
        "# sent_id = nested:1",
        "Officials\tO\tO\tO\tO",
    ]
    assert "talks\tI-CLAIM\tB-CLAIM\tB-CLAIM\tO" in lines and "may\tI-CLAIM\tI-CLAIM\tO\tB-HEDGE" in lines
    second = lines.index("# sent_id = nested:3")
    assert lines[second + 1] == "We\tI-CLAIM\tO\tO\tO"  # the two-sentence quote goes on with I-


def test_bioes_and_bio_repair(schema: Schema) -> None:
    result = import_conll((CONLL / "bioes.conll").read_text(encoding="utf-8"), labels=schema.label_names)
    (doc,) = result.documents
    assert doc.text == "Prices may rise .\nThey said so ."
    assert [(s.label, s.text) for s in doc.spans] == [("CLAIM", "Prices may rise"), ("HEDGE", "may"), ("CLAIM", "so")]
    repaired = import_conll("a\tO\nb\tI-CLAIM\nc\tI-CLAIM\nd\tI-HEDGE\n", labels=schema.label_names, file="x.conll")
    assert [(i.code, i.line) for i in repaired.issues] == [("RPT-CONLL-BIO", 2), ("RPT-CONLL-BIO", 4)]
    assert [(s.label, s.text) for s in repaired.documents[0].spans] == [("CLAIM", "b c"), ("HEDGE", "d")]
    assert repaired.documents[0].id == "x"


def test_conll2003_style_with_tag_column(tmp_path: Path) -> None:
    source = CONLL / "conll2003-style.conll"
    out = tmp_path / "docs"
    result = runner.invoke(app, ["convert", "conll-import", str(source), "--out", str(out), "--system", "s"])
    assert result.exit_code == 1 and "--tag-column" in result.stderr
    assert "more value(s) that are not tags" in result.stderr
    result = runner.invoke(
        app, ["convert", "conll-import", str(source), "--tag-column", "4", "--out", str(out), "--annotator", "ext"]
    )
    assert result.exit_code == 0, result.stderr
    docs = read_documents(out)
    assert [d.id for d in docs] == ["conll2003-style-1", "conll2003-style-2"]
    assert docs[0].text == "Officials said about 40 ships left .\nThey added ."
    assert [(s.label, s.text) for s in docs[1].spans] == [("HEDGE", "may")]
    assert docs[0].provenance["method"] == "imported from CoNLL BIO" and docs[0].meta == {"origin": "user_supplied"}


def test_cli_round_trip_with_texts(tmp_path: Path, schema: Schema) -> None:
    docs = _documents(schema)
    texts = tmp_path / "texts"
    for doc in docs:
        write_document(texts / f"{doc.id}.json", doc)
    conll = tmp_path / "all.conll"
    result = runner.invoke(app, ["convert", "conll-export", str(texts), "--out", str(conll)])
    assert result.exit_code == 0, result.stderr
    assert "RPT-CONLL-NOT-TOKEN-ALIGNED" in result.stderr and "span(s) left out" in result.stdout
    preds = tmp_path / "preds.jsonl"
    result = runner.invoke(
        app, ["convert", "conll-import", str(conll), "--texts", str(texts), "--system", "crf", "--out", str(preds)]
    )
    assert result.exit_code == 0, result.stderr
    imported = {d.id: d for d in read_jsonl(preds)}
    assert imported["fixture-0001"].provenance == {
        "layer": "prediction",
        "system": "crf",
        "schema_version": load_schema().version,
    }
    assert len(imported["nested"].spans) == len(docs[2].spans) - 2
    result = runner.invoke(app, ["convert", "conll-export", str(texts), "--out", str(conll), "--label", "CUE"])
    assert result.exit_code == 1 and "RPT-OUT-EXISTS" in result.stderr
    assert (
        runner.invoke(app, ["convert", "conll-export", str(texts), "--out", str(conll), "--label", "RUMOUR"]).exit_code
        == 1
    )


@pytest.mark.parametrize(("name", "line"), [("RPT-CONLL-PARSE", 4), ("RPT-CONLL-TAG", 4), ("RPT-CONLL-TEXT", 4)])
def test_bad_input_names_file_line_and_fix(tmp_path: Path, name: str, line: int) -> None:
    path = CONLL / f"{name}.conll"
    args = ["convert", "conll-import", str(path), "--system", "s", "--out", str(tmp_path / "o.jsonl")]
    if name == "RPT-CONLL-TEXT":
        args += ["--texts", str(FIXTURES / "valid" / "minimal.json")]
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and not (tmp_path / "o.jsonl").exists()
    assert f"{path}:{line}: error {name}" in result.stderr and "Fix:" in result.stderr


def test_unknown_document_and_tokens_past_the_text(schema: Schema) -> None:
    sources = {"d": Document("d", "Officials said so.", {}, ())}
    result = import_conll("# newdoc id = e\nx\tO\n", labels=schema.label_names, sources=sources, file="f")
    assert [(i.code, i.line) for i in result.issues] == [("RPT-CONLL-DOC", 1)]
    result = import_conll("# newdoc id = d\nOfficials\tO\nsaid\tO\n", labels=schema.label_names, sources=sources)
    assert [i.code for i in result.issues] == ["RPT-CONLL-TEXT"] and "goes on with 'so.'" in result.issues[0].message
