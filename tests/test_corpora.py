"""External corpora on hand-written miniature fixtures (our own sentences, in the shapes of the
real corpora): PolNeAR-shaped brat through `--mapping polnear` and `agree` (both averagings, by
hand), Szeged/CoNLL-2010-shaped XML through `convert uncertainty-xml` (exact offsets, every cue
type, nested cues) and `eval --labels HEDGE`, and the corpus manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from reportedly.agreement import agreement
from reportedly.cli import app
from reportedly.convert.brat import import_brat_folder, load_mapping
from reportedly.convert.uncertainty import CUE_TYPES, SKIP, import_uncertainty_xml, normal_type
from reportedly.corpus import read_layers
from reportedly.document import Document, Relation, document_to_dict, make_span, read_documents
from reportedly.incidents import ReportedlyError
from reportedly.manifest import MANIFEST, manifest_from_dict, read_manifest, scope_of
from reportedly.schema import Schema
from reportedly.scoring.evaluate import evaluate

FIXTURES = Path(__file__).parent / "fixtures"
POLNEAR = FIXTURES / "brat" / "polnear"
SZEGED = FIXTURES / "uncertainty" / "szeged-like.xml"
runner = CliRunner()


def _import_polnear(tmp_path: Path) -> Path:
    out = tmp_path / "layers"
    args = ["convert", "brat-import", str(POLNEAR), "--out", str(out), "--mapping", "polnear"]
    result = runner.invoke(app, [*args, "--separator", "_", "--discontinuous", "merge", "--allow-missing-attrs"])
    assert result.exit_code == 0, result.output
    return out


# --- PolNeAR -----------------------------------------------------------------------------------


def test_polnear_events_with_and_without_source_no_trigger_spans(schema: Schema) -> None:
    result = import_brat_folder(
        POLNEAR, schema=schema, mapping=load_mapping("polnear", schema), separator="_", discontinuous="merge"
    )
    assert not [i for i in result.issues if i.level == "error"]
    layers = {(layer.annotator, layer.document.id): layer.document for layer in result.layers}
    lee = layers["lee", "pn-0001"]
    spans = {s.id: (s.label, s.text) for s in lee.spans}
    # 11 T lines, 3 of them triggers: 8 spans, no two with the same label and offsets
    assert len(lee.spans) == 8
    assert len({(s.label, s.start, s.end) for s in lee.spans}) == 8
    assert spans["T7"] == ("CLAIM", "the vote, which was close, had been delayed")  # discontinuous, merged
    assert lee.text[21:25] == "said" and spans["T2"] == ("CUE", "said")  # after an astral character
    assert set(lee.relations) == {
        Relation("attributed_to", "T3", "T1"),
        Relation("introduced_by", "T3", "T2"),
        Relation("attributed_to", "T7", "T5"),
        Relation("introduced_by", "T7", "T6"),
        Relation("introduced_by", "T10", "T9"),  # Attribution-no-source: a cue, no source
        Relation("same_source", "T5", "T1"),  # Coreference Arg1:T1 Arg2:T5 -> the later mention is the head
    }
    kim = layers["kim", "pn-0001"]
    # kim's trigger ('told reporters') is not where kim's cue ('told') is: still no span, no relation
    assert sorted(s.text for s in kim.spans if s.label == "CUE") == ["It was reported", "said", "told"]
    ignored = " ".join(i.message for i in result.issues if i.code == "RPT-BRAT-IGNORED")
    assert "'Discard'" in ignored and "'Discuss'" in ignored and "event trigger(s)" in ignored


def test_the_attribution_mapping_still_maps_triggers_to_cues(schema: Schema) -> None:
    result = import_brat_folder(
        POLNEAR, schema=schema, mapping=load_mapping("attribution", schema), separator="_", discontinuous="merge"
    )
    unmapped = {i.message.split("'")[1] for i in result.issues if i.code == "RPT-BRAT-UNMAPPED"}
    assert unmapped == {"Attribution-no-source", "Discuss", "Discard"}  # what the generic mapping refuses


def test_polnear_import_writes_layers_a_manifest_and_validates(tmp_path: Path, schema: Schema) -> None:
    out = _import_polnear(tmp_path)
    assert sorted(p.name for p in (out / "lee").iterdir()) == [MANIFEST, "pn-0001.json", "pn-0002.json"]
    scope = read_manifest(out / "lee", schema)
    assert scope is not None
    assert (scope.labels, scope.relations, scope.attributes) == (
        ("CLAIM", "SOURCE", "CUE"),
        ("attributed_to", "introduced_by", "same_source"),
        (),
    )
    result = runner.invoke(app, ["validate", str(out), "--format", "json"])
    codes = {i["code"] for i in json.loads(result.stdout)["incidents"]} if result.stdout.strip() else set()
    assert "RPT-DOC-DUPLICATE" not in codes  # one document id per annotator is normal


# Hand computation for the fixture (annotators kim and lee; one pair; two texts):
#   pn-0001: SOURCE 2 of 2 each; CUE strict 2 matches ('said', 'It was reported'; 'told' is not
#   'told reporters'), 3 each; CLAIM 3 of 3 each. Relations strict: lee 6, kim 5 (no coreference);
#   4 match ('told' breaks kim's introduced_by). pn-0002: CUE 'According' vs 'According to': 0 of
#   1 each; SOURCE, CLAIM 1 of 1; relations 1 of 2 each (attributed_to).
#   pooled: CUE 2·2/(4+4) = 0.5; micro strict 2·9/(11+11) = 9/11; relations 2·5/(8+7) = 2/3;
#           introduced_by 2·2/(4+4) = 0.5; same_source 0/(1+0) = 0; overlap-type CUE 4 of 4 = 1.
#   per-text: CUE mean(2·2/6, 0) = 1/3; micro mean(2·7/16, 2·2/6) = 37/48;
#             relations mean(2·4/11, 2·1/4) = 27/44; same_source: pn-0002 undefined -> 0.
HAND = {
    "pooled": {
        "spans_strict_SOURCE": 1.0,
        "spans_strict_CUE": 0.5,
        "spans_type_CUE": 1.0,
        "spans_strict_micro": 9 / 11,
        "relations_strict_micro": 2 / 3,
        "relations_strict_introduced_by": 0.5,
        "relations_lenient_introduced_by": 1.0,
        "relations_strict_same_source": 0.0,
    },
    "per-text": {
        "spans_strict_SOURCE": 1.0,
        "spans_strict_CUE": 1 / 3,
        "spans_type_CUE": 1.0,
        "spans_strict_micro": 37 / 48,
        "relations_strict_micro": 27 / 44,
        "relations_strict_introduced_by": (2 * 2 / 6 + 0) / 2,
        "relations_lenient_introduced_by": 1.0,
        "relations_strict_same_source": 0.0,
    },
}


@pytest.mark.parametrize("average", ["pooled", "per-text"])
def test_agree_on_the_polnear_fixture_matches_the_hand_computation(
    tmp_path: Path, schema: Schema, average: str
) -> None:
    layers = read_layers(_import_polnear(tmp_path))
    report = agreement(layers, schema, average=average)
    for key, expected in HAND[average].items():
        assert report.f1(key) == pytest.approx(expected), key
    assert report.f1("spans_strict_HEDGE") is None
    result = runner.invoke(app, ["agree", "--layers", str(tmp_path / "layers"), "--average", average])
    assert result.exit_code == 0, result.output
    assert f"Averaging: {average}" in result.stdout


# --- uncertainty XML ------------------------------------------------------------------------------


def test_uncertainty_xml_offsets_are_exact_code_points() -> None:
    result = import_uncertainty_xml(SZEGED.read_bytes(), file=str(SZEGED), schema_version="x")
    assert not result.issues
    harbour, bridge = result.documents
    assert (harbour.id, bridge.id) == ("wiki-harbour", "wiki-bridge")
    assert harbour.text.split("\n")[0] == "The ferry 🚢 may resume in spring."
    for doc in result.documents:
        for span in doc.spans:
            assert doc.text[span.start : span.end] == span.text
        for sentence_id, start, end in doc.provenance["sentences"]:
            assert "\n" not in doc.text[start:end], sentence_id
    found = [(d.id, s.text, s.attrs.get("hedge_type")) for d in result.documents for s in d.spans]
    assert found == [
        ("wiki-harbour", "may", "modal"),
        ("wiki-harbour", "believe", "speculative"),
        ("wiki-harbour", "probably", "modal"),
        ("wiki-harbour", "If", "conditional"),
        ("wiki-bridge", "mostly", "approximator"),
        ("wiki-bridge", "could possibly", "modal"),  # nested cues: both kept
        ("wiki-bridge", "possibly", "modal"),
    ]
    assert bridge.text[bridge.spans[0].end :].startswith(" steel & glass 𝄞.")  # entity decoded, astral kept
    assert harbour.spans[0].start == len("The ferry 🚢 ")  # one code point for the emoji
    assert dict(result.skipped) == {"speculation_hypo_investigation _": 1, "weasel": 1, "peacock": 1}
    assert result.typed


def test_every_cue_type_of_the_table_is_in_the_fixture_or_an_alias() -> None:
    written = {normal_type(t) for t in __import__("re").findall(r'type="([^"]*)"', SZEGED.read_text("utf-8"))}
    kinds = {value for name, value in CUE_TYPES.items() if value and name != "evidential"}  # that one: ours
    assert {CUE_TYPES[t] for t in written if t in CUE_TYPES} >= kinds  # every outcome, skip included
    assert SKIP in kinds


def test_unknown_and_untyped_cues() -> None:
    xml = '<Document><Sentence>It <ccue type="dynamic">must</ccue> <ccue>perhaps</ccue> run.</Sentence></Document>'
    refused = import_uncertainty_xml(xml, file="x.xml")
    assert [i.code for i in refused.issues] == ["RPT-XML-CUE"] and refused.documents == ()
    mapped = import_uncertainty_xml(xml, file="x.xml", cue_types={"dynamic": "skip"})
    (doc,) = mapped.documents
    assert [(s.text, dict(s.attrs)) for s in doc.spans] == [("perhaps", {})]  # untyped: a hedge of no type
    assert not mapped.typed
    broken = import_uncertainty_xml("<Document><Sentence>x</Document>", file="bad.xml")
    assert [i.code for i in broken.issues] == ["RPT-XML-PARSE"]


def _hedge_prediction(gold: list[Document]) -> list[Document]:
    """may, believe, probably exact; 'If' missed; 'examine' spurious; mostly and possibly exact; 'could'
    overlaps 'could possibly'; a SOURCE (a label the corpus lacks, ignored)."""
    by_id = {d.id: d for d in gold}
    h, b = by_id["wiki-harbour"].text, by_id["wiki-bridge"].text

    def hedge(text: str, sid: str, word: str, nth: int = 0) -> object:
        start = text.index(word) if not nth else text.index(word, text.index(word) + 1)
        return make_span(text, sid, "HEDGE", start, start + len(word))

    harbour = [hedge(h, f"H{i}", w) for i, w in enumerate(["may", "believe", "probably", "examine"], 1)]
    harbour.append(make_span(h, "S1", "SOURCE", h.index("Dock workers"), h.index("Dock workers") + 12))
    bridge = [hedge(b, "H1", "mostly"), hedge(b, "H2", "could"), hedge(b, "H3", "possibly")]
    prov = {"layer": "prediction", "system": "hand"}
    return [
        Document("wiki-harbour", h, spans=tuple(harbour), provenance=prov),  # type: ignore[arg-type]
        Document("wiki-bridge", b, spans=tuple(bridge), provenance=prov),
    ]  # type: ignore[arg-type]


def test_eval_labels_hedge_scores_a_prediction_against_the_xml(tmp_path: Path, schema: Schema) -> None:
    gold_dir = tmp_path / "szeged"
    result = runner.invoke(app, ["convert", "uncertainty-xml", str(SZEGED), "--out", str(gold_dir)])
    assert result.exit_code == 0, result.output
    gold = read_documents(gold_dir)
    scored = evaluate(gold_dir, _hedge_prediction(gold), schema=schema, tracks=["spans"], resamples=0)
    # gold 7 hedges, predicted 7: strict COR 5, INC 1 (could), MIS 1 (If), SPU 1 (examine)
    assert [scored.counts[f"spans_strict_HEDGE_{c}"] for c in ("cor", "inc", "par", "mis", "spu")] == [5, 1, 0, 1, 1]
    assert scored.scores["spans_strict_HEDGE_f"] == pytest.approx(5 / 7)
    assert scored.scores["spans_partial_HEDGE_f"] == pytest.approx(5.5 / 7)
    assert scored.scores["spans_overlap_HEDGE_f"] == pytest.approx(6 / 7)
    assert scored.scores["spans_overlap_micro_f"] == pytest.approx(6 / 7)  # the SOURCE is not counted
    assert "spans_strict_SOURCE_f" not in scored.scores
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps(document_to_dict(d)) + "\n" for d in _hedge_prediction(gold)), encoding="utf-8")
    cli = runner.invoke(app, ["eval", str(pred), "--gold", str(gold_dir), "--labels", "HEDGE", "-B", "0"])
    assert cli.exit_code == 0, cli.output
    assert "| overlap | HEDGE | 0.857 | 0.857 | 0.857 |" in cli.stdout
    assert "| strict | SOURCE" not in cli.stdout


# --- the manifest ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"labels": ["HEDGE"]}, "manifest"),
        ({"manifest": 1}, "labels"),
        ({"manifest": 1, "labels": ["HEDGES"]}, "labels"),
        ({"manifest": 1, "labels": ["HEDGE"], "relations": ["hedges"]}, "relations"),
        ({"manifest": 1, "labels": ["CUE"], "attributes": ["quote"]}, "attributes"),
        ({"manifest": 1, "labels": ["CUE"], "extra": 1}, "(top level)"),
    ],
)
def test_a_bad_manifest_names_the_key(raw: dict[str, object], key: str, schema: Schema) -> None:
    with pytest.raises(ReportedlyError) as error:
        manifest_from_dict(raw, schema, where="x/corpus.yaml")
    assert error.value.code == "RPT-MANIFEST"
    assert error.value.incidents[0].message.startswith(f"{key}:")


def test_a_manifest_in_the_gold_folder_scopes_eval_and_refuses_profile(tmp_path: Path, schema: Schema) -> None:
    text = "Officials said the bridge may close."
    doc = Document("d1", text, spans=(make_span(text, "H1", "HEDGE", 26, 29),))
    (tmp_path / "d1.json").write_text(json.dumps(document_to_dict(doc)), encoding="utf-8")
    (tmp_path / MANIFEST).write_text(yaml.safe_dump({"manifest": 1, "labels": ["HEDGE"]}), encoding="utf-8")
    result = evaluate(tmp_path, [doc], schema=schema, tracks=["spans", "relations"], resamples=0)
    assert result.settings["labels"] == ["HEDGE"] and result.scores["spans_strict_micro_f"] == 1.0
    with pytest.raises(ReportedlyError) as error:
        evaluate(tmp_path, [doc], schema=schema, tracks=["profile"], resamples=0)
    assert error.value.code == "RPT-EVAL-OPTION"
    assert scope_of(schema, list(schema.label_names)).covers(schema)


# --- benchmark ------------------------------------------------------------------------------------


def test_benchmark_prints_and_writes_the_transfer_table(tmp_path: Path, schema: Schema) -> None:
    from reportedly import load_system
    from reportedly.benchmark import benchmark, load_external

    args = ["benchmark", "rules", "--no-ours", "--external", f"polnear={POLNEAR}", "--external", f"szeged={SZEGED}"]
    result = runner.invoke(app, [*args, "-B", "50", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[2].split()[:6] == ["corpus", "docs", "CLAIM", "strict", "CLAIM", "overlap"]
    polnear_row = next(line for line in lines if line.startswith("polnear "))
    assert polnear_row.split()[1] == "2" and polnear_row.count("–") == 2  # no HEDGE column value
    written = json.loads((tmp_path / "out" / "benchmark.json").read_text(encoding="utf-8"))
    assert [r["corpus"] for r in written["rows"]] == ["polnear", "szeged"]
    assert "<table>" in (tmp_path / "out" / "benchmark.html").read_text(encoding="utf-8")
    assert "| szeged | 2 |" in (tmp_path / "out" / "benchmark.md").read_text(encoding="utf-8")
    # the same figures as eval on the same gold: kim's layers (first in name order), HEDGE of the XML
    system = load_system("rules", schema=schema)
    corpora = [load_external("polnear", POLNEAR, schema), load_external("szeged", SZEGED, schema)]
    table = benchmark(system, corpora, schema, resamples=0)
    for corpus, row in zip(corpora, table.rows, strict=True):
        assert {d.provenance.get("annotators", ["-"])[0] for d in corpus.gold.documents} <= {"kim", "-"}
        scored = evaluate(
            corpus.gold,
            system.predict(corpus.gold.documents),
            schema=schema,
            tracks=["spans"],
            resamples=0,
            labels=list(corpus.labels),
        )
        for label in corpus.labels:
            assert row.scores[f"overlap_{label}"] == scored.scores[f"spans_overlap_{label}_f"]
            assert row.scores[f"strict_{label}"] == scored.scores[f"spans_strict_{label}_f"]
        assert written["rows"][table.rows.index(row)]["scores"]["strict_micro"] == pytest.approx(
            row.scores["strict_micro"]
        )


def test_benchmark_refuses_a_bad_external(tmp_path: Path) -> None:
    result = runner.invoke(app, ["benchmark", "rules", "--no-ours", "--external", "polnear"])
    assert result.exit_code == 1 and "RPT-BENCH-EXTERNAL" in result.output
    result = runner.invoke(app, ["benchmark", "rules", "--no-ours", "--external", f"x={tmp_path / 'none'}"])
    assert result.exit_code == 1 and "does not exist" in result.output


def test_uncertainty_xml_round_trip() -> None:
    from reportedly.convert.uncertainty import export_uncertainty_xml

    first = import_uncertainty_xml(SZEGED.read_bytes(), file="szeged-like.xml")
    written = export_uncertainty_xml(first.documents)
    again = import_uncertainty_xml(written, file="szeged-like.xml")
    assert not again.issues
    assert again.documents == first.documents  # ids, texts, sentence ranges, offsets and hedge types
    assert "&amp;" in written and "𝄞" in written
