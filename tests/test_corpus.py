"""The corpus model: what it reads, work in progress, and that nothing else reads a corpus folder."""

from __future__ import annotations

import ast
from pathlib import Path

import reportedly
from reportedly.corpus import ADJUDICATION, AGREEMENT, DOCUMENTS, LAYERS, README, SPLITS, UNVERSIONED, VERSION, Corpus
from reportedly.document import Document, make_span, write_document
from reportedly.schema import Schema, load_schema
from reportedly.validate import validate_paths

PACKAGE = Path(reportedly.__file__).parent
PARTS = {DOCUMENTS, LAYERS, SPLITS, ADJUDICATION, VERSION, README, AGREEMENT}
PART_NAMES = {"DOCUMENTS", "LAYERS", "SPLITS", "ADJUDICATION", "VERSION", "README", "AGREEMENT"}


def _joins_into_a_corpus(path: Path) -> list[int]:
    """Lines that build a path into a corpus folder (``x / "documents"`` and the like)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            right = node.right
            literal = isinstance(right, ast.Constant) and isinstance(right.value, str)
            if (literal and str(right.value).split("/")[0] in PARTS) or (
                isinstance(right, ast.Name) and right.id in PART_NAMES
            ):
                lines.append(node.lineno)
    return lines


def test_no_module_but_corpus_py_reads_a_corpus_folder() -> None:
    offenders = {
        str(p.relative_to(PACKAGE)): _joins_into_a_corpus(p)
        for p in sorted(PACKAGE.rglob("*.py"))
        if p != PACKAGE / "corpus.py"
    }
    assert {k: v for k, v in offenders.items() if v} == {}
    assert _joins_into_a_corpus(PACKAGE / "corpus.py")  # the scan does see joins


def _doc(doc_id: str, layer: str, annotator: str | None = None) -> Document:
    text = "Officials said the port may close."
    provenance = {"layer": layer, "annotators": [annotator or "a1"], "method": "test"}
    spans = (make_span(text, "U1", "CUE", 10, 14),)
    return Document(doc_id, text, {"genre": "wire"}, spans, (), provenance)


def test_a_corpus_in_progress_reads_and_validates(tmp_path: Path, schema: Schema) -> None:
    """Gold for one text, layers for two (one not yet adjudicated), no splits, no version."""
    root = tmp_path / "corpus"
    write_document(root / DOCUMENTS / "wire-0001.json", _doc("wire-0001", "gold"))
    for annotator in ("a1", "a2"):
        for doc_id in ("wire-0001", "wire-0002"):
            write_document(root / LAYERS / annotator / f"{doc_id}.json", _doc(doc_id, "annotation", annotator))
    write_document(root / LAYERS / "a3" / "wire-0001.json", _doc("wire-0001", "audit", "a3"))
    (root / "drafts").mkdir()  # a folder this version does not know is ignored
    corpus = Corpus(root)
    assert list(corpus.documents) == ["wire-0001"]
    assert {name: sorted(docs) for name, docs in corpus.layers.items()} == {
        "a1": ["wire-0001", "wire-0002"],
        "a2": ["wire-0001", "wire-0002"],
        "a3": ["wire-0001"],
    }
    assert corpus.splits == {} and corpus.version == UNVERSIONED and corpus.adjudication == {}
    codes = [i.code for i in validate_paths([root], schema).incidents]
    assert codes == ["RPT-LAYER-ORPHAN", "RPT-LAYER-ORPHAN"]  # a warning each: the text awaits its gold


def test_an_adjudicated_corpus_keeps_each_gold_documents_layers_and_record(tmp_path: Path, schema: Schema) -> None:
    root = tmp_path / "corpus"
    for doc_id in ("wire-0001", "wire-0002", "wire-0003"):
        write_document(root / DOCUMENTS / f"{doc_id}.json", _doc(doc_id, "gold"))
        write_document(root / LAYERS / "a1" / f"{doc_id}.json", _doc(doc_id, "annotation", "a1"))
    write_document(root / LAYERS / "a2" / "wire-0001.json", _doc("wire-0001", "annotation", "a2"))
    write_document(root / LAYERS / "a2" / "wire-0002.json", _doc("wire-0002", "annotation", "a2"))
    write_document(root / LAYERS / "au1" / "wire-0003.json", _doc("wire-0003", "audit", "au1"))  # no second layer
    assert [i.code for i in validate_paths([root], schema).incidents] == []  # no records kept: nothing to check
    (root / "adjudication").mkdir()
    for doc_id in ("wire-0001", "wire-0003"):
        (root / "adjudication" / f"{doc_id}.json").write_text("{}", encoding="utf-8")
    found = [(i.code, i.doc_id) for i in validate_paths([root], schema).incidents]
    assert found == [("RPT-GOLD-RECORD", "wire-0002"), ("RPT-GOLD-LAYERS", "wire-0003")]


def test_the_real_corpus(root: Path) -> None:
    corpus = Corpus(root / "corpus")
    assert set(corpus.splits) == {"train", "dev", "test"}
    assert sorted(i for ids in corpus.splits.values() for i in ids) == sorted(corpus.documents)
    assert set(corpus.layers) >= {"a1", "a2"}
    assert set(corpus.adjudication) <= set(corpus.documents)
    codes = {i.code for i in validate_paths([root / "corpus"], load_schema()).incidents}
    assert not codes & {"RPT-GOLD-LAYERS", "RPT-GOLD-RECORD"}  # two layers and a record for every gold document
