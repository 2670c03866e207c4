"""How fast the command line answers ``--help``: ``reportedly --help`` and every subcommand's.

Each is run ``--repeat`` times as a fresh process (what a user waits for); the script prints the
median wall time per command, the slowest, and a bare ``python -c pass`` measured in the same run
for scale. The target is under 0.5 s for each (heavy libraries are imported inside the commands).

    .venv/bin/python eval/bench/cli_help.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

TARGET_SECONDS = 0.5
# `python -m reportedly` runs the code of whoever runs the bench (a worktree on PYTHONPATH included);
# the `reportedly` script next to the interpreter runs whatever checkout the venv was installed from
COMMAND = [sys.executable, "-m", "reportedly"]


def wall(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def commands() -> list[list[str]]:
    """Every command and group of the app, from the app itself."""
    import typer.main

    from reportedly.cli import app

    group = typer.main.get_command(app)
    out: list[list[str]] = [[]]
    for name, command in sorted(getattr(group, "commands", {}).items()):
        out.append([name])
        for sub in sorted(getattr(command, "commands", {})):
            out.append([name, sub])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    bare = wall([sys.executable, "-c", "pass"], args.repeat)
    print(f"python -c pass: {bare:.3f} s (median of {args.repeat})")
    results = {}
    for words in commands():
        results[" ".join(["reportedly", *words, "--help"])] = wall([*COMMAND, *words, "--help"], args.repeat)
    for name, seconds in results.items():
        print(f"{seconds:.3f} s  {name}{'' if seconds < TARGET_SECONDS else '  (over the target)'}")
    slowest = max(results, key=lambda k: results[k])
    print(
        f"help_top_seconds={results['reportedly --help']:.3f} help_slowest_seconds={results[slowest]:.3f} "
        f"({slowest}) target={TARGET_SECONDS} python_startup_seconds={bare:.3f}"
    )


if __name__ == "__main__":
    main()
