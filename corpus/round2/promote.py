"""Promotes round 2 into the corpus: staged gold, adjudication records and layers move into
``corpus/`` (run once from the repository root, after the re-check and both audits are applied).

Everything is checked before anything moves: every staged gold document is valid, states its
guidelines, has its a1 and a2 layers and its adjudication record, and no target file exists.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from reportedly.document import read_document
from reportedly.schema import load_schema
from reportedly.validate import check_document

HERE = Path(__file__).parent
CORPUS = Path("corpus")
LAYER_FOLDERS = ("a1", "a2", "au1", "au2")


def planned_moves() -> list[tuple[Path, Path]]:
    schema = load_schema()
    moves: list[tuple[Path, Path]] = []
    problems: list[str] = []
    for path in sorted((HERE / "gold").glob("*.json")):
        doc = read_document(path)
        errors = [i.render() for i in check_document(doc, schema) if i.is_error]
        problems += errors[:1]
        if not str(doc.provenance.get("guidelines", "")).startswith("2."):
            problems.append(f"{path}: provenance.guidelines does not state v2.x")
        for annotator in ("a1", "a2"):
            if not (HERE / "layers" / annotator / path.name).is_file():
                problems.append(f"{path}: no {annotator} layer")
        if not (HERE / "adjudication" / path.name).is_file():
            problems.append(f"{path}: no adjudication record")
        moves += [
            (path, CORPUS / "documents" / path.name),
            (HERE / "adjudication" / path.name, CORPUS / "adjudication" / path.name),
        ]
    for annotator in LAYER_FOLDERS:
        for path in sorted((HERE / "layers" / annotator).glob("*.json")):
            moves.append((path, CORPUS / "layers" / annotator / path.name))
    problems += [f"{target} exists already" for _, target in moves if target.exists()]
    if problems:
        raise SystemExit("\n".join(problems) + f"\n{len(problems)} problem(s); nothing moved")
    return moves


def main() -> int:
    moves = planned_moves()
    for source, target in moves:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
    for folder in ("gold", "adjudication", *(f"layers/{a}" for a in LAYER_FOLDERS), "layers"):
        if (HERE / folder).is_dir() and not any((HERE / folder).iterdir()):
            (HERE / folder).rmdir()
    print(f"{len(moves)} files moved into {CORPUS}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
