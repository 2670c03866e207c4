"""Quoted predictions that cannot be placed are reported by convert and counted by eval."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from reportedly.cli import app
from reportedly.scoring.evaluate import evaluate

FIXTURE = Path(__file__).parent / "fixtures" / "valid" / "minimal.json"
runner = CliRunner()


def test_unaligned_quotes_are_counted_in_the_eval_result(tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "fixture-0001.json").write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    answer = {
        "id": "fixture-0001",
        "spans": [
            {
                "id": "S1",
                "label": "SOURCE",
                "text": "Harbour master Ilse Varga",
                "attrs": {"source_type": "named_person", "anonymity_reason": "not_applicable"},
            },
            {
                "id": "X1",
                "label": "SOURCE",
                "text": "a spokesperson for the navy",
                "attrs": {"source_type": "unnamed_person", "anonymity_reason": "not_given"},
            },
        ],
        "relations": [],
    }
    quotes = tmp_path / "answers.jsonl"
    quotes.write_text(json.dumps(answer) + "\n", encoding="utf-8")
    preds = tmp_path / "preds.jsonl"
    result = runner.invoke(
        app, ["convert", "strings", str(quotes), "--texts", str(texts), "--system", "llm", "--out", str(preds)]
    )
    assert result.exit_code == 0, result.output
    scored = evaluate(texts, preds, resamples=0)
    assert scored.settings["alignment"]["items"] == 2
    assert scored.settings["alignment"]["unaligned"] == 1
    assert scored.settings["alignment"]["reasons"] == {"not_found": 1}
    (warning,) = [w for w in scored.warnings if w.code == "RPT-PRED-UNALIGNED"]
    assert "1 of 2" in warning.message
    # the placed quote is a correct SOURCE; the gold's second SOURCE ("She") is missed
    assert scored.scores["spans_strict_SOURCE_p"] == 1.0
    assert scored.scores["spans_strict_SOURCE_r"] == 0.5
