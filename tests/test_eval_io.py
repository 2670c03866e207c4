"""Reading predictions and gold: every problem has a stable code, the file and the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_scoring_fixtures import gold_documents, perturbed

from reportedly.document import Document, Span, document_to_dict, make_span, write_document, write_jsonl
from reportedly.incidents import ReportedlyError
from reportedly.schema import Schema
from reportedly.scoring.evaluate import evaluate
from reportedly.validate import validate_paths


def _lines(docs: list[Document], *, include_text: bool = True) -> list[str]:
    return [json.dumps(document_to_dict(d, include_text=include_text)) for d in docs]


def _codes(exc: pytest.ExceptionInfo[ReportedlyError]) -> list[tuple[str, int | None]]:
    return [(i.code, i.line) for i in exc.value.incidents]


def test_jsonl_without_text_is_scored_and_names_the_system(tmp_path: Path, schema: Schema) -> None:
    gold = gold_documents()
    path = tmp_path / "pred.jsonl"
    path.write_text("\n".join(_lines(perturbed(gold), include_text=False)) + "\n\n", encoding="utf-8")
    result = evaluate(gold, path, schema=schema, resamples=0)
    assert result.system == "perturbed"
    assert result.scores["spans_strict_micro_f"] is not None and result.scores["spans_strict_micro_f"] < 1.0


def test_folder_of_documents(tmp_path: Path, schema: Schema) -> None:
    gold = gold_documents()
    for doc in gold:
        write_document(tmp_path / "pred" / f"{doc.id}.json", doc)
    result = evaluate(gold, tmp_path / "pred", schema=schema, tracks=["spans"], resamples=0)
    assert result.headline == 1.0
    assert result.system == "pred"  # no provenance.system: the folder's name


def test_bad_json_unknown_document_and_text_mismatch_name_their_lines(tmp_path: Path, schema: Schema) -> None:
    gold = gold_documents()
    lines = _lines(gold)
    lines[1] = lines[1][:-5]  # broken JSON on line 2
    stranger = Document("no-such-doc", "Some text.")
    changed = Document(gold[2].id, gold[2].text + " Extra.", spans=gold[2].spans)
    lines += _lines([stranger, changed])
    path = tmp_path / "pred.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ReportedlyError) as exc:
        evaluate(gold, path, schema=schema, resamples=0)
    assert _codes(exc) == [("RPT-JSON-SYNTAX", 2), ("RPT-PRED-UNKNOWN-DOC", 5), ("RPT-PRED-DUPLICATE-DOC", 6)]
    assert str(path) in str(exc.value) and "Fix:" in str(exc.value)


def test_text_mismatch(tmp_path: Path, schema: Schema) -> None:
    gold = gold_documents()
    changed = Document(gold[0].id, gold[0].text.replace("bridge", "bridgE"))
    path = tmp_path / "pred.jsonl"
    path.write_text("\n".join(_lines([changed])) + "\n", encoding="utf-8")
    with pytest.raises(ReportedlyError) as exc:
        evaluate(gold, path, schema=schema, resamples=0)
    assert _codes(exc) == [("RPT-PRED-TEXT-MISMATCH", 1)]
    where = gold[0].text.index("bridge") + len("bridg")
    assert f"code point {where}" in exc.value.incidents[0].message


def test_missing_documents_are_scored_as_empty_with_a_warning(tmp_path: Path, schema: Schema) -> None:
    gold = gold_documents()
    path = tmp_path / "pred.jsonl"
    write_jsonl(path, gold[1:])
    result = evaluate(gold, path, schema=schema, tracks=["spans"], resamples=0)
    assert [w.code for w in result.warnings] == ["RPT-PRED-MISSING-DOC"]
    assert gold[0].id in result.warnings[0].message
    assert result.scores["spans_strict_micro_p"] == 1.0
    missed = len(gold[0].spans)
    assert result.counts["spans_strict_micro_mis"] == missed


def test_span_level_problems_are_all_reported(tmp_path: Path, schema: Schema) -> None:
    gold = gold_documents()
    text = gold[0].text
    bad = Document(
        gold[0].id,
        text,
        spans=(
            make_span(text, "A", "CLAIM", 0, 5),
            make_span(text, "A", "CLAIM", 6, 10),  # duplicate id
            make_span(text, "B", "OPINION", 11, 14),  # unknown label
            make_span(text, "C", "HEDGE", 15, 18, hedge_type="sarcastic"),  # unknown value
        ),
        relations=(),
    )
    out_of_range = {
        "id": gold[1].id,
        "spans": [{"id": "X", "label": "CUE", "start": 5, "end": 500, "text": "x"}],
        "relations": [
            {"label": "attributed_to", "head": "X", "tail": "nope"},
            {"label": "agrees_with", "head": "X", "tail": "X"},
        ],
    }
    wrong_text = {
        "id": gold[2].id,
        "spans": [
            {"id": "Y", "label": "CUE", "start": 0, "end": 6, "text": "Prices"},
            {"id": "Z", "label": "CUE", "start": 7, "end": 11, "text": "fell"},
        ],
        "relations": [],
    }
    path = tmp_path / "pred.jsonl"
    path.write_text(
        "\n".join([*_lines([bad]), json.dumps(out_of_range), json.dumps(wrong_text)]) + "\n", encoding="utf-8"
    )
    with pytest.raises(ReportedlyError) as exc:
        evaluate(gold, path, schema=schema, resamples=0)
    codes = sorted(_codes(exc))
    assert codes == sorted(
        [
            ("RPT-LABEL-UNKNOWN", 1),
            ("RPT-ID-DUPLICATE", 1),
            ("RPT-ATTR-VALUE", 1),
            ("RPT-OFFSET-RANGE", 2),
            ("RPT-REL-MISSING-ARG", 2),
            ("RPT-REL-UNKNOWN", 2),
            ("RPT-OFFSET-MISMATCH", 3),
        ]
    )
    # the same checker, so the same codes as `reportedly validate`
    fixed = Document(gold[0].id, text, spans=(make_span(text, "C", "HEDGE", 15, 18, hedge_type="sarcastic"),))
    path.write_text("\n".join(_lines([fixed])) + "\n", encoding="utf-8")
    with pytest.raises(ReportedlyError) as exc:
        evaluate(gold, path, schema=schema, resamples=0)
    assert _codes(exc) == [("RPT-ATTR-VALUE", 1)]


def test_gold_problems_carry_gold_codes_and_name_the_gold(tmp_path: Path, schema: Schema) -> None:
    """A gold span whose text does not match its offsets is refused, under the validator's code."""
    gold = gold_documents()
    span = gold[0].spans[0]
    wrong = Span(span.id, span.label, span.start, span.end, span.text + "x", dict(span.attrs))
    bad = Document(gold[0].id, gold[0].text, gold[0].meta, (wrong, *gold[0].spans[1:]), gold[0].relations)
    corpus = _corpus(tmp_path / "corpus", [bad, *gold[1:]], None)
    with pytest.raises(ReportedlyError) as exc:
        evaluate(corpus, gold, schema=schema, resamples=0, split="all")
    assert [(i.code, i.doc_id, i.span_id) for i in exc.value.incidents] == [("RPT-OFFSET-MISMATCH", bad.id, span.id)]
    assert exc.value.incidents[0].file == str(corpus)
    validated = validate_paths([corpus / "documents"], schema).incidents
    assert [(i.code, i.span_id) for i in validated if i.is_error] == [("RPT-OFFSET-MISMATCH", span.id)]


