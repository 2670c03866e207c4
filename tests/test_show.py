"""`reportedly show`: the document view, alone and gold against prediction, checked in headless Chromium;
the README screenshot; `eval --docs predicted`."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import replace
from pathlib import Path

from browser import FLAGS, chromium_or_skip
from typer.testing import CliRunner

from reportedly import load_system
from reportedly.cli import app
from reportedly.document import Document, make_span, read_document, write_jsonl
from reportedly.schema import PACKAGE_ROOT, Schema
from reportedly.scoring.io import load_gold
from reportedly.view.compare import compare
from reportedly.view.html import document_html

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "corpus" / "documents" / "wire-0001.json"
SCREENSHOT = PACKAGE_ROOT / "docs" / "images" / "show.png"
UPDATE_SCREENSHOT = os.environ.get("REPORTEDLY_UPDATE_SCREENSHOT") == "1" or not SCREENSHOT.exists()


def _pair() -> tuple[Document, Document]:
    text = "Officials said the <b>bridge</b> may reopen. Analysts doubt it."
    gold = Document(
        "d1",
        text,
        spans=(
            make_span(text, "S1", "SOURCE", 0, 9, source_type="unnamed_group", anonymity_reason="not_given"),
            make_span(text, "U1", "CUE", 10, 14),
            make_span(text, "C1", "CLAIM", 15, 43, quote="indirect"),
            make_span(text, "H1", "HEDGE", 34, 37, hedge_type="modal", holder="source"),
            make_span(text, "S2", "SOURCE", 45, 53, source_type="unnamed_group", anonymity_reason="not_given"),
        ),
        provenance={"layer": "gold"},
    )
    predicted = replace(
        gold,
        spans=(
            gold.spans[0],
            gold.spans[1],
            make_span(text, "C1", "CLAIM", 15, 37, quote="indirect"),  # boundary
            make_span(text, "H9", "HEDGE", 54, 59, hedge_type="modal", holder="author"),  # spurious
        ),
        provenance={"layer": "prediction", "system": "test"},
    )
    return gold, predicted


def test_compare_marks_missed_spurious_and_boundary() -> None:
    gold, predicted = _pair()
    comparison = compare(gold, predicted)
    assert comparison.status_of("gold") == {
        "S1": "correct",
        "U1": "correct",
        "C1": "boundary",
        "H1": "missed",
        "S2": "missed",
    }
    assert comparison.status_of("predicted") == {"S1": "correct", "U1": "correct", "C1": "boundary", "H9": "spurious"}
    assert round(comparison.strict_f1, 3) == round(2 * 2 / 9, 3)


def test_page_escapes_text_and_is_self_contained(schema: Schema) -> None:
    gold, predicted = _pair()
    page = document_html(gold, schema, vs=predicted)
    assert "<b>bridge</b>" not in page and "&lt;b&gt;bridge&lt;/b&gt;" in page
    assert "<script" not in page and not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert 'class="diff-missed"' in page and 'class="diff-spurious"' in page and 'class="diff-boundary"' in page


def _dom(browser: str, page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [browser, *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *extra, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_show_gold_against_prediction_in_chromium(tmp_path: Path, schema: Schema) -> None:
    browser = chromium_or_skip()
    gold = read_document(GOLD)
    predicted = load_system("rules", schema=schema).predict([gold])
    write_jsonl(tmp_path / "rules.jsonl", predicted, include_text=False)
    page = tmp_path / "view.html"
    result = CliRunner().invoke(app, ["show", str(GOLD), "--vs", str(tmp_path / "rules.jsonl"), "--out", str(page)])
    assert result.exit_code == 0, result.output
    done = _dom(browser, page, tmp_path / "profile", "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert f"<title>reportedly: {gold.id} (gold vs rules)</title>" in dom
    comparison = compare(gold, predicted[0])
    for status in ("missed", "spurious", "boundary"):
        assert dom.count(f'class="diff-{status}"') == comparison.count(status)
    assert 'id="gold"' in dom and 'id="prediction"' in dom and dom.count('class="claims"') == 2
    console = [line for line in done.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    shot = tmp_path / "show.png"
    taken = _dom(
        browser, page, tmp_path / "profile2", "--hide-scrollbars", "--window-size=1500,1100", f"--screenshot={shot}"
    )
    assert taken.returncode == 0 and shot.read_bytes().startswith(b"\x89PNG")
    if UPDATE_SCREENSHOT:
        SCREENSHOT.write_bytes(shot.read_bytes())


def test_show_one_document_and_choose_from_jsonl(tmp_path: Path, schema: Schema) -> None:
    gold, _ = _pair()
    write_jsonl(tmp_path / "both.jsonl", [gold, replace(gold, id="d2")])
    chosen = CliRunner().invoke(
        app, ["show", str(tmp_path / "both.jsonl"), "--doc", "d2", "--out", str(tmp_path / "d2.html")]
    )
    assert chosen.exit_code == 0, chosen.output
    assert "<title>reportedly: d2</title>" in (tmp_path / "d2.html").read_text(encoding="utf-8")
    ambiguous = CliRunner().invoke(app, ["show", str(tmp_path / "both.jsonl")])
    assert ambiguous.exit_code == 1 and "RPT-SHOW-DOC" in ambiguous.output and "--doc" in ambiguous.output


def test_eval_docs_predicted_scores_only_the_predicted_documents(tmp_path: Path) -> None:
    gold = read_document(GOLD)
    write_jsonl(tmp_path / "one.jsonl", [replace(gold, provenance={"layer": "prediction", "system": "gold"})])
    args = ["eval", str(tmp_path / "one.jsonl"), "--gold", str(ROOT / "corpus"), "--split", "all", "-B", "0"]
    only = CliRunner().invoke(app, [*args, "--docs", "predicted", "--tracks", "spans"])
    assert only.exit_code == 0, only.output
    total = len(load_gold(ROOT / "corpus", split="all").documents)  # the corpus grows with every round
    assert f"scoring 1 of {total} gold document(s) of split all: only those predicted (--docs predicted)" in only.output
    assert "RPT-PRED-MISSING-DOC" not in only.output
    assert re.search(r"\| micro \| 1\.000", only.stdout)
    everything = CliRunner().invoke(app, [*args, "--tracks", "spans"])
    assert (
        everything.exit_code == 0
        and "RPT-PRED-MISSING-DOC" in everything.output
        and "--docs predicted" in everything.output
    )
