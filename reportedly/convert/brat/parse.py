"""Parsing ``.ann`` lines: text-bound T, attributes A/M, relations R, events E, equivalences *,
notes # and normalizations N; every line that does not parse is an issue, never an exception."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from reportedly.convert.issues import Issue

# --- parsing .ann -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TextBound:
    id: str
    type: str
    fragments: tuple[tuple[int, int], ...]
    text: str | None
    line: int


@dataclass(frozen=True)
class AttributeLine:
    id: str
    name: str
    target: str
    value: str | None
    line: int


@dataclass(frozen=True)
class RelationLine:
    id: str
    type: str
    args: tuple[tuple[str, str], ...]  # (role, id)
    line: int


@dataclass(frozen=True)
class EventLine:
    id: str
    type: str
    trigger: str
    args: tuple[tuple[str, str], ...]
    line: int


@dataclass(frozen=True)
class EquivLine:
    type: str
    ids: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class NoteLine:
    id: str
    type: str
    target: str
    text: str
    line: int


@dataclass(frozen=True)
class Ann:
    """The parsed lines of one ``.ann`` file, in file order per kind."""

    textbounds: tuple[TextBound, ...] = ()
    attributes: tuple[AttributeLine, ...] = ()
    relations: tuple[RelationLine, ...] = ()
    events: tuple[EventLine, ...] = ()
    equivs: tuple[EquivLine, ...] = ()
    notes: tuple[NoteLine, ...] = ()


_FRAGMENT = re.compile(r"^(\d+) (\d+)$")
_ROLE_ARG = re.compile(r"^([^:\s]+):(\S+)$")


def parse_ann(content: str, *, file: str = "<ann>") -> tuple[Ann, list[Issue]]:
    """Parse ``.ann`` text; every line that does not parse is an RPT-BRAT-PARSE issue."""
    issues: list[Issue] = []
    kinds: dict[str, list[Any]] = {k: [] for k in ("T", "A", "R", "E", "*", "#")}
    seen: dict[str, int] = {}
    for number, raw in enumerate(content.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue

        def bad(message: str, number: int = number, line: str = line) -> None:
            issues.append(Issue("RPT-BRAT-PARSE", f"{message}: {line[:80]!r}", file, number))

        parts = line.split("\t")
        ann_id = parts[0].strip()
        kind = ann_id[:1]
        if kind in "TAMREN#" and ann_id != "*" and kind:
            if ann_id in seen:
                issues.append(Issue("RPT-BRAT-DUPLICATE-ID", f"{ann_id} is also on line {seen[ann_id]}", file, number))
                continue
            seen[ann_id] = number
        body = parts[1].split() if len(parts) > 1 else []
        if kind == "T":
            if len(parts) < 2 or not body:
                bad("a T line needs 'T1<TAB>Type START END<TAB>text'")
                continue
            brat_type, _, offsets = parts[1].partition(" ")
            fragments = []
            for fragment in offsets.split(";"):
                match = _FRAGMENT.match(fragment.strip())
                if not match:
                    break
                fragments.append((int(match.group(1)), int(match.group(2))))
            else:
                kinds["T"].append(
                    TextBound(
                        ann_id, brat_type, tuple(fragments), "\t".join(parts[2:]) if len(parts) > 2 else None, number
                    )
                )
                continue
            bad("the offsets must be 'START END' pairs separated by ';'")
        elif kind in ("A", "M"):
            if len(body) not in (2, 3):
                bad(f"an {kind} line needs '{ann_id}<TAB>Name TARGET [VALUE]'")
                continue
            kinds["A"].append(AttributeLine(ann_id, body[0], body[1], body[2] if len(body) == 3 else None, number))
        elif kind == "R":
            args = [_ROLE_ARG.match(a) for a in body[1:]]
            if len(body) != 3 or not all(args):
                bad("an R line needs 'R1<TAB>Type Arg1:T1 Arg2:T2'")
                continue
            kinds["R"].append(RelationLine(ann_id, body[0], tuple((m.group(1), m.group(2)) for m in args if m), number))
        elif kind == "E":
            args = [_ROLE_ARG.match(a) for a in body]
            if not body or not all(args):
                bad("an E line needs 'E1<TAB>Type:TRIGGER Role:T1 Role:T2 ...'")
                continue
            pairs = [(m.group(1), m.group(2)) for m in args if m]
            kinds["E"].append(EventLine(ann_id, pairs[0][0], pairs[0][1], tuple(pairs[1:]), number))
        elif ann_id == "*":
            if len(body) < 3:
                bad("an equivalence line needs '*<TAB>Type T1 T2 ...'")
                continue
            kinds["*"].append(EquivLine(body[0], tuple(body[1:]), number))
        elif kind in ("#", "N"):
            if len(body) < 2:
                bad(f"a {kind} line needs '{ann_id}<TAB>Type TARGET ...<TAB>text'")
                continue
            kinds["#"].append(
                NoteLine(ann_id, body[0] if kind == "#" else "Normalization", body[1], "\t".join(parts[2:]), number)
            )
        else:
            bad("the id must start with T, A, M, R, E, N, # or be *")
    ann = Ann(
        tuple(kinds["T"]), tuple(kinds["A"]), tuple(kinds["R"]), tuple(kinds["E"]), tuple(kinds["*"]), tuple(kinds["#"])
    )
    return ann, issues
