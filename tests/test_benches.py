"""The benchmark scripts under eval/bench/ still run: each on a tiny workload, in a subprocess,
checking the agreement it reports and the ratio lines it ends with (never a timing)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "eval" / "bench"


def bench(script: str, *args: str) -> str:
    """Run one bench script; its standard output (it must exit 0)."""
    run = subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


def test_the_scoring_bench_agrees_with_nervaluate_and_prints_its_ratios() -> None:
    out = bench("scoring.py", "--docs", "40", "--spans", "8", "--repeat", "1")
    lines = out.strip().splitlines()
    assert "MISMATCH" not in out
    assert re.search(r"counts agree \(\d+ schemes x micro \+ 4 labels\): yes", out)
    assert re.fullmatch(r"eval_vs_parse=\d+\.\d\d", lines[-2])
    assert re.fullmatch(r"speedup_vs_nervaluate=\d+\.\d", lines[-1])


def test_the_prediction_bench_measures_rules_on_one_and_two_processes() -> None:
    out = bench("predict.py", "--systems", "rules", "--repeat", "1", "--jobs", "2")
    assert re.search(r"^rules +\d+ docs \(\d+ words\) in [\d.]+ s: [\d.]+ docs/s warm \([\d.]+ cold\)", out, re.M)
    assert re.search(r"^rules_speed_vs_rules=1\.000 rules:jobs2_speed_vs_rules=\d+\.\d{3}$", out, re.M)


def test_the_help_bench_times_every_command() -> None:
    out = bench("cli_help.py", "--repeat", "1")
    assert re.search(r"^[\d.]+ s +reportedly studio serve --help$", out, re.M)
    assert re.fullmatch(
        r"help_top_seconds=[\d.]+ help_slowest_seconds=[\d.]+ \(reportedly[\w -]+ --help\) target=0\.5 "
        r"python_startup_seconds=[\d.]+",
        out.strip().splitlines()[-1],
    )
