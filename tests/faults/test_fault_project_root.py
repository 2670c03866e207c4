"""Defect class 8: install root against working folder. Defaults resolve against the current
project folder; run anywhere else, a command that writes refuses instead of rewriting the files
of the checkout reportedly is installed from."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, invoke, refused, snapshot

from reportedly.schema import PACKAGE_ROOT


def _installed() -> dict[str, bytes]:
    return {name: (PACKAGE_ROOT / name).read_bytes() for name in ("LABELING.md", "schema/document.schema.json")}


def test_schema_build_outside_a_project_refuses_and_leaves_the_installed_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _installed()
    monkeypatch.chdir(tmp_path)
    refused(["schema", "build"], "RPT-PROJECT-ROOT")
    assert _installed() == before and snapshot(tmp_path) == {}


def test_schema_build_in_another_checkout_writes_there_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for part in ("schema", "LABELING.md"):
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / part)
    (tmp_path / "schema" / "document.schema.json").write_text("{}\n", encoding="utf-8")  # stale here
    before = _installed()
    monkeypatch.chdir(tmp_path)
    result = invoke(["schema", "build"])
    assert result.exit_code == 0, result.output
    assert str(tmp_path) in result.stdout
    assert (tmp_path / "schema" / "document.schema.json").read_bytes() == before["schema/document.schema.json"]
    assert _installed() == before