def test_validate_and_eval_agree_on_which_predictions_are_valid(tmp_path: Path, schema: Schema) -> None:
    gold = gold_documents()
    text = gold[0].text
    pred = Document(
        gold[0].id,
        text,
        spans=(
            make_span(text, "A", "CLAIM", 0, 5),  # no quote attribute: fine for a prediction
            make_span(text, "B", "HEDGE", 15, 18, hedge_type="sarcastic"),
            Span("C", "CUE", 0, 4, "nope"),
        ),
        provenance={"layer": "prediction", "system": "s"},
    )
    path = tmp_path / "pred.jsonl"
    path.write_text("\n".join(_lines([pred])) + "\n", encoding="utf-8")
    with pytest.raises(ReportedlyError) as exc:
        evaluate(gold, path, schema=schema, resamples=0)
    scored = sorted(i.code for i in exc.value.incidents)
    assert scored == ["RPT-ATTR-VALUE", "RPT-OFFSET-MISMATCH"]
    assert sorted(i.code for i in validate_paths([path], schema).incidents if i.is_error) == scored


def _corpus(root: Path, docs: list[Document], split: list[str] | None) -> Path:
    for doc in docs:
        write_document(root / "documents" / f"{doc.id}.json", doc)
    if split is not None:
        (root / "splits").mkdir(parents=True, exist_ok=True)
        (root / "splits" / "test.txt").write_text("\n".join(split) + "\n", encoding="utf-8")
    return root


