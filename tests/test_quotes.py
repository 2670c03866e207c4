"""The quote aligner: each stage, each way of resolving repeats, every problem reason, and
``reportedly convert strings`` for annotators (strict, all-or-nothing) and for predictions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reportedly.cli import app
from reportedly.document import Document, make_span, read_document, read_jsonl, write_document
from reportedly.quotes import (
    DEFAULT_FUZZY_THRESHOLD,
    REASONS,
    Aligner,
    NormalisedText,
    align_document,
    normalise,
    word_bounded,
)
from reportedly.schema import load_schema

runner = CliRunner()
TEXT = (
    "Officials said the \u201cdeal\u201d is close \u2014 officials said it twice. Zoe\u0308 said \U0001f6a2 ok.\r\nEnd."
)


# --- stages ---------------------------------------------------------------------------------------


def test_exact_then_normalised() -> None:
    aligner = Aligner(TEXT)
    assert aligner.locate("is close") == ((26, 34), "exact", "")
    assert aligner.locate('the "deal"') == ((15, 25), "normalised", "")
    assert aligner.locate("close - officials") == ((29, 46), "normalised", "")
    assert aligner.locate("it  twice.\n") == ((52, 61), "normalised", "")


def test_offsets_are_code_points_with_astral_combining_and_crlf() -> None:
    aligner = Aligner(TEXT)
    (start, end), _, _ = aligner.locate("Zoe\u0308 said \U0001f6a2 ok.\nEnd")
    assert TEXT[start:end] == "Zoe\u0308 said \U0001f6a2 ok.\r\nEnd"
    assert aligner.locate("End.")[0] == (len(TEXT) - 4, len(TEXT))


def test_normalised_text_maps_back() -> None:
    norm = NormalisedText("a \u00a0\r\n b\u201d")
    assert norm.text == 'a b"'
    assert norm.original(2, 4) == (6, 8)
    assert normalise("  \u2018x\u2019\t\u2013 y ") == "'x' - y"


def test_strict_mode_reports_repeats_and_never_guesses() -> None:
    aligner = Aligner(TEXT)
    assert aligner.locate("said") == (None, "exact", "ambiguous")
    assert aligner.locate("siad") == (None, "normalised", "not_found")  # no fuzzy matching unless asked


def test_strict_mode_refuses_a_quote_that_cuts_a_word() -> None:
    # An audit quote "he" was once placed inside "weather" through its context.
    aligner = Aligner("The weather turned, he said, and the tide rose.")
    assert aligner.locate("he", context="The weather turned") == (None, "exact+partial+context", "cuts_word")
    assert aligner.locate("he") == ((20, 22), "exact", "")  # the whole word wins over "The", "weather", "the"
    assert aligner.locate("eat")[2] == "cuts_word"
    assert "whole words" in REASONS["cuts_word"]
    assert Aligner("I\u2019d say so", fuzzy_threshold=None).locate("I'd") == ((0, 3), "normalised", "")


def test_context_and_occurrence_resolve_repeats() -> None:
    aligner = Aligner(TEXT)
    assert aligner.locate("said", context="officials said it") == ((47, 51), "exact+context", "")
    assert aligner.locate("said", occurrence=3) == ((67, 71), "exact+occurrence", "")
    assert aligner.locate("said", occurrence=4)[2] == "occurrence_out_of_range"
    assert aligner.locate("said", context="nowhere said")[2] == "context_not_found"
    assert aligner.locate("close", context="officials said it")[2] == "not_found"
    assert aligner.locate("   ")[2] == "bad_item"


def test_context_falls_back_to_normalised_inside_the_window() -> None:
    text = 'He said "yes". Later she said \u201cyes\u201d again.'
    assert Aligner(text).locate('"yes"', context="she said \u201cyes\u201d")[0:2] == ((30, 35), "normalised+context")


def test_order_mode_takes_repeats_in_turn_and_keeps_label_order() -> None:
    aligner = Aligner(TEXT, "order")
    assert [aligner.find("said", label="CUE").place for _ in range(3)] == [(10, 14), (47, 51), (67, 71)]
    text = "We talked about costs. Costs rose roughly 5% and about 9 firms left."
    record = {
        "id": "d",
        "spans": [{"id": "H1", "label": "HEDGE", "text": "roughly"}, {"id": "H2", "label": "HEDGE", "text": "about"}],
    }
    # H2 comes after H1, so it is the "about" after "roughly", not the one in "talked about"
    places = {s.id: s.start for s in align_document(record, text, mode="order").document.spans}
    assert places == {"H1": 34, "H2": 49}
    assert align_document(record, text, mode="strict").problems[0].reason == "ambiguous"


def test_outer_whitespace_of_a_quote_is_ignored() -> None:
    assert Aligner("a  said  b").locate("  said \n") == ((3, 7), "exact", "")


# --- fuzzy ----------------------------------------------------------------------------------------


def test_fuzzy_finds_misspelt_and_re_spaced_quotes() -> None:
    aligner = Aligner(TEXT, fuzzy_threshold=DEFAULT_FUZZY_THRESHOLD)
    found = aligner.find("the deal is closs")
    assert (found.place, found.method) == ((15, 34), "fuzzy")
    assert found.score is not None and DEFAULT_FUZZY_THRESHOLD <= found.score < 100
    assert aligner.find("officialssaid it").place == (37, 54)
    assert aligner.find("entirely different words").reason == "not_found"


def test_fuzzy_accepts_one_edit_in_short_words_and_ties_are_ambiguous() -> None:
    text = "The mayor said no. Reporters said yes."
    assert Aligner(text, fuzzy_threshold=85).locate("siad") == (None, "fuzzy", "ambiguous")
    assert Aligner(text, "order", fuzzy_threshold=85).locate("siad") == ((10, 14), "fuzzy+order", "")
    assert Aligner(text, fuzzy_threshold=85).locate("mayro")[0:2] == ((4, 9), "fuzzy")
    assert Aligner(text, fuzzy_threshold=85).locate("xy")[2] == "not_found"  # too short for one-edit matches


def test_fuzzy_prefers_whole_words_to_a_truncated_exact_match() -> None:
    text = "A senior official said so."
    strict = Aligner(text).locate("a senior officia")
    assert strict == (None, "normalised", "not_found")
    assert Aligner(text).locate("senior officia") == (None, "exact+partial", "cuts_word")  # strict: refused
    assert Aligner(text, fuzzy_threshold=85).locate("senior officia")[0:2] == ((2, 17), "fuzzy")
    assert Aligner(text, fuzzy_threshold=85).locate("enio")[0:2] == ((3, 7), "exact+partial")


def test_projection_through_the_context_places_short_misspelt_quotes() -> None:
    text = "Ministers said no. The pilot siad the queue was growing, he said."
    found = Aligner(text, fuzzy_threshold=85).find("sid", context="The pilot sid the queue")
    assert (found.place, found.method) == ((29, 33), "projected+context")
    assert text[29:33] == "siad"


def test_fuzzy_threshold_is_checked() -> None:
    with pytest.raises(ValueError, match="fuzzy_threshold"):
        Aligner("x", fuzzy_threshold=0)


def test_word_bounded() -> None:
    assert word_bounded("a said b", 2, 6)
    assert not word_bounded("unsaid", 2, 6)
    assert word_bounded("U.S.-backed", 0, 4)


# --- documents ------------------------------------------------------------------------------------


def test_align_document_reports_every_problem_with_its_reason() -> None:
    record = {
        "id": "d1",
        "spans": [
            {"id": "S1", "label": "SOURCE", "text": "Officials"},
            {"id": "U1", "label": "CUE", "text": "said"},
            {"id": "C1", "label": "CLAIM", "text": "the deal is near"},
            {"id": "S1", "label": "SOURCE", "text": "officials"},
            {"id": "X1", "label": "RUMOUR", "text": "close"},
            "not an object",
            {"id": "H1", "label": "HEDGE"},
        ],
        "relations": [
            {"label": "attributed_to", "head": "C1", "tail": "S1"},
            {"label": "introduced_by", "head": "C1"},
        ],
    }
    result = align_document(record, TEXT, labels=("SOURCE", "CUE", "CLAIM", "HEDGE"))
    assert [s.id for s in result.document.spans] == ["S1"]
    reasons = [(p.item, p.reason) for p in result.problems]
    assert reasons == [
        ("U1", "ambiguous"),
        ("C1", "not_found"),
        ("S1", "duplicate_id"),
        ("X1", "unknown_label"),
        ("spans[5]", "bad_item"),
        ("H1", "bad_item"),
        ("attributed_to C1->S1", "unknown_span"),
        ("relations[1]", "bad_item"),
    ]
    assert all(p.message for p in result.problems) and set(REASONS) >= {p.reason for p in result.problems}
    summary = result.summary()
    assert summary["items"] == 7 and summary["aligned"] == 1
    assert [u["reason"] for u in summary["unaligned"]][:2] == ["ambiguous", "not_found"]
    assert summary["unaligned"][1]["text"] == "the deal is near"


def test_summary_lists_approximate_matches() -> None:
    record = {
        "id": "d",
        "spans": [
            {"id": "C1", "label": "CLAIM", "text": "the deal is closs"},
            {"id": "U1", "label": "CUE", "text": "said", "occurrence": 2},
        ],
    }
    result = align_document(record, TEXT, fuzzy_threshold=DEFAULT_FUZZY_THRESHOLD)
    summary = result.summary()
    assert summary["methods"] == {"exact": 1, "fuzzy": 1}
    (approx,) = summary["approximate"]
    assert approx["item"] == "C1" and approx["quote"] == "the deal is closs" and approx["text"] == TEXT[15:34]
    assert approx["score"] > DEFAULT_FUZZY_THRESHOLD
    json.dumps(summary)


# --- the CLI --------------------------------------------------------------------------------------


def _texts(tmp_path: Path) -> Path:
    folder = tmp_path / "texts"
    doc = Document("d1", TEXT, {"genre": "wire"}, (), ())
    write_document(folder / "d1.json", doc)
    return folder


def _quotes(tmp_path: Path, spans: list[dict[str, object]]) -> Path:
    path = tmp_path / "quotes.jsonl"
    path.write_text(json.dumps({"id": "d1", "spans": spans}) + "\n", encoding="utf-8")
    return path


SOURCE = {
    "id": "S1",
    "label": "SOURCE",
    "text": "Officials",
    "attrs": {"source_type": "unnamed_group", "anonymity_reason": "not_given"},
}


def test_cli_annotator_layer_is_all_or_nothing(tmp_path: Path) -> None:
    texts, out = _texts(tmp_path), tmp_path / "layers" / "a1"
    quotes = _quotes(tmp_path, [SOURCE, {"id": "U1", "label": "CUE", "text": "said"}])
    args = [
        "convert",
        "strings",
        str(quotes),
        "--texts",
        str(texts),
        "--annotator",
        "a1",
        "--method",
        "pass",
        "--out",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "U1: ambiguous" in result.stderr and "RPT-ALIGN-INCOMPLETE" in result.stderr
    assert not out.exists()
    quotes = _quotes(tmp_path, [SOURCE, {"id": "U1", "label": "CUE", "text": "siad", "context": "Officials siad"}])
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and "U1: context_not_found" in result.stderr  # annotators get no fuzzy matching
    quotes = _quotes(tmp_path, [SOURCE, {"id": "U1", "label": "CUE", "text": "said", "occurrence": 1}])
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    layer = read_document(out / "d1.json")
    assert layer.provenance == {
        "layer": "annotation",
        "annotators": ["a1"],
        "method": "pass",
        "schema_version": load_schema().version,
    }
    assert [(s.id, s.start, s.end) for s in layer.spans] == [("S1", 0, 9), ("U1", 10, 14)]


def test_cli_predictions_keep_their_problems_in_provenance(tmp_path: Path) -> None:
    texts, out = _texts(tmp_path), tmp_path / "preds.jsonl"
    quotes = _quotes(
        tmp_path,
        [
            SOURCE,
            {"id": "U1", "label": "CUE", "text": "said"},
            {"id": "C1", "label": "CLAIM", "text": "the deal is closs", "attrs": {"quote": "direct"}},
            {"id": "X1", "label": "RUMOUR", "text": "close"},
        ],
    )
    args = ["convert", "strings", str(quotes), "--texts", str(texts), "--system", "llm", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert "2 item(s) not aligned" in result.stdout and "1 of them approximately" in result.stdout
    assert "C1 placed by fuzzy (similarity" in result.stderr
    (pred,) = read_jsonl(out)
    assert pred.provenance["layer"] == "prediction" and pred.provenance["system"] == "llm"
    alignment = pred.provenance["alignment"]
    assert {u["item"]: u["reason"] for u in alignment["unaligned"]} == {"U1": "ambiguous", "X1": "unknown_label"}
    assert alignment["aligned"] == 2 and alignment["items"] == 4
    assert [a["item"] for a in alignment["approximate"]] == ["C1"]
    assert pred.span("C1").text == "the \u201cdeal\u201d is close"
    # --no-fuzzy: the misspelt claim is reported instead
    result = runner.invoke(app, [*args, "--no-fuzzy", "--overwrite"])
    assert result.exit_code == 0
    (pred,) = read_jsonl(out)
    assert "C1" in {u["item"] for u in pred.provenance["alignment"]["unaligned"]}


def test_cli_never_overwrites_without_overwrite(tmp_path: Path) -> None:
    texts, out = _texts(tmp_path), tmp_path / "preds.jsonl"
    out.write_text("precious\n", encoding="utf-8")
    quotes = _quotes(tmp_path, [SOURCE])
    args = ["convert", "strings", str(quotes), "--texts", str(texts), "--system", "llm", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and "RPT-OUT-EXISTS" in result.stderr and "--overwrite" in result.stderr
    assert out.read_text(encoding="utf-8") == "precious\n"
    assert runner.invoke(app, [*args, "--overwrite"]).exit_code == 0
    assert read_jsonl(out)[0].span("S1") == make_span(TEXT, "S1", "SOURCE", 0, 9, **SOURCE["attrs"])  # type: ignore[arg-type]
    assert runner.invoke(app, args).exit_code == 0  # same content again: nothing to overwrite


def test_cli_options_are_checked(tmp_path: Path) -> None:
    texts, quotes = _texts(tmp_path), _quotes(tmp_path, [SOURCE])
    base = ["convert", "strings", str(quotes), "--texts", str(texts), "--out", str(tmp_path / "o.jsonl")]
    assert "exactly one of" in runner.invoke(app, base).stderr
    assert "--method" in runner.invoke(app, [*base, "--annotator", "a1"]).stderr
    assert "--mode" in runner.invoke(app, [*base, "--system", "s", "--mode", "greedy"]).stderr
    assert "--fuzzy-threshold" in runner.invoke(app, [*base, "--system", "s", "--fuzzy-threshold", "0"]).stderr
