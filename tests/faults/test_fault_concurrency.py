"""Defect class 7: concurrency and interrupted writers. A second run into a folder that is being
written is refused (RPT-OUT-LOCKED); two racing runs never both claim success over mixed output;
a run killed with SIGKILL mid-write leaves every old file whole; a folder the user may not write
is refused with a code and left as it was."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest
from conftest import cli_process, invoke, refused, snapshot, write_jsonl

from reportedly.outputs import TEMP_SUFFIX, FolderLock, write_files

N = 1500


def _inputs(path: Path, tag: str, n: int = N) -> Path:
    body = f"{tag} " + "The ministry said the talks would reportedly resume. " * 20
    return write_jsonl(path, [{"id": f"doc-{i:05d}", "text": f"{body}{i}"} for i in range(n)])


def _tags(folder: Path) -> set[str]:
    """Which run wrote each file (its text starts with the run's tag); every file must parse whole."""
    return {json.loads(p.read_text(encoding="utf-8"))["text"].split(" ", 1)[0] for p in folder.glob("*.json")}


def test_a_second_run_into_a_locked_folder_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    inputs = _inputs(tmp_path / "in.jsonl", "B", n=3)
    with FolderLock(out):
        refused(["convert", "text", inputs, "--out", out], "RPT-OUT-LOCKED")
        assert snapshot(out) == {}
    assert invoke(["convert", "text", inputs, "--out", out]).exit_code == 0
    assert len(snapshot(out)) == 3


def test_two_racing_runs_never_both_succeed_over_mixed_output(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    first = cli_process(
        ["convert", "text", _inputs(tmp_path / "a.jsonl", "A"), "--out", out, "--overwrite"], cwd=tmp_path
    )
    second = cli_process(
        ["convert", "text", _inputs(tmp_path / "b.jsonl", "B"), "--out", out, "--overwrite"], cwd=tmp_path
    )
    results = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in (first, second)]
    for code, stderr in results:
        assert code == 0 or (code == 1 and "error RPT-OUT-LOCKED" in stderr), stderr
    assert any(code == 0 for code, _ in results)
    tags = _tags(out)
    assert len(tags) == 1, f"one run's output, whole: {tags}"
    assert len(list(out.glob("*.json"))) == N


def test_a_run_killed_mid_write_leaves_the_old_files_whole(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    assert invoke(["convert", "text", _inputs(tmp_path / "old.jsonl", "OLD"), "--out", out]).exit_code == 0
    before = snapshot(out)
    process = cli_process(
        ["convert", "text", _inputs(tmp_path / "new.jsonl", "NEW"), "--out", out, "--overwrite"], cwd=tmp_path
    )
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if any(out.glob(f".*{TEMP_SUFFIX}")):  # it is writing its temporary files: kill it now
            os.kill(process.pid, signal.SIGKILL)
            break
        time.sleep(0.005)
    process.wait(timeout=60)
    after = {rel: data for rel, data in snapshot(out).items() if not rel.startswith(".")}
    assert set(after) == set(before)
    for rel, data in after.items():  # every file is the old one or the new one, never a half
        text = json.loads(data)["text"]
        assert data == before[rel] or text.startswith("NEW"), rel
    if process.returncode == -signal.SIGKILL:
        assert _tags(out) == {"OLD"} or "NEW" in _tags(out)
    # the next run clears what the killed one left, and completes
    assert invoke(["convert", "text", tmp_path / "new.jsonl", "--out", out, "--overwrite"]).exit_code == 0
    assert _tags(out) == {"NEW"} and not list(out.glob(f".*{TEMP_SUFFIX}"))


def test_a_killed_single_file_writer_leaves_the_old_file_whole(tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    assert invoke(["convert", "text", _inputs(tmp_path / "old.jsonl", "OLD"), "--out", out]).exit_code == 0
    before = out.read_bytes()
    process = cli_process(
        ["convert", "text", _inputs(tmp_path / "new.jsonl", "NEW"), "--out", out, "--overwrite"], cwd=tmp_path
    )
    time.sleep(0.8)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    lines = out.read_bytes()
    assert lines == before or all(json.loads(line)["text"].startswith("NEW") for line in lines.splitlines())


def test_stale_temporary_files_of_a_killed_run_are_removed_by_the_next(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    stale = out / f".doc-00001.json.abc{TEMP_SUFFIX}"
    stale.write_text("half", encoding="utf-8")
    assert write_files(out, {"doc-00001.json": "whole\n"}) == [out / "doc-00001.json"]
    assert not stale.exists() and (out / "doc-00001.json").read_text(encoding="utf-8") == "whole\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_folder_the_user_may_not_write_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    (out / "keep.json").write_text("{}", encoding="utf-8")
    out.chmod(0o555)
    try:
        refused(["convert", "text", _inputs(tmp_path / "in.jsonl", "X", n=3), "--out", out], "RPT-IO")
        assert snapshot(out) == {"keep.json": b"{}"}
    finally:
        out.chmod(0o755)


def test_a_batch_writer_that_fails_half_way_removes_its_temporary_files(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    (out / "b.json").mkdir(parents=True)  # a folder where the second file would go
    with pytest.raises(Exception) as raised:
        write_files(out, {"a.json": "one\n", "b.json": "two\n"})
    assert getattr(raised.value, "code", None) == "RPT-PATH-KIND"
    assert sorted(p.name for p in out.iterdir()) == ["b.json"]
