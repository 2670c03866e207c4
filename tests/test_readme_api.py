"""The README's Python example runs as written (it trains the crf on the corpus on first use: slow)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_readme_python_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- python-api[^>]*-->\n```python\n(.*?)```", readme, re.DOTALL)
    assert found, "README.md lost its Python API example"
    monkeypatch.chdir(ROOT)  # the example uses ./corpus and the ./.cache of a checkout
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(found.group(1), "README.md (python-api)", "exec"), {})
    lines = printed.getvalue().splitlines()
    assert any(line.startswith("SOURCE ") and "Officials familiar with the talks" in line for line in lines), lines
    # which relations the crf finds depends on the corpus it was trained on (annotation rounds change
    # it): the example must print some, in its "label head -> tail" form
    assert any(re.fullmatch(r"(attributed_to|introduced_by|hedges) .+ -> .+", line) for line in lines), lines
    assert re.fullmatch(r"crf [0-9a-f]{12}", lines[-1])
