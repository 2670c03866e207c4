"""The HTML report is self-contained and opens in headless Chromium without errors."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_scoring_fixtures import gold_documents, perturbed

from reportedly.evaluation import evaluate
from reportedly.schema import Schema
from reportedly.scoring.html import to_html


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed: CI must run `apt-get install -y chromium` before the tests")
    pytest.skip("chromium is not installed (apt-get install -y chromium)")


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
    browser = _chromium()
    page = tmp_path / "report.html"
    page.write_text(_report(schema), encoding="utf-8")
    done = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
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
