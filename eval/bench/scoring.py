"""Benchmark: the span scorer of reportedly against nervaluate, in one run, on the same input.

Generates a seeded synthetic workload (10,000 documents, about 30 gold spans each; 80% predicted
exactly, 10% with a shifted boundary, 5% missed, plus 5% extra spurious predictions), writes it
as JSONL, parses it (the floor: no scorer can be faster than reading its input), then scores it
with ``reportedly.evaluate`` (spans track: strict, exact, partial and type, micro and per label)
and with nervaluate, checks that every count agrees, and prints times and peak memory. It also
times the whole of ``reportedly eval PRED --gold GOLD --split all -B 0 --tracks spans`` from the
files (reading, checking, scoring and the Markdown report) against a bare ``json.loads`` of every
line of both files. The second last line is ``eval_vs_parse=<ratio>`` (end to end / bare parse),
the last ``speedup_vs_nervaluate=<ratio>``.

Both scorers start from the same parsed documents and each pays for converting them into its
own input. Time is the best of ``--repeat`` runs; peak memory is measured with tracemalloc in a
separate run of each (so tracing does not distort the times).

    .venv/bin/python eval/bench/scoring.py [--docs 10000] [--spans 30] [--seed 0] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nervaluate import Evaluator

from reportedly.document import Document, Span, read_jsonl, write_jsonl
from reportedly.scoring.evaluate import evaluate
from reportedly.scoring.report import to_markdown
from reportedly.scoring.spans import CATEGORIES, SCHEMES

LABELS = ("CLAIM", "SOURCE", "CUE", "HEDGE")
# the schemes both scorers have (reportedly's one-to-one ``overlap`` has no nervaluate peer)
NERVALUATE_NAME = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}
WORDS = ("the", "a", "said", "may", "reportedly", "officials", "ministry", "bridge", "close", "about", "ferries")


def workload(n_docs: int, n_spans: int, seed: int) -> tuple[list[Document], list[Document]]:
    """Gold and predicted documents; spans never overlap or touch except a gold span and its prediction."""
    rng = random.Random(seed)
    gold_docs, pred_docs = [], []
    for d in range(n_docs):
        layout: list[tuple[int, int, str, str]] = []  # (start, end, label, fate)
        pos = 0
        for _ in range(n_spans):
            pos += rng.randint(10, 24)
            length = rng.randint(3, 40)
            r = rng.random()
            fate = "exact" if r < 0.80 else "shift" if r < 0.90 else "miss" if r < 0.95 else "extra"
            layout.append((pos, pos + length, rng.choice(LABELS), fate))
            pos += length
        pos += 12
        words: list[str] = []
        while sum(len(w) + 1 for w in words) < pos:
            words.append(rng.choice(WORDS))
        text = " ".join(words)[:pos]
        gold, pred = [], []
        for i, (start, end, label, fate) in enumerate(layout):
            if fate == "extra":  # a spurious prediction in the gap before this slot, no gold span
                s = start - rng.randint(4, 6)
                pred.append(Span(f"P{i}", rng.choice(LABELS), s, s + 2, text[s : s + 2]))
                continue
            gold.append(Span(f"G{i}", label, start, end, text[start:end]))
            if fate == "exact":
                pred.append(Span(f"P{i}", label, start, end, text[start:end]))
            elif fate == "shift":
                s, e = start, end
                while (s, e) == (start, end) or e - s < 2:
                    s, e = start + rng.choice((-2, -1, 0, 1, 2)), end + rng.choice((-2, -1, 0, 1, 2))
                pred.append(Span(f"P{i}", label, s, e, text[s:e]))
        gold_docs.append(Document(f"doc-{d:05d}", text, spans=tuple(gold), provenance={"layer": "gold"}))
        pred_docs.append(
            Document(f"doc-{d:05d}", text, spans=tuple(pred), provenance={"layer": "prediction", "system": "synthetic"})
        )
    return gold_docs, pred_docs


def score_reportedly(gold: list[Document], pred: list[Document]) -> dict[str, list[int]]:
    result = evaluate(gold, pred, tracks=["spans"], resamples=0)
    out = {}
    for scheme in SCHEMES:
        if scheme.value not in NERVALUATE_NAME:
            continue
        for table in ("micro", *LABELS):
            out[f"{scheme.value}/{table}"] = [result.counts[f"spans_{scheme.value}_{table}_{c}"] for c in CATEGORIES]
    return out


def score_nervaluate(gold: list[Document], pred: list[Document]) -> dict[str, list[int]]:
    # nervaluate's offsets are inclusive: end - 1
    true = [[{"label": s.label, "start": s.start, "end": s.end - 1} for s in d.spans] for d in gold]
    guess = [[{"label": s.label, "start": s.start, "end": s.end - 1} for s in d.spans] for d in pred]
    results = Evaluator(true, guess, tags=list(LABELS), loader="dict").evaluate()
    out = {}
    for scheme in SCHEMES:
        if scheme.value not in NERVALUATE_NAME:
            continue
        name = NERVALUATE_NAME[scheme.value]
        for table in ("micro", *LABELS):
            r = results["overall"][name] if table == "micro" else results["entities"][table][name]
            out[f"{scheme.value}/{table}"] = [r.correct, r.incorrect, r.partial, r.missed, r.spurious]
    return out


def bare_parse(*paths: Path) -> int:
    """The floor of reading: ``json.loads`` of every line, nothing else."""
    records = 0
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            json.loads(line)
            records += 1
    return records


def end_to_end(gold: Path, pred: Path) -> str:
    """What ``reportedly eval PRED --gold GOLD --split all -B 0 --tracks spans`` does, in process."""
    return to_markdown(evaluate(gold, pred, tracks=["spans"], resamples=0, split="all"))


def best_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def peak_mib(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--spans", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    gold, pred = workload(args.docs, args.spans, args.seed)
    n_gold, n_pred = sum(len(d.spans) for d in gold), sum(len(d.spans) for d in pred)
    print(f"workload: {len(gold)} documents, {n_gold} gold spans, {n_pred} predicted spans (seed {args.seed})")
    with tempfile.TemporaryDirectory() as tmp:
        gold_path, pred_path = Path(tmp) / "gold.jsonl", Path(tmp) / "pred.jsonl"
        write_jsonl(gold_path, gold)
        write_jsonl(pred_path, pred, include_text=False)

        def parse() -> tuple[list[Document], list[Document]]:
            g = read_jsonl(gold_path)
            return g, read_jsonl(pred_path, texts={d.id: d.text for d in g})

        parse_s, (gold, pred) = best_time(parse, args.repeat)
        # the floor and the whole run alternate, so that a slow spell of a shared machine falls on both
        bare_s = end_to_end_s = float("inf")
        for _ in range(args.repeat):
            bare_s = min(bare_s, best_time(lambda: bare_parse(gold_path, pred_path), 1)[0])
            end_to_end_s = min(end_to_end_s, best_time(lambda: end_to_end(gold_path, pred_path), 1)[0])
    print(f"parse (floor): {parse_s:.3f} s for both files into documents; bare json.loads {bare_s:.3f} s")
    print(f"reportedly eval end to end (files -> Markdown report, spans, -B 0): {end_to_end_s:.3f} s")

    ours_s, ours = best_time(lambda: score_reportedly(gold, pred), args.repeat)
    theirs_s, theirs = best_time(lambda: score_nervaluate(gold, pred), args.repeat)
    ours_mib = peak_mib(lambda: score_reportedly(gold, pred))
    theirs_mib = peak_mib(lambda: score_nervaluate(gold, pred))
    mismatched = [k for k in ours if ours[k] != theirs[k]]
    for key in mismatched:
        print(f"MISMATCH {key}: reportedly {ours[key]} vs nervaluate {theirs[key]}")
    print(f"strict micro COR/INC/PAR/MIS/SPU: {ours['strict/micro']}; partial: {ours['partial/micro']}")
    agree = "yes" if not mismatched else "NO"
    print(f"counts agree ({len(NERVALUATE_NAME)} schemes x micro + {len(LABELS)} labels): {agree}")
    print(f"reportedly: {ours_s:.3f} s, peak {ours_mib:.1f} MiB")
    print(f"nervaluate: {theirs_s:.3f} s, peak {theirs_mib:.1f} MiB")
    print(f"eval_vs_parse={end_to_end_s / bare_s:.2f}")
    print(f"speedup_vs_nervaluate={theirs_s / ours_s:.1f}")
    return 1 if mismatched else 0


if __name__ == "__main__":
    sys.exit(main())
