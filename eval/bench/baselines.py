"""Throughput and peak memory of each baseline's prediction, on this machine, in one run.

Each system runs in its own child process (so peak RSS is its own): it loads the test split,
loads its trained model from the cache (training it first if needed, which is timed apart and
not counted), then predicts the split ``--repeat`` times. Prints documents per second, peak RSS
and, as the last line, each system's speed relative to the rules baseline measured in the same run.

    .venv/bin/python eval/bench/baselines.py [--repeat 3] [--systems rules crf encoder]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def child(system: str, repeat: int) -> dict[str, float]:
    from reportedly.baselines.run import run_baseline
    from reportedly.schema import load_schema
    from reportedly.scoring.io import load_gold

    schema = load_schema()
    corpus = ROOT / "corpus"
    test = load_gold(corpus, split="test").documents
    train = load_gold(corpus, split="train").documents if system != "rules" else ()
    dev = load_gold(corpus, split="dev").documents if system != "rules" else ()
    started = time.perf_counter()
    run_baseline(system, test[:1], schema=schema, train=train, dev=dev)  # load (or train) once, warm up
    warmup = time.perf_counter() - started
    words = sum(len(d.text.split()) for d in test)
    started = time.perf_counter()
    for _ in range(repeat):
        run_baseline(system, test, schema=schema, train=train, dev=dev)
    elapsed = (time.perf_counter() - started) / repeat
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "documents": len(test),
        "words": words,
        "seconds": elapsed,
        "warmup_seconds": warmup,
        "docs_per_second": len(test) / elapsed,
        "words_per_second": words / elapsed,
        "peak_rss_mib": peak_mib,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--systems", nargs="+", default=["rules", "crf", "encoder"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.repeat)))
        return
    results = {}
    for system in args.systems:
        run = subprocess.run(
            [sys.executable, __file__, "--child", system, "--repeat", str(args.repeat)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        results[system] = json.loads(run.stdout.strip().splitlines()[-1])
        r = results[system]
        print(
            f"{system:8s} {r['documents']} docs ({r['words']} words) in {r['seconds']:.2f} s: "
            f"{r['docs_per_second']:.1f} docs/s, {r['words_per_second']:.0f} words/s, "
            f"peak RSS {r['peak_rss_mib']:.0f} MiB (model load/warm-up {r['warmup_seconds']:.1f} s)"
        )
    if "rules" in results:
        base = results["rules"]["docs_per_second"]
        print(" ".join(f"{name}_speed_vs_rules={r['docs_per_second'] / base:.3f}" for name, r in results.items()))


if __name__ == "__main__":
    main()
