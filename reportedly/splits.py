"""Deterministic train/dev/test splits, stratified by genre and stable as the corpus grows.

A document ``<genre>-<NNNN>`` goes by its number: within each genre, numbers 1-3 of every five go
to train, the 4th to dev, the 5th to test (about 60/20/20 per genre). A document's split never
depends on which other documents exist, so adding documents never moves old ones. Ids without a
trailing number fall back to a SHA-256 bucket with the same proportions.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from reportedly.generated import Outcome, update
from reportedly.incidents import ReportedlyError
from reportedly.names import check_name
from reportedly.outputs import write_files

SPLITS = ("train", "dev", "test")
_NUMBER = re.compile(r"(\d+)$")


def parse_split(text: str) -> list[tuple[int, str]]:
    """``(line number, document id)`` of a split file's text; blank lines and ``#`` comments skipped."""
    entries = ((number, line.strip()) for number, line in enumerate(text.splitlines(), start=1))
    return [(number, doc_id) for number, doc_id in entries if doc_id and not doc_id.startswith("#")]


def split_of(doc_id: str) -> str:
    match = _NUMBER.search(doc_id)
    number = int(match.group(1)) if match else int(hashlib.sha256(doc_id.encode()).hexdigest(), 16)
    position = (number - 1) % 5
    return "train" if position < 3 else ("dev" if position == 3 else "test")


def assign(doc_ids: Iterable[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {name: [] for name in SPLITS}
    for doc_id in sorted(doc_ids):
        out[split_of(doc_id)].append(doc_id)
    return out


def write_splits(folder: Path, doc_ids: Iterable[str], *, check: bool = False) -> list[Outcome]:
    """Write (or check) ``<folder>/{train,dev,test}.txt``, one id per line: the three files together
    or none, and never from no documents at all (that would empty the real split files)."""
    ids = [check_name(doc_id, what="document id") for doc_id in doc_ids]
    if not ids:
        raise ReportedlyError.of(
            "RPT-NOTHING-TO-WRITE", "no documents to split; the split files are left as they are", file=str(folder)
        )
    contents = {f"{name}.txt": "".join(f"{doc_id}\n" for doc_id in chosen) for name, chosen in assign(ids).items()}
    if check:
        return [update(Path(folder) / name, content, check=True) for name, content in contents.items()]
    changed = set(write_files(Path(folder), contents))
    return [Outcome(Path(folder) / name, Path(folder) / name in changed) for name in contents]
