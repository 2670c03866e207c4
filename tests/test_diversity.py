"""`reportedly stats --diversity`: each figure on small documents whose right answer is known."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from reportedly.cli import app
from reportedly.diversity import (
    declared_name_counts,
    diversity_markdown,
    diversity_report,
    sourcing_phrase_counts,
    undeclared_name_counts,
)
from reportedly.document import Document, Relation, make_span, write_document


def _doc(doc_id: str, text: str, *, genre: str = "wire", names: list[str] | None = None) -> Document:
    meta = {"title": doc_id, "genre": genre, "topic": "economy", "origin": "constructed", "lang": "en"}
    if names is not None:
        meta["invented_names"] = names
    return Document(id=doc_id, text=text, meta=meta)


def test_declared_names_are_counted_in_every_text_that_contains_them() -> None:
    docs = [
        _doc("d1", "Quillon Varga spoke first.", names=["Quillon Varga"]),
        _doc("d2", "Later, Quillon Varga's office wrote back.", names=[]),
        _doc("d3", "Quillonvarga is one word, not the name.", names=[]),
    ]
    assert declared_name_counts(docs) == [("Quillon Varga", 2)]


def test_undeclared_names_skip_words_seen_in_lower_case_and_real_places() -> None:
    docs = [
        _doc("d1", "In Lisbon, Velmora said the Harbour was closed."),
        _doc("d2", "Velmora's navy sailed; the harbour was calm. I'd say so."),
        _doc("d3", "Nothing here but Lisbon in March; nothing else."),
    ]
    counts = dict(undeclared_name_counts(docs))
    assert counts == {"Velmora": 2}  # Harbour is seen lower-case; Lisbon is real; March and I'd are common


def test_sourcing_phrases_come_from_reporting_frames_only() -> None:
    text = "The minister said in a statement that taxes will rise. Taxes will rise in a statement year."
    claim_start = text.index("taxes will rise")
    spans = [
        make_span(text, "S1", "SOURCE", 0, len("The minister"), source_type="named_person"),
        make_span(text, "U1", "CUE", text.index("said"), text.index("said") + 4),
        make_span(text, "C1", "CLAIM", claim_start, claim_start + len("taxes will rise"), quote="indirect"),
    ]
    doc = Document(
        id="d1",
        text=text,
        spans=tuple(spans),
        relations=(Relation("attributed_to", "C1", "S1"), Relation("introduced_by", "C1", "U1")),
    )
    phrases = dict(sourcing_phrase_counts([doc]))
    assert phrases["said in a statement"] == 1
    assert "the minister said in" in phrases
    assert not any("taxes" in phrase for phrase in phrases)  # claim words and cue-less sentences are not frames


def test_length_and_genre_targets_pass_and_fail_at_their_thresholds() -> None:
    short = [_doc(f"s{i}", "word " * 100, genre=f"g{i}") for i in range(3)]
    long = [_doc(f"l{i}", "word " * 1600, genre=f"g{i + 3}") for i in range(3)]
    report = diversity_report(short + long, min_genres=6, min_very_long=3)
    checks = {c.name: c.ok for c in report.checks}
    assert checks["documents under 250 words"] and checks["documents over 900 words"]
    assert checks["documents over 1500 words"] and checks["genres"]
    report = diversity_report(short + long, min_genres=7, min_very_long=4)
    checks = {c.name: c.ok for c in report.checks}
    assert not checks["genres"] and not checks["documents over 1500 words"]


def test_surface_phenomena_are_detected() -> None:
    text = (
        "KAUNAS, March 3 (Eastfold Wire) — Ieva Žukauskienė posted: “Bridge shut 🚧.”\n\n"
        'A sign read "Мост закрыт" and the fare rose to €4.50 on 2026-03-01.\n\n'
        "- first item\n- second item"
    )
    report = diversity_report([_doc("d1", text)])
    for name in (
        "dateline or agency credit",
        "straight and curly quotes in one document",
        "names with diacritics",
        "non-Latin script",
        "emoji",
        "currencies",
        "dates",
        "list",
    ):
        assert report.phenomena[name] == 1, name
    assert report.phenomena["timestamps (live blog)"] == 0
    assert "| emoji" in diversity_markdown(report) or "emoji" in diversity_markdown(report)


def test_cli_prints_the_report_and_strict_fails_on_a_miss(tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    for doc in (_doc("wire-0001", "Velmora said so."), _doc("wire-0002", "Velmora agreed.")):
        write_document(folder / f"{doc.id}.json", doc)
    runner = CliRunner()
    result = runner.invoke(app, ["stats", str(tmp_path), "--diversity"])
    assert result.exit_code == 0, result.output
    assert "| genres | 1 | >= 12 | MISS |" in result.output
    strict = runner.invoke(app, ["stats", str(tmp_path), "--diversity", "--strict"])
    assert strict.exit_code == 1
    assert "RPT-DIVERSITY-TARGET" in strict.output


def test_cli_takes_several_paths_and_the_first_copy_of_an_id_wins(tmp_path: Path) -> None:
    gold, candidates = tmp_path / "gold", tmp_path / "candidates"
    write_document(gold / "wire-0001.json", _doc("wire-0001", "word " * 100, genre="wire"))
    write_document(candidates / "wire-0001.json", _doc("wire-0001", "word " * 1000, genre="wire"))
    write_document(candidates / "local-0001.json", _doc("local-0001", "word " * 1600, genre="local"))
    result = CliRunner().invoke(app, ["stats", str(gold), str(candidates), "--diversity"])
    assert result.exit_code == 0, result.output
    assert "| documents under 250 words | 1 (50.0%) |" in result.output  # the gold copy, not the 1000-word one
    assert "| documents over 1500 words | 1 |" in result.output
    assert "| genres | 2 |" in result.output
