"""Plans the v2.1 re-check and the second blind audit (run once from the repository root; seeded).

- ``audit-2-sample.txt``: two documents per genre, drawn from the documents outside the first
  audit sample, and their annotation-free texts in ``audit/texts/``;
- ``recheck-2.1/batches.tsv``: every gold document outside the first audit sample, in checker
  batches of similar total length (round-1 documents in their own batches: their checkers also
  check the rules v2.1 changed).
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

from reportedly.document import atomic_write_text, read_document

HERE = Path(__file__).parent
ROUND1 = Path("corpus/documents")
SEED = 20261207


def main() -> None:
    audited = set((HERE / "audit-sample.txt").read_text(encoding="utf-8").split())
    docs = [read_document(p) for d in (ROUND1, HERE / "gold") for p in sorted(d.glob("*.json"))]
    rest = [d for d in docs if d.id not in audited]
    rng = random.Random(SEED)
    by_genre: dict[str, list[str]] = defaultdict(list)
    for doc in rest:
        by_genre[str(doc.meta["genre"])].append(doc.id)
    sample = sorted(i for genre in sorted(by_genre) for i in rng.sample(by_genre[genre], 2))
    atomic_write_text(HERE / "audit-2-sample.txt", "\n".join(sample) + "\n")
    for doc in rest:
        if doc.id in sample:
            blind = {"id": doc.id, "text": doc.text, "meta": doc.meta, "spans": [], "relations": [],
                     "provenance": {"layer": "candidate", "annotators": [],
                                    "method": "text of the document, without annotations, for the second blind audit"}}
            atomic_write_text(HERE / "audit" / "texts" / f"{doc.id}.json", json.dumps(blind, ensure_ascii=False, indent=1) + "\n")
    round1_ids = {p.stem for p in ROUND1.glob("*.json")}
    lines = ["batch\tid\twords"]
    # The second audit's documents go to the first round-2 batches, checked first, so that the
    # audit compares the re-checked gold.
    for prefix, group, n_batches, sampled_into in (
        ("r1", [d for d in rest if d.id in round1_ids], 2, 2),
        ("r2", [d for d in rest if d.id not in round1_ids], 5, 3),
    ):
        loads = [0] * n_batches
        members: list[list[tuple[str, int]]] = [[] for _ in range(n_batches)]
        for doc in sorted(group, key=lambda d: (d.id not in sample, -len(d.text.split()))):
            open_batches = range(sampled_into) if doc.id in sample else range(n_batches)
            k = min(open_batches, key=lambda b: loads[b])
            words = len(doc.text.split())
            loads[k] += words
            members[k].append((doc.id, words))
        for k, batch in enumerate(members, 1):
            lines += [f"{prefix}-{k}\t{i}\t{w}" for i, w in sorted(batch)]
    (HERE / "recheck-2.1").mkdir(exist_ok=True)
    atomic_write_text(HERE / "recheck-2.1" / "batches.tsv", "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
