"""Stamps round-2 gold written by `reportedly adjudicate apply` with the guidelines it conforms to.

Round-2 gold is staged in corpus/round2/gold/ (records in corpus/round2/adjudication/, layers in
corpus/round2/layers/) until the whole round is adjudicated; then all of it moves into corpus/
at once, so the benchmark's splits and leaderboard change in one step.
Usage: python corpus/round2/finish_gold.py GUIDELINES ID [ID ...]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from reportedly.document import atomic_write_text

GOLD = Path(__file__).parent / "gold"


def main(argv: list[str]) -> int:
    if len(argv) < 2 or not re.fullmatch(r"[0-9]+\.[0-9]+", argv[0]):
        print(__doc__, file=sys.stderr)
        return 2
    guidelines, ids = argv[0], argv[1:]
    missing = [doc_id for doc_id in ids if not (GOLD / f"{doc_id}.json").exists()]
    if missing:
        print(f"no staged gold for {missing}; nothing written", file=sys.stderr)
        return 1
    for doc_id in ids:
        path = GOLD / f"{doc_id}.json"
        record = json.loads(path.read_text(encoding="utf-8"))
        record["provenance"]["guidelines"] = guidelines
        atomic_write_text(path, json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    print(f"{len(ids)} staged gold documents state guidelines {guidelines}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
