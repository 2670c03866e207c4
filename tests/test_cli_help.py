"""`reportedly --help` stays fast: importing the command line pulls in none of the heavy libraries."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("numpy", "scipy", "sklearn", "jsonschema", "krippendorff", "spacy", "torch", "httpx", "label_studio")


def test_the_command_line_imports_no_heavy_library() -> None:
    code = f"import sys, reportedly.cli, reportedly; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert found == []


def test_the_eval_default_resamples_match_the_scorer() -> None:
    from reportedly.cli.eval import DEFAULT_RESAMPLES
    from reportedly.scoring.evaluate import DEFAULT_RESAMPLES as SCORER_DEFAULT

    assert DEFAULT_RESAMPLES == SCORER_DEFAULT
