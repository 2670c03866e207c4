"""The HTML report is self-contained and opens in headless Chromium without errors."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from browser import FLAGS, chromium_or_skip
from test_scoring_fixtures import gold_documents, perturbed

from reportedly.schema import Schema
from reportedly.scoring.evaluate import evaluate
from reportedly.scoring.html import to_html


def _report(schema: Schema) -> str:
    gold = gold_documents()
    return to_html(evaluate(gold, perturbed(gold), schema=schema, resamples=200, vs=gold))


def test_html_is_self_contained(schema: Schema) -> None:
    page = _report(schema)
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page), "external resource"
    for plot in ("plot-f1", "plot-confusion", "plot-profile-unnamed_source", "plot-profile-hedges_per_claim"):
        assert f'id="{plot}"' in page


def test_html_opens_in_headless_chromium(tmp_path: Path, schema: Schema) -> None:
    browser = chromium_or_skip()
    page = tmp_path / "report.html"
    page.write_text(_report(schema), encoding="utf-8")
    done = subprocess.run(
        [
            browser,
            *FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert "<title>reportedly evaluation: perturbed</title>" in dom
    for plot in ("plot-f1", "plot-confusion", "plot-profile-unattributed"):
        assert f'id="{plot}"' in dom
    assert dom.count("<table>") >= 5
    console = [line for line in done.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
