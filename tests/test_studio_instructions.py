"""The instructions setup sends are what Label Studio stores (it cleans them with bleach), so a
second setup sees no change; lists that do not start at 1 keep their numbers."""

from __future__ import annotations

import re

import pytest

from reportedly.schema import PACKAGE_ROOT
from reportedly.studio.client import as_label_studio_stores, instructions_html

bleach = pytest.importorskip("bleach")
constants = pytest.importorskip("label_studio.constants")


def _label_studio_cleans(html: str) -> str:
    """What label_studio/projects/serializers.py does to ``expert_instruction``."""
    return str(bleach.clean(html, tags=constants.SAFE_HTML_TAGS, attributes=constants.SAFE_HTML_ATTRIBUTES))


def test_labeling_md_is_sent_as_label_studio_stores_it() -> None:
    html = instructions_html((PACKAGE_ROOT / "LABELING.md").read_text(encoding="utf-8"))
    assert _label_studio_cleans(html) == html
    assert as_label_studio_stores(html) == html
    assert "<table>" in html and "<h2>" in html and "start=" not in html


def test_a_list_that_does_not_start_at_one_keeps_its_numbers() -> None:
    html = instructions_html("Steps:\n\n3. third\n4. fourth\n   - a detail\n5. fifth\n\nThen:\n\n1. one\n2. two\n")
    assert _label_studio_cleans(html) == html
    assert re.findall(r'<li value="(\d+)">', html) == ["3", "4", "5"]  # the nested bullet list is not numbered
    assert "<li>one</li>" in html and "<li>two</li>" in html  # a list from 1 needs no numbers


def test_what_label_studio_would_drop_is_dropped_before_sending() -> None:
    html = instructions_html("| a | b |\n|--:|:--|\n| 1 | 2 |\n")
    assert "style=" not in html and _label_studio_cleans(html) == html
