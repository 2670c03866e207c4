"""The ``plan_*`` functions behind ``reportedly convert``: which files, with which content, under
which names; the corpus manifest; the gold texts next to the layers; nothing planned after an
error; and every path made from an id or annotator name kept inside the output folder.

The commands' printed output is tested with each converter (test_convert_*.py, test_quotes.py,
test_corpora.py); these tests call the library alone, and nothing is written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from reportedly.convert.brat import load_mapping, plan_brat_export, plan_brat_import
from reportedly.convert.conll_plan import plan_conll_export, plan_conll_import
from reportedly.convert.output import document_files, read_input_documents
from reportedly.convert.plain import plan_text_import
from reportedly.convert.strings import plan_quote_alignment
from reportedly.convert.uncertainty import plan_uncertainty_import
from reportedly.document import Document, dumps_document, read_document, write_document
from reportedly.incidents import ReportedlyError
from reportedly.manifest import MANIFEST
from reportedly.schema import Schema

FIXTURES = Path(__file__).parent / "fixtures"
BRAT = FIXTURES / "brat"
DOCUMENTS = FIXTURES / "valid" / "corpus" / "documents"


def _documents_with_text(folder: Path, doc_id: str, text: str) -> Path:
    write_document(folder / f"{doc_id}.json", Document(doc_id, text, {"genre": "wire"}))
    return folder


# --- brat ---------------------------------------------------------------------------------------


def test_brat_import_plans_one_file_per_annotator_and_document(tmp_path: Path, schema: Schema) -> None:
    out = tmp_path / "corpus" / "layers"
    plan = plan_brat_import(BRAT / "layers", out, schema=schema, mapping=load_mapping("reportedly", schema))
    assert plan.writable and plan.issues == () and plan.checked.incidents == []
    assert plan.layers == 2 and plan.annotators == ("a1", "a2") and plan.gold is None
    assert sorted(plan.files) == [out / "a1" / "wire-fixture.json", out / "a2" / "wire-fixture.json"]
    layer = json.loads(plan.files[out / "a1" / "wire-fixture.json"])
    assert layer["provenance"]["annotators"] == ["a1"]
    assert not out.exists()  # a plan writes nothing


def test_brat_import_of_a_narrower_scheme_plans_a_manifest_per_annotator(tmp_path: Path, schema: Schema) -> None:
    out = tmp_path / "layers"
    mapping = load_mapping("attribution", schema)
    args = {"schema": schema, "mapping": mapping, "annotator": "a1", "discontinuous": "merge"}
    refused = plan_brat_import(BRAT / "attribution", out, **args)  # type: ignore[arg-type]
    assert not refused.writable and refused.files == {}
    assert {i.code for i in refused.checked.errors} == {"RPT-ATTR-MISSING"}
    plan = plan_brat_import(BRAT / "attribution", out, allow_missing_attrs=True, **args)  # type: ignore[arg-type]
    assert plan.writable and plan.checked.missing_attributes > 0
    assert sorted(plan.files) == [out / "a1" / MANIFEST, out / "a1" / "parc-like.json"]
    manifest = yaml.safe_load(plan.files[out / "a1" / MANIFEST])
    assert manifest["name"] == "attribution"
    assert set(manifest["attributes"]) < {a.name for a in schema.attributes}  # attribution fills fewer attributes


def test_brat_import_checks_the_texts_against_the_documents_next_to_the_layers(tmp_path: Path, schema: Schema) -> None:
    corpus = tmp_path / "corpus"
    text = (BRAT / "layers" / "wire-fixture.txt").read_bytes().decode("utf-8")
    documents = _documents_with_text(corpus / "documents", "wire-fixture", text)
    mapping = load_mapping("reportedly", schema)
    plan = plan_brat_import(BRAT / "layers", corpus / "layers", schema=schema, mapping=mapping)
    assert plan.gold == documents and plan.writable
    assert all(json.loads(content)["meta"] == {"genre": "wire"} for content in plan.files.values())  # gold meta copied
    _documents_with_text(documents, "wire-fixture", text + "!")
    plan = plan_brat_import(BRAT / "layers", corpus / "layers", schema=schema, mapping=mapping)
    assert [i.code for i in plan.issues] == ["RPT-BRAT-GOLD-TEXT"]
    assert plan.files == {} and plan.checked.incidents == []  # no check once the conversion failed
    with pytest.raises(ReportedlyError) as raised:
        plan_brat_import(BRAT / "layers", corpus / "layers", schema=schema, mapping=mapping, gold=tmp_path / "none")
    assert raised.value.code == "RPT-PATH-MISSING" and str(raised.value).startswith("cannot read gold documents ")


def test_brat_import_refuses_an_annotator_folder_that_links_outside(tmp_path: Path, schema: Schema) -> None:
    out, elsewhere = tmp_path / "layers", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    os.symlink(elsewhere, out / "a1")
    with pytest.raises(ReportedlyError) as raised:
        plan_brat_import(BRAT / "layers", out, schema=schema, mapping=load_mapping("reportedly", schema))
    assert raised.value.code == "RPT-PATH-ESCAPE"


def test_brat_export_plans_its_files_inside_the_folder(tmp_path: Path, schema: Schema) -> None:
    layers = tmp_path / "layers"
    write_document(
        layers / "x.json",
        Document("d1", "Officials said so.", {}, provenance={"layer": "annotation", "annotators": ["a1"]}),
    )
    mapping = load_mapping("reportedly", schema)
    out = tmp_path / "brat"
    plan = plan_brat_export([layers], out, schema=schema, mapping=mapping, by_annotator=True)
    assert plan.documents == 1
    assert sorted(p.name for p in plan.files) == ["annotation.conf", "d1.a1.ann", "d1.txt", "visual.conf"]
    assert all(p.parent == out for p in plan.files)
    for separator in ("/", "/../../X"):  # a name is one plain file name: no sub-folders, no way out
        with pytest.raises(ReportedlyError) as raised:
            plan_brat_export([layers], out, schema=schema, mapping=mapping, by_annotator=True, separator=separator)
        assert raised.value.code == "RPT-PATH-ESCAPE"


# --- documents in, documents out ------------------------------------------------------------------


def test_read_input_documents_names_what_it_could_not_read(tmp_path: Path) -> None:
    assert [d.id for d in read_input_documents([DOCUMENTS, DOCUMENTS], "documents")] == ["fixture-0001"] * 2
    with pytest.raises(ReportedlyError) as raised:
        read_input_documents([DOCUMENTS, tmp_path / "none.json"], "texts")
    assert raised.value.code == "RPT-PATH-MISSING"
    assert str(raised.value).startswith(f"cannot read texts {tmp_path / 'none.json'}: ")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(ReportedlyError) as raised:
        read_input_documents([tmp_path / "bad.json"], "documents")
    assert raised.value.code == "RPT-JSON-SYNTAX"


def test_document_files_join_each_id_inside_the_folder(tmp_path: Path) -> None:
    doc = read_document(DOCUMENTS / "fixture-0001.json")
    out = tmp_path / "docs"
    assert document_files([doc], out) == {out / "fixture-0001.json": dumps_document(doc)}
    assert list(document_files([doc, doc], tmp_path / "all.jsonl")) == [tmp_path / "all.jsonl"]
    with pytest.raises(ReportedlyError) as raised:
        document_files([Document("../x", "A text.", {})], out)
    assert raised.value.code == "RPT-ID-INVALID"
    out.mkdir()
    os.symlink(tmp_path, out / "fixture-0001.json")
    with pytest.raises(ReportedlyError) as raised:
        document_files([doc], out)
    assert raised.value.code == "RPT-PATH-ESCAPE"


def test_text_import_plans_documents_and_keeps_warnings(tmp_path: Path, schema: Schema) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a story.txt").write_text("Officials said so.", encoding="utf-8")
    plan = plan_text_import([inbox], tmp_path / "docs", schema=schema, meta={"genre": "wire"}, id_prefix="n-")
    assert [i.code for i in plan.issues] == ["RPT-TEXT-ID-CHANGED"] and plan.writable
    assert plan.documents == 1 and list(plan.files) == [tmp_path / "docs" / "n-a-story.json"]
    refused = plan_text_import([inbox], tmp_path / "docs", schema=schema, meta={"genre": "poetry"})
    assert {i.code for i in refused.checked.errors} == {"RPT-META-VALUE"} and refused.files == {}


def test_quote_alignment_is_all_or_nothing_for_an_annotator(tmp_path: Path, schema: Schema) -> None:
    texts = _documents_with_text(tmp_path / "texts", "d1", "Officials said so, officials said.")
    quotes = tmp_path / "q.jsonl"
    quotes.write_text(json.dumps({"id": "d1", "spans": [{"id": "U1", "label": "CUE", "text": "said"}]}) + "\n")
    common = {"texts": texts, "schema": schema, "mode": "strict", "fuzzy": None, "fuzzy_threshold": 85.0}
    layer = plan_quote_alignment(  # type: ignore[arg-type]
        [quotes], tmp_path / "l", annotator="a1", method="pass", system=None, **common
    )
    assert layer.incomplete and len(layer.unaligned) == 1 and layer.files == {}
    preds = plan_quote_alignment(  # type: ignore[arg-type]
        [quotes], tmp_path / "p.jsonl", annotator=None, method=None, system="llm", **common
    )
    assert not preds.incomplete and preds.writable and preds.documents == 1 and preds.spans == 0
    (record,) = [json.loads(line) for line in preds.files[tmp_path / "p.jsonl"].splitlines()]
    assert record["provenance"]["alignment"]["unaligned"][0]["reason"] == "ambiguous"
    with pytest.raises(ReportedlyError) as raised:
        plan_quote_alignment([quotes], tmp_path / "o", annotator="a1", method="m", system="s", **common)  # type: ignore[arg-type]
    assert raised.value.code == "RPT-CLI-OPTION"


# --- CoNLL and uncertainty XML --------------------------------------------------------------------


def test_conll_export_refuses_broken_documents_before_exporting(tmp_path: Path, schema: Schema) -> None:
    out = tmp_path / "c.conll"
    plan = plan_conll_export([DOCUMENTS], out, schema=schema, labels=["CUE"])
    assert plan.writable and plan.documents == 1 and plan.exported == 2 and plan.columns == ("CUE",)
    assert list(plan.files) == [out] and plan.files[out].startswith("# global.columns = TOKEN CUE\n")
    broken = plan_conll_export([FIXTURES / "invalid" / "RPT-OFFSET-MISMATCH"], out, schema=schema, labels=["CUE"])
    assert {i.code for i in broken.checked.errors} == {"RPT-OFFSET-MISMATCH"} and broken.files == {}


def test_conll_import_plans_documents_and_reports_unreadable_files(tmp_path: Path, schema: Schema) -> None:
    source = FIXTURES / "conll" / "conll2003-style.conll"
    plan = plan_conll_import([source], tmp_path / "p.jsonl", schema=schema, system="crf", tag_columns=[4])
    assert plan.writable and plan.documents == 2 and plan.spans == 6 and list(plan.files) == [tmp_path / "p.jsonl"]
    (tmp_path / "bad.conll").write_bytes(b"\xff\xfe x\n")
    plan = plan_conll_import([tmp_path / "bad.conll"], tmp_path / "p", schema=schema, system="crf")
    assert [i.code for i in plan.issues] == ["RPT-ENCODING"] and plan.files == {}
    with pytest.raises(ReportedlyError) as raised:
        plan_conll_import([tmp_path / "none.conll"], tmp_path / "p", schema=schema, system="crf")
    assert raised.value.code == "RPT-PATH-MISSING" and str(raised.value).startswith(f"{tmp_path / 'none.conll'}: ")


def test_uncertainty_import_plans_a_manifest_for_a_folder_only(tmp_path: Path, schema: Schema) -> None:
    xml = FIXTURES / "uncertainty" / "szeged-like.xml"
    folder = plan_uncertainty_import(xml, tmp_path / "gold", schema=schema)
    assert folder.writable and folder.documents == 2 and folder.hedges == 7 and folder.cues == 10
    assert sum(folder.skipped.values()) == 3
    assert yaml.safe_load(folder.files[tmp_path / "gold" / MANIFEST])["labels"] == ["HEDGE"]
    jsonl = plan_uncertainty_import(xml, tmp_path / "g.jsonl", schema=schema)
    assert list(jsonl.files) == [tmp_path / "g.jsonl"]
    with pytest.raises(ReportedlyError) as raised:
        plan_uncertainty_import(tmp_path / "none.xml", tmp_path / "g", schema=schema)
    assert raised.value.code == "RPT-PATH-MISSING"
