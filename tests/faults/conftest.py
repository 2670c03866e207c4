"""Fault injection: small real inputs, the real command line, and checks of the files afterwards.

Every scenario asserts three things: the exit code, the incident code on stderr, and what the
files look like after the command (unchanged, or all written). Commands run through Typer's
runner (the same top-level group as the console script, guard included) or, where a process must
be killed or raced, as real subprocesses."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from reportedly.cli import app

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = json.loads((ROOT / "tests" / "fixtures" / "valid" / "minimal.json").read_text(encoding="utf-8"))
runner = CliRunner()


def record(doc_id: str = "fixture-0001", **changes: Any) -> dict[str, Any]:
    """The valid fixture document under another id, with fields replaced."""
    out = copy.deepcopy(MINIMAL)
    out["id"] = doc_id
    out.update(changes)
    return out


def layer(doc_id: str, annotator: str, *, drop: Sequence[str] = ()) -> dict[str, Any]:
    """An annotator's layer of the fixture text (without the spans in ``drop``)."""
    out = record(doc_id)
    out["spans"] = [s for s in out["spans"] if s["id"] not in drop]
    out["relations"] = [r for r in out.get("relations", []) if r["head"] not in drop and r["tail"] not in drop]
    out["provenance"] = {
        "layer": "annotation",
        "annotators": [annotator],
        "method": "fixture",
        "schema_version": "1.0.0",
    }
    return out


def write_json(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def write_jsonl(path: Path, records: Sequence[Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def make_corpus(root: Path, ids: Sequence[str] = ("fixture-0001", "fixture-0002", "fixture-0003")) -> Path:
    for doc_id in ids:
        write_json(root / "documents" / f"{doc_id}.json", record(doc_id))
    (root / "splits").mkdir(parents=True, exist_ok=True)
    for name in ("train", "dev"):
        (root / "splits" / f"{name}.txt").write_text("", encoding="utf-8")
    (root / "splits" / "test.txt").write_text("".join(f"{d}\n" for d in ids), encoding="utf-8")
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes): compare before and after a command."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def invoke(args: Sequence[str], **kwargs: Any) -> Any:
    result = runner.invoke(app, [str(a) for a in args], **kwargs)
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def refused(args: Sequence[str], code: str, **kwargs: Any) -> Any:
    """Run a command that must fail with ``code``: exit 1, the code on stderr, no traceback."""
    result = invoke(args, **kwargs)
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert f"error {code}" in result.stderr, result.stderr
    return result


def cli_process(args: Sequence[str], *, cwd: Path, env: dict[str, str] | None = None, **kwargs: Any) -> Any:
    """The real console command in a child process (for kills and races)."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.Popen(
        [sys.executable, "-m", "reportedly", *map(str, args)],
        cwd=cwd,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    return make_corpus(tmp_path / "corpus")
