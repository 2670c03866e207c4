"""Merge annotator layers into a gold candidate, list every disagreement, apply decisions.

``merge`` keeps what all annotators agree on (same label and boundaries, same attribute value,
same relation between the same items) and lists each disagreement with every annotator's
version. A third pass decides each item (an annotator's version, none, or a new version) with a
one-line reason; ``apply_decisions`` turns the candidate plus decisions into the gold document,
whose provenance says exactly how it was produced.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportedly.corpus import Layers
from reportedly.document import Document, Relation, Span, dumps_document, read_document, sorted_spans
from reportedly.incidents import Incident, ReportedlyError
from reportedly.names import check_name, join_inside
from reportedly.outputs import write_files
from reportedly.quotes import Aligner
from reportedly.schema import Schema
from reportedly.scoring.matching import match_spans
from reportedly.validate import Role, check_document

NONE = "none"
NEW = "new"


def span_key(span: Span) -> tuple[str, int, int]:
    return (span.label, span.start, span.end)


@dataclass
class Cluster:
    """One item as marked by each annotator (None where an annotator did not mark it)."""

    id: str
    versions: dict[str, Span | None]

    def agreed(self) -> bool:
        keys = {span_key(v) if v else None for v in self.versions.values()}
        return len(keys) == 1 and None not in keys


@dataclass
class Candidate:
    doc: Document  # text and meta of the source; spans/relations filled by apply_decisions
    annotators: list[str]
    clusters: dict[str, Cluster]
    items: list[dict[str, Any]] = field(default_factory=list)
    agreed_relations: list[tuple[str, str, str]] = field(default_factory=list)

    def disagreements(self) -> dict[str, Any]:
        return {"id": self.doc.id, "annotators": self.annotators, "items": self.items}


def _span_record(span: Span | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {"label": span.label, "start": span.start, "end": span.end, "text": span.text, "attrs": dict(span.attrs)}


def _shown(cluster: Cluster) -> str:
    """The cluster as an adjudicator reads it: label and each distinct text."""
    texts = sorted({v.text for v in cluster.versions.values() if v})
    label = next(v.label for v in cluster.versions.values() if v)
    return f"{label} " + " | ".join(repr(t) for t in texts)


def _clusters(layers: Mapping[str, Document], schema: Schema) -> dict[str, Cluster]:
    names = list(layers)
    clusters: list[Cluster] = []
    for label in schema.label_names:
        for_label: list[Cluster] = []
        for name in names:
            spans = [s for s in layers[name].spans if s.label == label]
            representatives = [next(v for v in c.versions.values() if v) for c in for_label]
            pairs = dict(match_spans(representatives, spans))  # the scorer's one-to-one matcher
            for index, cluster in enumerate(for_label):
                cluster.versions[name] = spans[pairs[index]] if index in pairs else None
            taken = set(pairs.values())
            for index, span in enumerate(spans):
                if index not in taken:
                    versions: dict[str, Span | None] = dict.fromkeys(names)
                    versions[name] = span
                    for_label.append(Cluster("", versions))
        clusters += for_label
    ordered = sorted(clusters, key=lambda c: min((v.start, -v.end) for v in c.versions.values() if v))
    for number, cluster in enumerate(ordered, start=1):
        cluster.id = f"K{number}"
    return {c.id: c for c in ordered}


def merge(layers: Mapping[str, Document], schema: Schema) -> Candidate:
    """Align the layers of one document; agreed items kept, each disagreement listed."""
    names = sorted(layers)
    texts = {layers[n].text for n in names}
    first = layers[names[0]]
    if len(texts) != 1:
        raise ReportedlyError.of(
            "RPT-ADJUDICATE", f"document {first.id}: the layers' texts differ; re-annotate on one text"
        )
    for name in names:  # a span the schema cannot hold would be dropped by the clustering: refuse it
        unsound = [i for i in check_document(layers[name], schema, Role.ANNOTATION, integrity_only=True) if i.is_error]
        if unsound:
            raise ReportedlyError(
                unsound, f"document {first.id}, layer of {name}: {unsound[0].render()}; fix the layer first"
            )
    clusters = _clusters({n: layers[n] for n in names}, schema)
    where: dict[tuple[str, str], str] = {}  # (annotator, span id) -> cluster id
    for cluster in clusters.values():
        for name, span in cluster.versions.items():
            if span is not None:
                where[(name, span.id)] = cluster.id
    candidate = Candidate(Document(first.id, first.text, first.meta), names, clusters)
    counter = 0

    def add(item: dict[str, Any]) -> None:
        nonlocal counter
        counter += 1
        candidate.items.append({"item": f"D{counter}", **item})

    for cluster in clusters.values():
        if not cluster.agreed():
            add(
                {
                    "kind": "span",
                    "cluster": cluster.id,
                    "versions": {n: _span_record(v) for n, v in cluster.versions.items()},
                }
            )
            continue
        spans = [v for v in cluster.versions.values() if v]
        for attr in schema.attributes_of(spans[0].label):
            values = {n: (v.attrs.get(attr.name) if v else None) for n, v in cluster.versions.items()}
            if len(set(values.values())) > 1:
                add(
                    {
                        "kind": "attribute",
                        "cluster": cluster.id,
                        "attribute": attr.name,
                        "text": spans[0].text,
                        "versions": values,
                    }
                )
    relation_sets: dict[str, set[tuple[str, str, str]]] = {}
    for name in names:
        relation_sets[name] = {
            (r.label, where[(name, r.head)], where[(name, r.tail)])
            for r in layers[name].relations
            if (name, r.head) in where and (name, r.tail) in where
        }
    every = set().union(*relation_sets.values())
    for rel in sorted(every, key=lambda r: (int(r[1][1:]), int(r[2][1:]), r[0])):
        present = {n: rel in relation_sets[n] for n in names}
        if all(present.values()) and clusters[rel[1]].agreed() and clusters[rel[2]].agreed():
            candidate.agreed_relations.append(rel)
        else:
            relation = {"label": rel[0], "head": rel[1], "tail": rel[2]}
            shown = {"head_text": _shown(clusters[rel[1]]), "tail_text": _shown(clusters[rel[2]])}
            add({"kind": "relation", "relation": relation, **shown, "versions": present})
    return candidate


@dataclass(frozen=True)
class Decision:
    item: str
    choose: str  # an annotator id, "none" or "new"
    why: str
    new: Mapping[str, Any] | None = None


def parse_decisions(record: Mapping[str, Any], where: str) -> tuple[str, list[Decision]]:
    adjudicator = record.get("adjudicator")
    if not isinstance(adjudicator, str) or not adjudicator:
        raise ReportedlyError.of("RPT-ADJUDICATE", f"{where}: 'adjudicator' (an id) is required")
    listed = record.get("decisions") or []
    if not isinstance(listed, list):
        raise ReportedlyError.of("RPT-ADJUDICATE", f"{where}: 'decisions' must be a list of objects")
    decisions = []
    for index, raw in enumerate(listed):
        if not isinstance(raw, Mapping) or not all(isinstance(raw.get(k), str) for k in ("item", "choose", "why")):
            raise ReportedlyError.of(
                "RPT-ADJUDICATE", f"{where}: decisions[{index}] needs string 'item', 'choose' and 'why'"
            )
        if not raw["why"].strip():
            raise ReportedlyError.of(
                "RPT-ADJUDICATE", f"{where}: decisions[{index}] ({raw['item']}) has an empty 'why'"
            )
        new = raw.get("new")
        if new is not None and not isinstance(new, Mapping):
            raise ReportedlyError.of(
                "RPT-ADJUDICATE", f"{where}: decisions[{index}] ({raw['item']}): 'new' must be an object"
            )
        decisions.append(Decision(raw["item"], raw["choose"], raw["why"].strip(), new))
    return adjudicator, decisions


def apply_decisions(
    candidate: Candidate,
    decisions: Sequence[Decision],
    *,
    adjudicator: str,
    method: str,
    schema: Schema,
) -> Document:
    """The gold document: agreed items plus the decided versions of every disagreement."""
    doc_id = candidate.doc.id
    by_item = {d.item: d for d in decisions}
    missing = [i["item"] for i in candidate.items if i["item"] not in by_item]
    extra = sorted(set(by_item) - {i["item"] for i in candidate.items})
    if missing or extra:
        raise ReportedlyError.of(
            "RPT-ADJUDICATE",
            f"document {doc_id}: undecided item(s) {missing or '-'}; unknown item(s) {extra or '-'}; "
            "decide every item listed in the disagreements file, and only those",
        )
    chosen: dict[str, Span | None] = {}
    for cid, cluster in candidate.clusters.items():
        if cluster.agreed():
            chosen[cid] = next(v for v in cluster.versions.values() if v)
    aligner = Aligner(candidate.doc.text, "strict")
    for item in candidate.items:
        decision = by_item[item["item"]]
        where = f"document {doc_id}, {item['item']}"
        if item["kind"] == "span":
            chosen[item["cluster"]] = _decide_span(candidate, item, decision, aligner, where)
    for item in candidate.items:
        decision = by_item[item["item"]]
        if item["kind"] == "attribute":
            span = chosen[item["cluster"]]
            value = _decide_value(item, decision, f"document {doc_id}, {item['item']}")
            if span is not None:
                attrs = {k: v for k, v in span.attrs.items() if k != item["attribute"]}
                if value is not None:
                    attrs[item["attribute"]] = value
                chosen[item["cluster"]] = Span(span.id, span.label, span.start, span.end, span.text, attrs)
    relations = set(candidate.agreed_relations)
    for item in candidate.items:
        if item["kind"] == "relation":
            decision = by_item[item["item"]]
            keep = _decide_presence(item, decision, f"document {doc_id}, {item['item']}")
            rel = item["relation"]
            if keep:
                relations.add((rel["label"], rel["head"], rel["tail"]))
    kept = {cid: span for cid, span in chosen.items() if span is not None}
    ids = _renumber(kept, schema)
    spans = tuple(Span(ids[cid], s.label, s.start, s.end, s.text, dict(s.attrs)) for cid, s in kept.items())
    rels = tuple(
        Relation(label, ids[head], ids[tail])
        for label, head, tail in sorted(relations, key=lambda r: (int(r[1][1:]), int(r[2][1:]), r[0]))
        if head in ids and tail in ids
    )
    provenance = {
        "layer": "gold",
        "annotators": [*candidate.annotators, adjudicator],
        "method": method,
        "schema_version": schema.version,
        "adjudicated_items": len(candidate.items),
    }
    return Document(doc_id, candidate.doc.text, candidate.doc.meta, spans, rels, provenance)


def _decide_span(
    candidate: Candidate, item: Mapping[str, Any], decision: Decision, aligner: Aligner, where: str
) -> Span | None:
    cluster = candidate.clusters[item["cluster"]]
    if decision.choose == NONE:
        return None
    if decision.choose == NEW:
        new = decision.new or {}
        label, quote = new.get("label"), new.get("text")
        if not isinstance(label, str) or not isinstance(quote, str):
            raise ReportedlyError.of(
                "RPT-ADJUDICATE", f"{where}: a 'new' span needs 'label' and 'text' (quoted exactly)"
            )
        offsets, _, reason = aligner.locate(quote, context=new.get("context"))
        if offsets is None:
            raise ReportedlyError.of(
                "RPT-ADJUDICATE", f"{where}: cannot place new span {quote!r} ({reason}); add 'context'"
            )
        start, end = offsets
        attrs = new.get("attrs") or {}
        if not isinstance(attrs, Mapping) or not all(isinstance(v, str) for v in attrs.values()):
            raise ReportedlyError.of("RPT-ADJUDICATE", f"{where}: a 'new' span's 'attrs' must map names to strings")
        return Span(cluster.id, label, start, end, candidate.doc.text[start:end], dict(attrs))
    if decision.choose not in cluster.versions:
        raise ReportedlyError.of(
            "RPT-ADJUDICATE", f"{where}: choose one of {[*cluster.versions, NONE, NEW]}, not {decision.choose!r}"
        )
    span = cluster.versions[decision.choose]
    return None if span is None else Span(cluster.id, span.label, span.start, span.end, span.text, dict(span.attrs))


def _decide_value(item: Mapping[str, Any], decision: Decision, where: str) -> str | None:
    versions: Mapping[str, str | None] = item["versions"]
    if decision.choose == NEW:
        value = (decision.new or {}).get("value")
        if not isinstance(value, str):
            raise ReportedlyError.of(
                "RPT-ADJUDICATE", f"{where}: a 'new' attribute decision needs 'new': {{'value': ...}}"
            )
        return value
    if decision.choose not in versions:
        raise ReportedlyError.of(
            "RPT-ADJUDICATE", f"{where}: choose one of {[*versions, NEW]}, not {decision.choose!r}"
        )
    return versions[decision.choose]


def _decide_presence(item: Mapping[str, Any], decision: Decision, where: str) -> bool:
    versions: Mapping[str, bool] = item["versions"]
    if decision.choose == NONE:
        return False
    if decision.choose not in versions:
        raise ReportedlyError.of(
            "RPT-ADJUDICATE", f"{where}: choose one of {[*versions, NONE]}, not {decision.choose!r}"
        )
    return versions[decision.choose]


def _renumber(spans: Mapping[str, Span], schema: Schema) -> dict[str, str]:
    """Readable gold ids in document order: C1, C2 … for CLAIM, S1 … for SOURCE, and so on."""
    prefixes = {label: label[0] if label != "CUE" else "U" for label in schema.label_names}
    counts: dict[str, int] = {}
    ids = {}
    by_span = {id(span): cid for cid, span in spans.items()}
    for span in sorted_spans(spans.values()):
        prefix = prefixes.get(span.label, span.label)
        counts[prefix] = counts.get(prefix, 0) + 1
        ids[by_span[id(span)]] = f"{prefix}{counts[prefix]}"
    return ids


# --- a round: folders of layers and decisions ---------------------------------------------------


def merge_layers(layers: Layers, schema: Schema, *, doc_ids: Collection[str] | None = None) -> list[Candidate]:
    """A candidate for every document all annotators of ``layers`` have done (or just ``doc_ids``)."""
    names = sorted(layers)
    shared = sorted(set.intersection(*(set(layers[n]) for n in names))) if names else []
    return [merge({n: layers[n][d] for n in names}, schema) for d in shared if doc_ids is None or d in doc_ids]


def write_disagreements(candidates: Sequence[Candidate], out: Path) -> int:
    """``out/<id>.disagreements.json`` for each candidate, for the adjudicator; the number of items listed."""
    files = {
        f"{check_name(c.doc.id)}.disagreements.json": json.dumps(c.disagreements(), ensure_ascii=False, indent=2) + "\n"
        for c in candidates
    }
    write_files(Path(out), files)  # every file or none, inside ``out``, one run at a time
    return sum(len(c.items) for c in candidates)


@dataclass(frozen=True)
class Decided:
    gold: Document
    trail: dict[str, Any]  # the items, the decisions and who took them: corpus/adjudication/<id>.json


def decide_folder(layers: Layers, decisions: Path, *, method: str, schema: Schema) -> list[Decided]:
    """Every ``<id>.decisions.json`` of ``decisions`` applied to its layers; all or nothing: the first
    problem (bad JSON, an undecided item, an invalid decided document) raises before anything is kept."""
    names = sorted(layers)
    decided = []
    folder = Path(decisions)
    if not folder.is_dir():
        code = "RPT-PATH-KIND" if folder.exists() else "RPT-PATH-MISSING"
        raise ReportedlyError.of(code, "--decisions must be a folder of <id>.decisions.json files", file=str(folder))
    for path in sorted(folder.glob("*.decisions.json")):
        raw = read_json(path)
        if not isinstance(raw, Mapping):
            raise ReportedlyError.of("RPT-ADJUDICATE", "a decisions file must hold one JSON object", file=str(path))
        adjudicator, parsed = parse_decisions(raw, str(path))
        doc_id = raw.get("id")
        if not isinstance(doc_id, str) or any(doc_id not in layers[n] for n in names):
            raise ReportedlyError.of("RPT-ADJUDICATE", f"{path}: document {doc_id!r} lacks a layer from one of {names}")
        candidate = merge({n: layers[n][doc_id] for n in names}, schema)
        gold = apply_decisions(candidate, parsed, adjudicator=adjudicator, method=method, schema=schema)
        errors = [i for i in check_document(gold, schema, Role.GOLD) if i.is_error]
        if errors:
            raise ReportedlyError(errors, f"{path}: the decided document is invalid: {errors[0].render()}")
        trail = {
            "id": gold.id,
            "annotators": names,
            "adjudicator": adjudicator,
            "items": candidate.items,
            "decisions": raw.get("decisions", []),
        }
        decided.append(Decided(gold, trail))
    return decided


def read_json(path: Path) -> Any:
    """A JSON file, every way it can fail turned into a coded error naming the file."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        message = f"{path}:{exc.lineno}: invalid JSON: {exc.msg}"
        raise ReportedlyError(Incident("RPT-JSON-SYNTAX", exc.msg, str(path), exc.lineno), message) from None
    except UnicodeDecodeError as exc:
        raise ReportedlyError.of("RPT-ENCODING", f"byte {exc.start}: {exc.reason}", file=str(path)) from None
    except (ValueError, RecursionError) as exc:  # a number over 4,300 digits, nesting too deep
        raise ReportedlyError.of("RPT-JSON-SYNTAX", str(exc), file=str(path)) from None


def write_decided(decided: Sequence[Decided], *, out: Path, record: Path, force: bool = False) -> int:
    """Write each gold document to ``out/<id>.json`` and its trail to ``record/<id>.json``; refuse,
    before writing any, to replace a gold document that differs unless ``force``. Returns the
    number of gold files changed."""
    if not force:
        for item in decided:
            target = Path(out) / f"{item.gold.id}.json"
            if target.exists() and read_document(target) != item.gold:
                message = f"{target} exists and differs; pass --force to replace it"
                raise ReportedlyError.of("RPT-WOULD-OVERWRITE", message)
    names = {item.gold.id: f"{check_name(item.gold.id)}.json" for item in decided}
    trails = {names[i.gold.id]: json.dumps(i.trail, ensure_ascii=False, indent=2) + "\n" for i in decided}
    golds = {names[i.gold.id]: dumps_document(i.gold) for i in decided}
    for folder, files in ((Path(out), golds), (Path(record), trails)):
        for name in files:
            join_inside(folder, name)  # both folders checked before either is written
    write_files(Path(record), trails)  # the trail first: a gold file never lacks its record
    return len(write_files(Path(out), golds))
