"""brat standoff: several annotators to layers that `reportedly agree` scores, the attribution
scheme (events, attributes, discontinuous spans, notes, equivalences), round trips, code-point
offsets (emoji, combining marks, CRLF), and one minimal invalid folder per error code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reportedly.cli import app
from reportedly.convert.brat import (
    ann_to_document,
    brat_round_trip,
    bundled_mappings,
    document_to_ann,
    export_brat,
    import_brat_folder,
    load_mapping,
    mapping_from_dict,
    parse_ann,
)
from reportedly.convert.issues import CODES
from reportedly.document import Document, Relation, Span, document_to_dict, read_document, read_documents
from reportedly.incidents import ReportedlyError
from reportedly.schema import Schema
from reportedly.validate import validate_record

FIXTURES = Path(__file__).parent / "fixtures"
BRAT = FIXTURES / "brat"
INVALID = sorted(p for p in (BRAT / "invalid").iterdir() if p.is_dir())
runner = CliRunner()


@pytest.fixture(scope="module")
def identity(schema: Schema):  # type: ignore[no-untyped-def]
    return load_mapping("reportedly", schema)


@pytest.fixture(scope="module")
def attribution(schema: Schema):  # type: ignore[no-untyped-def]
    return load_mapping("attribution", schema)


def _layers(folder: Path) -> dict[str, dict[str, Document]]:
    return {d.name: {doc.id: doc for doc in read_documents(d)} for d in sorted(folder.iterdir()) if d.is_dir()}


# --- several annotators -> layers -> agreement ----------------------------------------------------


def test_annotators_become_layers_that_agree_scores(tmp_path: Path, schema: Schema) -> None:
    layers = tmp_path / "corpus" / "layers"
    result = runner.invoke(app, ["convert", "brat-import", str(BRAT / "layers"), "--out", str(layers)])
    assert result.exit_code == 0, result.stderr
    assert "2 layer(s) of 2 annotator(s) (a1, a2)" in result.stdout
    found = _layers(layers)
    assert set(found) == {"a1", "a2"} and set(found["a1"]) == set(found["a2"]) == {"wire-fixture"}
    for annotator, docs in found.items():
        for doc in docs.values():
            incidents, _ = validate_record(
                document_to_dict(doc), schema, expected_layer="annotation", annotator=annotator
            )
            assert incidents == []
            assert doc.provenance == {
                "layer": "annotation",
                "annotators": [annotator],
                "method": f"imported from brat standoff (wire-fixture.{annotator}.ann)",
                "schema_version": schema.version,
            }
    a1, a2 = found["a1"]["wire-fixture"], found["a2"]["wire-fixture"]
    assert len(a1.spans) == 17 and len(a2.spans) == 14 and len(a1.relations) == 13
    scores = tmp_path / "agreement.json"
    result = runner.invoke(app, ["agree", "--layers", str(layers), "--json", str(scores)])
    assert result.exit_code == 0, result.stderr
    assert "a1" in result.stdout and "a2" in result.stdout
    assert json.loads(scores.read_text(encoding="utf-8"))


def test_offsets_are_code_points_of_the_txt_with_cr(identity) -> None:  # type: ignore[no-untyped-def]
    text = (BRAT / "layers" / "wire-fixture.txt").read_bytes().decode("utf-8")
    assert "\r\n" in text and "\U0001f6a2" in text and "e\u0308" in text
    ann = (BRAT / "layers" / "wire-fixture.a1.ann").read_text(encoding="utf-8")
    doc = ann_to_document(text, ann, doc_id="wire-fixture", mapping=identity).document
    assert doc is not None
    martin = doc.span("T13")
    assert (martin.start, martin.end, martin.text) == (192, 211, "Captain Zoe\u0308 Mart\u00edn")
    assert all(doc.text[s.start : s.end] == s.text for s in doc.spans)


def test_plain_ann_needs_an_annotator(tmp_path: Path, schema: Schema, identity) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "brat"
    folder.mkdir()
    shutil.copy(BRAT / "layers" / "wire-fixture.txt", folder / "w.txt")
    shutil.copy(BRAT / "layers" / "wire-fixture.a1.ann", folder / "w.ann")
    result = import_brat_folder(folder, schema=schema, mapping=identity)
    assert [i.code for i in result.issues] == ["RPT-BRAT-FILES"] and result.layers == ()
    result = import_brat_folder(folder, schema=schema, mapping=identity, annotator="ext")
    assert [(layer.annotator, layer.document.id) for layer in result.layers] == [("ext", "w")]
    shutil.copy(BRAT / "layers" / "wire-fixture.a2.ann", folder / "w_b2.ann")
    (folder / "other.txt").write_text("no annotations", encoding="utf-8")
    result = import_brat_folder(folder, schema=schema, mapping=identity, annotator="ext", separator="_")
    assert sorted(layer.annotator for layer in result.layers) == ["b2", "ext"]
    assert [p.name for p in result.unannotated] == ["other.txt"]


def test_gold_text_must_match_and_gold_meta_is_kept(tmp_path: Path, schema: Schema) -> None:
    corpus = tmp_path / "corpus"
    text = (BRAT / "layers" / "wire-fixture.txt").read_bytes().decode("utf-8")
    gold = Document("wire-fixture", text, {"genre": "wire", "origin": "constructed"}, (), (), {"layer": "gold"})
    (corpus / "documents").mkdir(parents=True)
    (corpus / "documents" / "wire-fixture.json").write_text(json.dumps(document_to_dict(gold)), encoding="utf-8")
    result = runner.invoke(app, ["convert", "brat-import", str(BRAT / "layers"), "--out", str(corpus / "layers")])
    assert result.exit_code == 0, result.stderr
    assert "texts checked against" in result.stdout
    assert read_document(corpus / "layers" / "a1" / "wire-fixture.json").meta == gold.meta
    changed = Document("wire-fixture", text.replace("\r\n", "\n"), {}, (), (), {"layer": "gold"})
    (corpus / "documents" / "wire-fixture.json").write_text(json.dumps(document_to_dict(changed)), encoding="utf-8")
    result = runner.invoke(
        app, ["convert", "brat-import", str(BRAT / "layers"), "--out", str(corpus / "layers"), "--overwrite"]
    )
    assert result.exit_code == 1 and "RPT-BRAT-GOLD-TEXT" in result.stderr


def test_import_never_overwrites_without_overwrite(tmp_path: Path) -> None:
    layers = tmp_path / "layers"
    args = ["convert", "brat-import", str(BRAT / "layers"), "--out", str(layers)]
    assert runner.invoke(app, args).exit_code == 0
    target = layers / "a1" / "wire-fixture.json"
    target.write_text(target.read_text(encoding="utf-8").replace('"T1"', '"S1"'), encoding="utf-8")
    edited = target.read_text(encoding="utf-8")
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and "RPT-OUT-EXISTS" in result.stderr
    assert target.read_text(encoding="utf-8") == edited
    assert runner.invoke(app, [*args, "--overwrite"]).exit_code == 0
    assert '"T1"' in target.read_text(encoding="utf-8")


# --- the attribution scheme -----------------------------------------------------------------------


def _attribution(attribution, discontinuous: str = "merge"):  # type: ignore[no-untyped-def]
    text = (BRAT / "attribution" / "parc-like.txt").read_text(encoding="utf-8")
    ann = (BRAT / "attribution" / "parc-like.ann").read_text(encoding="utf-8")
    return ann_to_document(
        text, ann, doc_id="parc-like", mapping=attribution, ann_file="parc-like.ann", discontinuous=discontinuous
    )  # type: ignore[arg-type]


def test_attribution_events_become_claims_with_sources_and_cues(attribution) -> None:  # type: ignore[no-untyped-def]
    result = _attribution(attribution)
    doc = result.document
    assert doc is not None
    labels = {s.id: (s.label, s.text) for s in doc.spans}
    assert labels["T3"] == ("CLAIM", "ministers signed the declaration")
    assert labels["T2"] == ("CUE", "confirmed") and labels["T12"] == ("CUE", "added")
    assert labels["T10"] == ("HEDGE", "about")
    relations = set(doc.relations)
    assert {
        Relation("attributed_to", "T3", "T1"),
        Relation("introduced_by", "T3", "T2"),
        Relation("attributed_to", "T6", "T4"),
        Relation("introduced_by", "T6", "T5"),
        Relation("introduced_by", "T13", "T12"),
        Relation("same_source", "T11", "T1"),
    } <= relations
    assert len(doc.relations) == 9  # E4 names its cue twice (trigger and Cue role): one relation
    assert doc.span("T3").attrs == {"quote": "indirect"}  # A1 is on event E1: it goes to E1's Content
    assert doc.span("T6").attrs == {"quote": "indirect"}
    codes = [(i.code, i.line) for i in result.issues]
    assert ("RPT-BRAT-MERGED", 7) in codes and ("RPT-BRAT-NOTE", 22) in codes
    merged = doc.span("T7")
    assert merged.text == "The plan, officials said, will cost about 2\u00a0billion euros"


def test_discontinuous_spans_are_reported_never_merged_silently(attribution) -> None:  # type: ignore[no-untyped-def]
    result = _attribution(attribution, "error")
    assert result.document is None
    errors = [(i.code, i.line) for i in result.issues if i.level == "error"]
    assert errors == [("RPT-BRAT-DISCONTINUOUS", 7)]  # and no follow-on errors for E3, which uses T7
    skipped = _attribution(attribution, "skip").document
    assert skipped is not None and "T7" not in {s.id for s in skipped.spans}
    assert not any("T7" in (r.head, r.tail) for r in skipped.relations)


def test_attribution_layers_need_allow_missing_attrs(tmp_path: Path) -> None:
    args = [
        "convert",
        "brat-import",
        str(BRAT / "attribution"),
        "--out",
        str(tmp_path / "layers"),
        "--mapping",
        "attribution",
        "--annotator",
        "parc",
        "--discontinuous",
        "merge",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and "RPT-ATTR-MISSING" in result.stderr
    assert "parc-like.ann:1" in result.stderr  # the incident names the .ann line of the span
    result = runner.invoke(app, [*args, "--allow-missing-attrs"])
    assert result.exit_code == 0, result.stderr
    assert "11 required attribute value(s) missing" in result.stderr
    assert (tmp_path / "layers" / "parc" / "parc-like.json").is_file()


def test_mapping_defaults_and_ignore(schema: Schema) -> None:
    text = "The plan, officials said, will fail."
    ann = "T1\tSource 10 19\tofficials\nT2\tCue 20 24\tsaid\nT3\tFact 0 8\tThe plan\nA1\tMood T2 calm\n"
    mapping = mapping_from_dict(
        {
            "spans": {"Source": "SOURCE", "Cue": "CUE"},
            "ignore": ["Fact", "Mood"],
            "defaults": {"SOURCE": {"source_type": "unnamed_group"}},
        },
        schema,
    )
    result = ann_to_document(text, ann, doc_id="d", mapping=mapping)
    assert result.document is not None
    assert result.document.span("T1").attrs == {"source_type": "unnamed_group"}
    assert [(i.code, i.message) for i in result.issues] == [
        ("RPT-BRAT-IGNORED", "1 annotation(s) of 'Fact' (listed under ignore:)"),
        ("RPT-BRAT-IGNORED", "1 annotation(s) of 'Mood' (listed under ignore:)"),
    ]


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"spans": {"X": "RUMOUR"}}, "spans.X"),
        ({"attributes": {"Q": {"attribute": "quote", "values": {"D": "verbatim"}}}}, "attributes.Q.values.D"),
        ({"relations": {"R": {"relation": "cites"}}}, "relations.R.relation"),
        ({"events": {"E": {"roles": {}}}}, "events.E"),
        ({"defaults": {"CLAIM": {"source_type": "document"}}}, "defaults.CLAIM.source_type"),
        ({"colour": "red"}, "(top level)"),
    ],
)
def test_bad_mappings_name_the_key(schema: Schema, raw: dict[str, object], key: str) -> None:
    with pytest.raises(ReportedlyError) as caught:
        mapping_from_dict(raw, schema, where="m.yaml")
    (issue,) = caught.value.incidents
    assert issue.code == "RPT-BRAT-MAPPING" and issue.message.startswith(key) and issue.file == "m.yaml"


def test_bundled_mappings_load(schema: Schema) -> None:
    assert bundled_mappings() == ["attribution", "polnear", "reportedly"]
    for name in bundled_mappings():
        assert load_mapping(name, schema).name == name
    with pytest.raises(ReportedlyError, match="not a bundled mapping"):
        load_mapping("no-such-mapping", schema)


# --- round trips ----------------------------------------------------------------------------------


def _documents() -> list[Document]:
    docs = [read_document(FIXTURES / "valid" / "minimal.json")]
    text = "\u201cWe may\r\nleave\u201d, said Zoe\u0308 \U0001f6a2 \u2014 twice."

    def span(span_id: str, label: str, piece: str, **attrs: str) -> Span:
        start = text.index(piece)
        return Span(span_id, label, start, start + len(piece), piece, attrs)

    docs.append(
        Document(
            "odd-ids",
            text,
            {"genre": "wire"},
            (
                span("C-1", "CLAIM", "We may\r\nleave", quote="direct"),
                span("T9", "HEDGE", "may", hedge_type="modal", holder="source"),
                span("x", "CUE", "said"),
                span("T1", "SOURCE", "Zoe\u0308", source_type="named_person", anonymity_reason="not_applicable"),
            ),
            (
                Relation("attributed_to", "C-1", "T1"),
                Relation("hedges", "T9", "C-1"),
                Relation("introduced_by", "C-1", "x"),
            ),
            {"layer": "gold"},
        )
    )
    return docs


def test_ours_to_brat_to_ours_is_identical(schema: Schema, identity) -> None:  # type: ignore[no-untyped-def]
    gold = Path(__file__).resolve().parent.parent / "corpus" / "documents"
    for doc in [*_documents(), *(read_document(p) for p in sorted(gold.glob("*.json")))]:
        back = brat_round_trip(doc, schema=schema, mapping=identity)
        assert document_to_dict(back) == document_to_dict(doc)


def test_round_trip_through_files_is_byte_identical(tmp_path: Path) -> None:
    first, brat, second = tmp_path / "first", tmp_path / "brat", tmp_path / "second"
    assert runner.invoke(app, ["convert", "brat-import", str(BRAT / "layers"), "--out", str(first)]).exit_code == 0
    result = runner.invoke(
        app, ["convert", "brat-export", str(first / "a1"), str(first / "a2"), "--by-annotator", "--out", str(brat)]
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in brat.iterdir()) == [
        "annotation.conf",
        "visual.conf",
        "wire-fixture.a1.ann",
        "wire-fixture.a2.ann",
        "wire-fixture.txt",
    ]
    assert (brat / "wire-fixture.txt").read_bytes() == (BRAT / "layers" / "wire-fixture.txt").read_bytes()
    assert runner.invoke(app, ["convert", "brat-import", str(brat), "--out", str(second)]).exit_code == 0
    for path in sorted(first.rglob("*.json")):
        assert path.read_bytes() == (second / path.relative_to(first)).read_bytes()


def test_export_writes_a_brat_configuration(schema: Schema, identity) -> None:  # type: ignore[no-untyped-def]
    result = export_brat(_documents(), schema=schema, mapping=identity)
    assert result.issues == ()
    conf = result.files["annotation.conf"]
    assert "[entities]\nCLAIM\nSOURCE\nCUE\nHEDGE\n" in conf
    assert "attributed_to\tArg1:CLAIM, Arg2:SOURCE" in conf
    assert "source_type\tArg:SOURCE, Value:named_person|named_organization|" in conf
    assert "CLAIM\tbgColor:#" in result.files["visual.conf"]
    ann = result.files["odd-ids.ann"]
    assert "#1\tAnnotatorNotes T2\treportedly:id=C-1" in ann and "T9\tHEDGE 4 7\tmay" in ann
    assert "T2\tCLAIM 1 14\tWe may  leave\n" in ann  # line ends inside a span become spaces
    parsed, issues = parse_ann(ann)
    assert issues == [] and len(parsed.textbounds) == 4


def test_export_reports_what_the_mapping_cannot_write(schema: Schema, attribution) -> None:  # type: ignore[no-untyped-def]
    ann, issues = document_to_ann(_documents()[1], attribution)
    assert {i.code for i in issues} == {"RPT-BRAT-EXPORT"}
    assert any("attributed_to" in i.message for i in issues)
    assert "T2\tContent 1 14" in ann
    result = export_brat(_documents()[1:], schema=schema, mapping=attribution, by_annotator=True)
    assert [i.message for i in result.issues] == [
        "document odd-ids: --by-annotator needs provenance.annotators to hold one annotator id, not None"
    ]


# --- bad input --------------------------------------------------------------------------------------


def test_every_error_code_has_an_invalid_fixture() -> None:
    brat_errors = {code for code, c in CODES.items() if code.startswith("RPT-BRAT") and c.severity == "error"}
    covered_elsewhere = {"RPT-BRAT-MAPPING", "RPT-BRAT-EXPORT", "RPT-BRAT-GOLD-TEXT"}
    assert {p.name for p in INVALID} >= brat_errors - covered_elsewhere


@pytest.mark.parametrize("folder", INVALID, ids=[p.name for p in INVALID])
def test_invalid_fixture_gives_its_code_with_file_line_and_fix(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "layers"
    result = runner.invoke(app, ["convert", "brat-import", str(folder), "--out", str(out)])
    assert result.exit_code == 1
    assert not out.exists()
    lines = [line for line in result.stderr.splitlines() if folder.name in line and "Fix:" in line]
    assert lines, result.stderr
    line = lines[0]
    if folder.name.startswith("RPT-BRAT") and folder.name != "RPT-BRAT-FILES":
        assert f"{folder / 'doc.a1.ann'}:3: error {folder.name}" in line
    else:
        assert str(folder) in line


def test_offset_errors_say_which_unit_the_offsets_look_like(identity) -> None:  # type: ignore[no-untyped-def]
    text = "Ministers \U0001f6a2 said.\r\nOfficials denied it.\r\n"  # "denied" is [29, 35)
    cases = {
        "T1\tCUE 2 8\tdenied": "",
        "T1\tCUE 28 34\tdenied": "CRLF",
        "T1\tCUE 32 38\tdenied": "UTF-8 bytes",
        "T1\tCUE 30 36\tdenied": "UTF-16",
        "T1\tCUE 38 44\tdenied": "",
    }
    for line, hint in cases.items():
        result = ann_to_document(text, line + "\n", doc_id="d", mapping=identity, ann_file="d.ann")
        (issue,) = result.issues
        assert issue.code in ("RPT-BRAT-TEXT", "RPT-BRAT-OFFSET") and issue.line == 1
        assert hint in issue.message if hint else "; they" not in issue.message, (line, issue.message)


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("T1\tCLAIM 0 4", None),
        ("T1\tCLAIM", "RPT-BRAT-PARSE"),
        ("T1\tCLAIM 4 2\tx", "RPT-BRAT-OFFSET"),
        ("A1\tquote", "RPT-BRAT-PARSE"),
        ("R1\thedges Arg1:T1", "RPT-BRAT-PARSE"),
        ("E1\t", "RPT-BRAT-PARSE"),
        ("*\tEquiv T1", "RPT-BRAT-PARSE"),
        ("X1\tfoo", "RPT-BRAT-PARSE"),
        ("A1\tcolour T1 red", "RPT-BRAT-UNMAPPED"),
        ("R1\tcites Arg1:T1 Arg2:T1", "RPT-BRAT-UNMAPPED"),
        ("E1\tAttribution:T1", "RPT-BRAT-UNMAPPED"),
        ("N1\tReference T1 Wikidata:Q1\tx", "RPT-BRAT-NOTE"),
    ],
)
def test_each_line_kind_is_checked(identity, line: str, code: str | None) -> None:  # type: ignore[no-untyped-def]
    ann = f"T1\tCLAIM 0 4\tThey\n{line}\n" if not line.startswith("T1") else f"{line}\n"
    result = ann_to_document("They left.", ann, doc_id="d", mapping=identity, ann_file="d.ann")
    assert [(i.code, i.line) for i in result.issues] == (
        [] if code is None else [(code, 2 if ann.count("\n") == 2 else 1)]
    )
