"""`reportedly --help` stays fast: importing the command line pulls in none of the heavy libraries."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = (
    *("numpy", "scipy", "sklearn", "jsonschema", "krippendorff", "spacy", "torch", "datasets", "rapidfuzz", "yaml"),
    *("httpx", "label_studio", "label_studio_sdk", "urllib.request", "http.client", "ssl"),
    # reportedly's converters, Label Studio client and publisher: each pulls in some of the above
    *("reportedly.convert.brat", "reportedly.convert.labelstudio", "reportedly.quotes", "reportedly.validate"),
    *("reportedly.studio.client", "reportedly.studio.server", "reportedly.publish", "reportedly.scoring"),
)


def test_the_command_line_imports_no_heavy_library() -> None:
    code = f"import sys, reportedly.cli, reportedly; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert found == []


@pytest.mark.parametrize("words", [[], ["eval"], ["convert", "brat-import"], ["studio", "push"]])
def test_a_help_page_imports_no_heavy_library(words: list[str]) -> None:
    # pydantic too: Typer imports it to coerce a group's --help left unset (reportedly.cli.app.HelpGroup)
    code = "\n".join(
        [
            "import sys",
            "from reportedly.cli import app",
            "try:",
            f"    app({[*words, '--help']!r})",
            "except SystemExit:",
            "    pass",
            f"print(' '.join(m for m in {(*HEAVY, 'pydantic')!r} if m in sys.modules), file=sys.stderr)",
        ]
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Usage:" in run.stdout
    assert run.stderr.split() == []


def test_the_defaults_the_command_line_copies_match_their_source() -> None:
    """A few defaults shown in the help are copied into the command line, because their modules are heavy."""
    from reportedly.cli import convert, leaderboard, publish
    from reportedly.cli import eval as eval_command
    from reportedly.leaderboard import RESAMPLES
    from reportedly.publish.corpus import DATASET_URL
    from reportedly.quotes import DEFAULT_FUZZY_THRESHOLD
    from reportedly.scoring.evaluate import DEFAULT_RESAMPLES

    assert eval_command.DEFAULT_RESAMPLES == DEFAULT_RESAMPLES
    assert convert.DEFAULT_FUZZY_THRESHOLD == DEFAULT_FUZZY_THRESHOLD
    assert leaderboard.RESAMPLES == RESAMPLES
    assert publish.DATASET_URL == DATASET_URL
