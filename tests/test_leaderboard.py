"""The leaderboard: generated from committed predictions, fresh, and ranked by the headline."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from reportedly.cli import app
from reportedly.document import read_jsonl
from reportedly.leaderboard import build, render, systems
from reportedly.schema import Schema
from reportedly.scoring.io import load_gold

runner = CliRunner()


def test_committed_leaderboard_is_fresh(root: Path) -> None:
    board = root / "eval" / "LEADERBOARD.md"
    if not systems(root / "eval" / "baselines", "test"):
        pytest.skip("no committed predictions yet")
    result = runner.invoke(
        app,
        [
            "leaderboard",
            "--check",
            "--corpus",
            str(root / "corpus"),
            "--predictions",
            str(root / "eval" / "baselines"),
            "--out",
            str(board),
        ],
    )
    assert result.exit_code == 0, f"run `reportedly leaderboard`:\n{result.output[-2000:]}"


def test_every_baseline_has_dev_and_test_predictions_for_every_gold_document(root: Path) -> None:
    for split in ("dev", "test"):
        gold_ids = {d.id for d in load_gold(root / "corpus", split=split).documents}
        for name in ("rules", "crf", "encoder"):
            path = root / "eval" / "baselines" / name / f"{split}.jsonl"
            assert path.exists(), f"missing {path}: run `reportedly baseline {name} --split {split}`"
            assert {d.id for d in read_jsonl(path, texts={i: "" for i in gold_ids})} == gold_ids


def test_ranking_and_paired_test_on_a_gold_copy(tmp_path: Path, root: Path, schema: Schema) -> None:
    """Gold itself as a 'system' ranks first with F1 1.0; the rules baseline is compared against it."""
    preds = tmp_path / "preds"
    (preds / "perfect").mkdir(parents=True)
    (preds / "rules").mkdir()
    gold = load_gold(root / "corpus", split="test").documents
    from reportedly.baselines.rules import predict
    from reportedly.document import write_jsonl

    write_jsonl(preds / "perfect" / "test.jsonl", gold)
    write_jsonl(preds / "rules" / "test.jsonl", predict(gold))
    entries = build(root / "corpus", preds, schema, resamples=200)
    assert [e.system for e in entries] == ["perfect", "rules"]
    assert entries[0].result.scores["spans_strict_micro_f"] == 1.0
    comparison = entries[1].result.comparison
    assert comparison is not None and (comparison.diff["spans_strict_micro_f"] or 0) < 0
    text = render(entries, schema, corpus=root / "corpus", resamples=200)
    assert "| perfect | 1.000" in text and "Paired tests against the best system (perfect)" in text
