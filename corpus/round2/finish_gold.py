"""Finishes round-2 gold documents written by `reportedly adjudicate apply`.

Sets ``provenance.guidelines`` (the LABELING.md version the adjudicator decided against) and moves
the documents' two layers from corpus/round2/layers/<annotator>/ to corpus/layers/<annotator>/,
where the corpus keeps every annotator's layer. Checks everything first; writes nothing on error.
Usage: python corpus/round2/finish_gold.py GUIDELINES ID [ID ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
CORPUS = Path("corpus")


def main(argv: list[str]) -> int:
    guidelines, ids = argv[0], argv[1:]
    moves: list[tuple[Path, Path]] = []
    for doc_id in ids:
        gold = CORPUS / "documents" / f"{doc_id}.json"
        if not gold.exists():
            print(f"{doc_id}: no gold document yet", file=sys.stderr)
            return 1
        for annotator in ("a1", "a2"):
            source = HERE / "layers" / annotator / f"{doc_id}.json"
            target = CORPUS / "layers" / annotator / f"{doc_id}.json"
            if target.exists() and not source.exists():
                continue  # moved by an earlier run
            if not source.exists() or target.exists():
                print(f"{doc_id}: cannot move {source} to {target}", file=sys.stderr)
                return 1
            moves.append((source, target))
    for doc_id in ids:
        path = CORPUS / "documents" / f"{doc_id}.json"
        record = json.loads(path.read_text(encoding="utf-8"))
        record["provenance"]["guidelines"] = guidelines
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        tmp.replace(path)
    for source, target in moves:
        source.replace(target)
    print(f"{len(ids)} gold documents state guidelines {guidelines}; {len(moves)} layers moved")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
