"""Checks existing gold against the guidelines: a checker's proposals, an adjudicator's decisions, applied.

Two passes used it. ``2.0``: the round-1 gold against LABELING.md v2.0 (folder ``recheck/``,
record key ``v2_recheck``). ``2.1``: every gold document outside the audit sample against v2.1,
for the kinds of error the blind audit found (and, for round 1, the rules v2.1 changed)
(folder ``recheck-2.1/``, record key ``v2_1_recheck``; see RECHECKING.md).

A checker session reads a gold document and LABELING.md and proposes changes
(``<folder>/proposals/<id>.json``); an adjudicator session accepts or rejects each one
(``<folder>/decisions/<id>.json``). This script checks both files and applies the accepted
changes to the gold document (``corpus/documents/<id>.json``, or ``corpus/round2/gold/<id>.json``
while round 2 is staged), recording proposals and decisions in the document's adjudication record
under the pass's key. Every document is checked first; nothing is written if any file is bad.

Proposal ops (spans are named by quoting, as annotators do; offsets are computed here):
- ``add_span``: ``new_id``, ``label``, ``text``, ``context``?, ``attrs``?, ``relations``? (may name new_id);
- ``remove_span``: ``span`` (its relations go too);
- ``change_span``: ``span``, new ``text`` and ``context``? (new boundaries; relations kept);
- ``change_attrs``: ``span``, ``attrs`` (merged over the old ones);
- ``add_relation`` / ``remove_relation``: ``relation`` = ``{label, head, tail}``.

Usage (from the repository root; the pass defaults to 2.1):
  python corpus/round2/recheck.py [--pass 2.0|2.1] render ID ...  # the gold, claim by claim, as text
  python corpus/round2/recheck.py [--pass 2.0|2.1] check [ID ...]   # proposals only
  python corpus/round2/recheck.py [--pass 2.0|2.1] verify [ID ...]  # proposals + decisions, nothing written
  python corpus/round2/recheck.py [--pass 2.0|2.1] apply [ID ...]   # proposals + decisions -> gold
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from reportedly.quotes import Aligner
from reportedly.document import Document, Relation, Span, atomic_write_text, document_from_dict, dumps_document
from reportedly.schema import load_schema
from reportedly.validate import check_document

HERE = Path(__file__).parent
CORPUS = Path("corpus")
PASSES = {"2.0": ("recheck", "v2_recheck"), "2.1": ("recheck-2.1", "v2_1_recheck")}
OPS = {"add_span", "remove_span", "change_span", "change_attrs", "add_relation", "remove_relation"}


class RecheckError(ValueError):
    pass


def _locate(doc: Document, item: dict[str, Any]) -> tuple[int, int]:
    place, _, reason = Aligner(doc.text).locate(str(item.get("text", "")), context=item.get("context"))
    if place is None:
        raise RecheckError(f"{item.get('item')}: cannot place {item.get('text')!r} ({reason}); add a longer context")
    return place


def _relation(raw: Any, where: str) -> Relation:
    if not isinstance(raw, dict) or not {"label", "head", "tail"} <= raw.keys():
        raise RecheckError(f"{where}: a relation needs label, head and tail")
    return Relation(str(raw["label"]), str(raw["head"]), str(raw["tail"]))


def apply_one(doc: Document, item: dict[str, Any]) -> Document:
    op = item.get("op")
    where = str(item.get("item", "?"))
    spans = {s.id: s for s in doc.spans}
    relations = list(doc.relations)
    if op not in OPS:
        raise RecheckError(f"{where}: unknown op {op!r}; use one of {sorted(OPS)}")
    if op in ("remove_span", "change_span", "change_attrs") and item.get("span") not in spans:
        raise RecheckError(f"{where}: no span {item.get('span')!r} in {doc.id}")
    if op == "add_span":
        new_id = str(item.get("new_id", ""))
        if not new_id or new_id in spans:
            raise RecheckError(f"{where}: new_id {new_id!r} is missing or already used")
        start, end = _locate(doc, item)
        attrs = {str(k): str(v) for k, v in (item.get("attrs") or {}).items()}
        spans[new_id] = Span(new_id, str(item.get("label")), start, end, doc.text[start:end], attrs)
        relations += [_relation(r, where) for r in item.get("relations") or []]
    elif op == "remove_span":
        span_id = item["span"]
        del spans[span_id]
        relations = [r for r in relations if span_id not in (r.head, r.tail)]
    elif op == "change_span":
        start, end = _locate(doc, item)
        old = spans[item["span"]]
        spans[old.id] = replace(old, start=start, end=end, text=doc.text[start:end])
    elif op == "change_attrs":
        old = spans[item["span"]]
        spans[old.id] = replace(old, attrs={**old.attrs, **{str(k): str(v) for k, v in item["attrs"].items()}})
    elif op == "add_relation":
        relation = _relation(item.get("relation"), where)
        if relation in relations:
            raise RecheckError(f"{where}: the relation is already there")
        relations.append(relation)
    elif op == "remove_relation":
        relation = _relation(item.get("relation"), where)
        if relation not in relations:
            raise RecheckError(f"{where}: no such relation in {doc.id}")
        relations.remove(relation)
    return replace(doc, spans=tuple(spans.values()), relations=tuple(relations))


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise RecheckError(f"{path}: {exc}") from None


def gold_paths(doc_id: str) -> tuple[Path, Path]:
    """The gold document and its adjudication record: in ``corpus/``, else staged in round 2."""
    for documents, trails in ((CORPUS / "documents", CORPUS / "adjudication"), (HERE / "gold", HERE / "adjudication")):
        if (documents / f"{doc_id}.json").is_file():
            return documents / f"{doc_id}.json", trails / f"{doc_id}.json"
    raise RecheckError(f"{doc_id}: no gold document in corpus/documents or corpus/round2/gold")


def read_gold(doc_id: str) -> Document:
    gold_path, _ = gold_paths(doc_id)
    return document_from_dict(_read(gold_path), str(gold_path))


def plan(doc_id: str, *, with_decisions: bool, folder: str) -> tuple[Document, dict[str, Any], int, int]:
    """The new gold document, the record to keep, proposals and accepted counts."""
    gold = read_gold(doc_id)
    proposals = _read(HERE / folder / "proposals" / f"{doc_id}.json")
    items = proposals.get("proposals", [])
    ids = [p.get("item") for p in items]
    if len(set(ids)) != len(ids):
        raise RecheckError(f"{doc_id}: proposal items must have unique 'item' ids")
    accepted_ids = {p.get("item") for p in items}
    decisions: dict[str, Any] = {}
    if with_decisions:
        decisions = _read(HERE / folder / "decisions" / f"{doc_id}.json")
        verdicts = {d.get("item"): d for d in decisions.get("decisions", [])}
        missing = [i for i in ids if i not in verdicts]
        if missing:
            raise RecheckError(f"{doc_id}: no decision for {missing}")
        accepted_ids = {i for i in ids if verdicts[i].get("accept") is True}
    doc = gold
    for item in items:
        if item.get("item") in accepted_ids:
            doc = apply_one(doc, item)
    errors = [i for i in check_document(doc, load_schema()) if i.is_error]
    if errors:
        raise RecheckError(f"{doc_id}: the changed document is invalid: {errors[0].render()}")
    record = {
        "checker": proposals.get("checker"),
        "guidelines": proposals.get("guidelines"),
        "adjudicator": decisions.get("adjudicator"),
        "proposals": items,
        "decisions": decisions.get("decisions", []),
    }
    return doc, record, len(items), len(accepted_ids)


def render(doc: Document) -> str:
    """The gold as a checker reads it: each claim with its source, cue and hedges, then the
    sources and hedges no claim uses, then same_source chains."""
    spans = {s.id: s for s in doc.spans}
    out_links: dict[str, list[tuple[str, str]]] = {}
    in_links: dict[str, list[tuple[str, str]]] = {}
    for r in doc.relations:
        out_links.setdefault(r.head, []).append((r.label, r.tail))
        in_links.setdefault(r.tail, []).append((r.label, r.head))

    def show(span_id: str) -> str:
        s = spans[span_id]
        attrs = ", ".join(f"{k}={v}" for k, v in sorted(s.attrs.items()))
        return f"{s.id} {s.label}{f' ({attrs})' if attrs else ''} [{s.start},{s.end}) {s.text!r}"

    lines = [f"# {doc.id}", "", doc.text, "", "## Claims"]
    used: set[str] = set()
    for claim in sorted((s for s in doc.spans if s.label == "CLAIM"), key=lambda s: (s.start, -s.end)):
        lines.append(show(claim.id))
        for label, tail in out_links.get(claim.id, []):
            lines.append(f"    {label} -> {show(tail)}")
            used.add(tail)
        for label, head in in_links.get(claim.id, []):
            lines.append(f"    <- {label} {show(head)}")
            used.add(head)
    rest = [s for s in sorted(doc.spans, key=lambda s: s.start) if s.label != "CLAIM" and s.id not in used]
    lines += ["", "## Spans linked to no claim"] + [show(s.id) for s in rest]
    lines += ["", "## same_source"] + [
        f"{show(r.head)}  ->  {r.tail}" for r in doc.relations if r.label == "same_source"
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    pass_name = "2.1"
    if argv[:1] == ["--pass"] and len(argv) > 1:
        pass_name, argv = argv[1], argv[2:]
    if pass_name not in PASSES or not argv or argv[0] not in ("render", "check", "verify", "apply"):
        print(__doc__, file=sys.stderr)
        return 2
    folder, key = PASSES[pass_name]
    command, ids = argv[0], argv[1:]
    if command == "render":
        try:
            for doc_id in ids:
                print(render(read_gold(doc_id)))
        except RecheckError as exc:
            print(exc, file=sys.stderr)
            return 1
        return 0
    ids = ids or sorted(p.stem for p in (HERE / folder / "proposals").glob("*.json"))
    planned, problems = [], []
    for doc_id in ids:
        try:
            planned.append((doc_id, *plan(doc_id, with_decisions=command != "check", folder=folder)))
        except RecheckError as exc:
            problems.append(str(exc))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print(f"{len(problems)} problem(s); nothing written", file=sys.stderr)
        return 1
    total = sum(p[3] for p in planned)
    accepted = sum(p[4] for p in planned)
    if command != "apply":
        print(f"{len(planned)} documents, {total} proposals, {accepted} accepted, all applicable")
        return 0
    for doc_id, doc, record, proposed, taken in planned:
        note = (
            f"; checked against LABELING.md {record['guidelines']} by checker session {record['checker']} "
            f"({proposed} change(s) proposed), {taken} accepted by adjudicator {record['adjudicator']}"
        )
        provenance = dict(doc.provenance)
        provenance["method"] = str(provenance.get("method", "")) + note
        provenance["guidelines"] = record["guidelines"]
        doc = replace(doc, provenance=provenance)
        gold_path, trail_path = gold_paths(doc_id)
        trail = _read(trail_path)
        trail[key] = record
        for path, content in (
            (gold_path, dumps_document(doc)),
            (trail_path, json.dumps(trail, ensure_ascii=False, indent=2) + "\n"),
        ):
            atomic_write_text(path, content)
    print(f"{len(planned)} documents, {total} proposals, {accepted} accepted and applied")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
