"""Prediction throughput and peak memory of each system, on one process and with ``--jobs N``,
relative to the rules system measured in the same run.

Each measurement runs in its own child process (so peak RSS is its own): it loads the system
(a trained model from the cache; without one, it trains a quick one first, timed apart, and says
so: speed does not depend on how well a model was trained), warms up on one document, then
predicts every corpus document, as ``reportedly predict`` does: once "cold" (what one run on new
texts costs: spaCy's tokenizer has not yet cached their words), then ``--repeat`` times "warm"
(every process starts with the words cached), keeping the best warm time, since a shared
machine's slow spells only ever add time. The encoder is measured batched (its default) and one
chunk per call, one document at a time (the path before batching). Prints docs/s, words/s and
peak RSS per run, and as the last line each run's warm speed relative to rules on one process.

    .venv/bin/python eval/bench/predict.py [--repeat 3] [--jobs 2] [--systems rules crf encoder]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _system(name: str, schema: object) -> tuple[object, str]:
    from reportedly.baselines.models import train_model, training_data
    from reportedly.baselines.system import load_system
    from reportedly.incidents import ReportedlyError

    try:
        return load_system(name, schema=schema, corpus=ROOT / "corpus", train=False), "cached model"  # type: ignore[arg-type]
    except ReportedlyError:
        folder = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
        train, dev = training_data(ROOT / "corpus")
        started = time.perf_counter()
        train_model(name, schema=schema, train=train, dev=dev, out=folder, max_steps=1)  # type: ignore[arg-type]
        return load_system(folder, schema=schema), f"quick model trained in {time.perf_counter() - started:.0f} s"  # type: ignore[arg-type]


def child(run: str, repeat: int, jobs: int) -> dict[str, object]:
    from reportedly.predict import predict_parallel
    from reportedly.schema import load_schema
    from reportedly.scoring.io import load_gold

    schema = load_schema()
    test = list(load_gold(ROOT / "corpus", split="all").documents)
    name = run.split(":")[0]
    started = time.perf_counter()
    system, model = _system(name, schema)
    predict = system.predict  # type: ignore[attr-defined]
    if run == "encoder:per-document":
        from reportedly.baselines.models import load_model

        _, encoder_model = load_model(Path(system.info["folder"]), schema)  # type: ignore[attr-defined]

        def predict(documents: list[object]) -> list[object]:
            return [encoder_model.predict([d], schema, batch_size=1)[0] for d in documents]

    predict(test[:1])
    warmup = time.perf_counter() - started
    words = sum(len(d.text.split()) for d in test)
    started = time.perf_counter()
    predict_parallel(predict, test, jobs=jobs)
    cold = time.perf_counter() - started
    predict(test)  # this process has now seen every text: forked workers start warm too
    elapsed = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        predict_parallel(predict, test, jobs=jobs)
        elapsed = min(elapsed, time.perf_counter() - started)
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    )
    return {
        "documents": len(test),
        "words": words,
        "seconds": elapsed,
        "warmup_seconds": warmup,
        "docs_per_second": len(test) / elapsed,
        "cold_docs_per_second": len(test) / cold,
        "words_per_second": words / elapsed,
        "peak_rss_mib": peak / 1024,
        "model": model,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2, help="also measure with this many worker processes (rules, crf)")
    parser.add_argument("--systems", nargs="+", default=["rules", "crf", "encoder"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-jobs", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.repeat, args.child_jobs)))
        return
    runs: list[tuple[str, int]] = []
    for system in args.systems:
        runs.append((system, 1))
        if system == "encoder":
            runs.append(("encoder:per-document", 1))
        elif args.jobs > 1:
            runs.append((system, args.jobs))
    results = {}
    for run, jobs in runs:
        done = subprocess.run(
            [sys.executable, __file__, "--child", run, "--repeat", str(args.repeat), "--child-jobs", str(jobs)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        label = run if jobs == 1 else f"{run}:jobs{jobs}"
        results[label] = r = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{label:22s} {r['documents']} docs ({r['words']} words) in {r['seconds']:.2f} s: "
            f"{r['docs_per_second']:.1f} docs/s warm ({r['cold_docs_per_second']:.1f} cold), "
            f"{r['words_per_second']:.0f} words/s, "
            f"peak RSS {r['peak_rss_mib']:.0f} MiB (load/warm-up {r['warmup_seconds']:.1f} s; {r['model']})"
        )
    if "rules" in results:
        base = results["rules"]["docs_per_second"]
        print(" ".join(f"{name}_speed_vs_rules={r['docs_per_second'] / base:.3f}" for name, r in results.items()))
    if "encoder" in results and "encoder:per-document" in results:
        ratio = results["encoder"]["docs_per_second"] / results["encoder:per-document"]["docs_per_second"]
        print(f"encoder_batched_vs_per_document={ratio:.2f}")


if __name__ == "__main__":
    main()