def test_gold_corpus_split_and_version(tmp_path: Path, schema: Schema) -> None:
    gold = gold_documents()
    corpus = _corpus(tmp_path / "corpus", gold, [gold[0].id, gold[2].id])
    pred = tmp_path / "pred.jsonl"
    write_jsonl(pred, gold[:1] + gold[2:3])
    result = evaluate(corpus, pred, schema=schema, tracks=["spans"], resamples=0)
    assert result.settings["documents"] == 2 and result.versions.corpus == "unversioned"
    (corpus / "VERSION").write_text("0.3.0\n", encoding="utf-8")
    result = evaluate(corpus, pred, schema=schema, tracks=["spans"], resamples=0, split="all")
    assert result.settings["documents"] == len(gold) and result.versions.corpus == "0.3.0"
    assert [w.code for w in result.warnings] == ["RPT-PRED-MISSING-DOC"]
    with pytest.raises(ReportedlyError) as exc:
        evaluate(corpus, pred, schema=schema, resamples=0, split="dev")
    assert exc.value.code == "RPT-EVAL-SPLIT-MISSING"


def test_unknown_track_and_empty_predictions(tmp_path: Path, schema: Schema) -> None:
    gold = gold_documents()
    with pytest.raises(ReportedlyError) as exc:
        evaluate(gold, gold, schema=schema, tracks=["spanz"], resamples=0)
    assert exc.value.code == "RPT-EVAL-TRACK-UNKNOWN"
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(ReportedlyError) as exc:
        evaluate(gold, empty, schema=schema, resamples=0)
    assert exc.value.code == "RPT-PRED-EMPTY"


def test_a_line_separator_inside_a_json_string_does_not_end_the_record(tmp_path: Path, schema: Schema) -> None:
    # U+2028 and U+0085 are valid raw in JSON strings (write_jsonl writes them raw); only \n ends a line
    text = "Officials said\u2028the ferry\u0085 may stop."
    gold = Document("d1", text, spans=(make_span(text, "U1", "CUE", 10, 14), make_span(text, "C1", "CLAIM", 10, 35)))
    write_jsonl(tmp_path / "gold.jsonl", [gold])
    pred = Document("d1", text, spans=gold.spans, provenance={"layer": "prediction", "system": "s"})
    write_jsonl(tmp_path / "pred.jsonl", [pred], include_text=False)
    assert "\u2028" in (tmp_path / "pred.jsonl").read_text(encoding="utf-8")
    result = evaluate(tmp_path / "gold.jsonl", tmp_path / "pred.jsonl", schema=schema, tracks=["spans"], resamples=0)
    assert result.headline == 1.0


def test_a_bad_byte_in_a_jsonl_file_is_named_by_its_place_in_the_file(tmp_path: Path, schema: Schema) -> None:
    gold = gold_documents()
    path = tmp_path / "pred.jsonl"
    good = "\n".join(_lines(perturbed(gold), include_text=False)) + "\n"
    path.write_bytes(good.encode() * 30 + b'{"id": "\xff"}\n')  # past the reader's first chunk
    with pytest.raises(ReportedlyError) as exc:
        evaluate(gold, path, schema=schema, resamples=0)
    (incident,) = exc.value.incidents
    assert incident.code == "RPT-ENCODING" and f"byte {len(good.encode()) * 30 + 8}:" in incident.message
