"""Renames recurring invented names in round-1 documents, moving every offset with the text.

Round 1 reused a few invented names across many documents ("Velmora" in 41 of 65), which lets a
model learn names instead of sourcing. ``renames/<id>.json`` (written by a renaming session) maps
each old name to a new one for one document: ``{"id", "replacements": {old: new}, "invented_names"}``.

This script applies a map to the gold document, every annotator layer and the adjudication record of
that document: whole-word replacements (longest names first), then every ``start``/``end`` pair is
carried to the new text and every span ``text`` is re-read from it and checked against the old
span text with the same replacements. Everything is checked before anything is written.
Run from the repository root: python corpus/round2/rename.py [ID ...]
"""

from __future__ import annotations

import json
import re
import sys
from bisect import bisect_right
from collections.abc import Mapping
from pathlib import Path

from reportedly.document import atomic_write_text
from typing import Any

ROOT = Path("corpus")
HERE = Path(__file__).parent


def pattern(replacements: Mapping[str, str]) -> re.Pattern[str]:
    names = sorted(replacements, key=len, reverse=True)
    if not names:
        return re.compile(r"(?!)")  # matches nothing: a document with no recurring names
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)")


class Renamer:
    """One document's replacement, with the offset map from old to new text."""

    def __init__(self, text: str, replacements: Mapping[str, str]) -> None:
        self.replacements = dict(replacements)
        self.regex = pattern(replacements)
        self.starts: list[int] = []  # old start of each replaced name
        self.ends: list[int] = []
        self.shift_after: list[int] = []  # cumulative shift after each replaced name
        parts: list[str] = []
        last = shift = 0
        for match in self.regex.finditer(text):
            new = self.replacements[match.group(0)]
            parts += [text[last : match.start()], new]
            shift += len(new) - (match.end() - match.start())
            self.starts.append(match.start())
            self.ends.append(match.end())
            self.shift_after.append(shift)
            last = match.end()
        parts.append(text[last:])
        self.old_text = text
        self.new_text = "".join(parts)

    def position(self, old: int) -> int:
        """The new offset of an old one (shifted by every name that ends at or before it)."""
        i = bisect_right(self.starts, old) - 1
        if i >= 0 and self.starts[i] < old < self.ends[i]:
            raise ValueError(f"offset {old} falls inside the name {self.old_text[self.starts[i] : self.ends[i]]!r}")
        k = bisect_right(self.ends, old)
        return old + (self.shift_after[k - 1] if k > 0 else 0)

    def rename(self, value: str) -> str:
        return self.regex.sub(lambda m: self.replacements[m.group(0)], value)

    def carry(self, node: Any) -> Any:
        """Every {start, end, text} inside ``node`` moved to the new text; other strings renamed."""
        if isinstance(node, dict):
            out = {key: self.carry(value) for key, value in node.items()}
            if isinstance(node.get("start"), int) and isinstance(node.get("end"), int) and "text" in node:
                start = self.position(node["start"])
                end = self.position(node["end"])
                out.update(start=start, end=end, text=self.new_text[start:end])
                if out["text"] != self.rename(node["text"]):
                    raise ValueError(f"span {node.get('id', '?')} reads {out['text']!r} after renaming")
            return out
        if isinstance(node, list):
            return [self.carry(value) for value in node]
        if isinstance(node, str):
            return self.new_text if node == self.old_text else self.rename(node)
        return node


def plan(doc_id: str) -> list[tuple[Path, str]]:
    spec = json.loads((HERE / "renames" / f"{doc_id}.json").read_text(encoding="utf-8"))
    gold_path = ROOT / "documents" / f"{doc_id}.json"
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    renamer = Renamer(gold["text"], spec["replacements"])
    missing = [name for name in spec["invented_names"] if name not in renamer.new_text]
    if missing:
        raise ValueError(f"{doc_id}: invented names not in the renamed text: {missing}")
    out: list[tuple[Path, str]] = []
    paths = [gold_path, *sorted((ROOT / "layers").glob(f"*/{doc_id}.json")), ROOT / "adjudication" / f"{doc_id}.json"]
    for path in paths:
        if not path.exists():
            continue
        record = json.loads(path.read_text(encoding="utf-8"))
        if "text" in record and record["text"] != gold["text"]:
            raise ValueError(f"{path}: text differs from the gold text")
        carried = renamer.carry({k: v for k, v in record.items() if k not in ("provenance", "id")})
        new = {"id": record["id"], **carried}
        if "provenance" in record:
            new["provenance"] = record["provenance"]
        new = {key: new[key] for key in record}  # keep the file's key order
        if "meta" in new:
            new["meta"] = {**new["meta"], "invented_names": sorted(spec["invented_names"])}
        out.append((path, json.dumps(new, ensure_ascii=False, indent=2) + "\n"))
    return out


def main(ids: list[str]) -> int:
    ids = ids or sorted(p.stem for p in (HERE / "renames").glob("*.json"))
    writes: list[tuple[Path, str]] = []
    problems: list[str] = []
    for doc_id in ids:
        try:
            writes += plan(doc_id)
        except (OSError, ValueError, KeyError) as exc:
            problems.append(f"{doc_id}: {exc}")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print(f"{len(problems)} problem(s); nothing written", file=sys.stderr)
        return 1
    for path, content in writes:
        atomic_write_text(path, content)
    print(f"{len(ids)} documents renamed, {len(writes)} files rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
