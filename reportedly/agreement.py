"""Inter-annotator agreement for every layer: spans, attributes, relations, per document.

Span and relation agreement is the pairwise F1 of one annotator against another (symmetric:
2·matches / (n_a + n_b)); strict needs identical label and boundaries, partial accepts any overlap
with the same label, matched one-to-one by largest overlap. Attribute agreement is Cohen's kappa
(scikit-learn) per pair and Krippendorff's alpha (nominal, the ``krippendorff`` package) across all
annotators, over spans that annotators marked identically. With more than two annotators, pairwise
figures are averaged; documents annotated by only some annotators count for the pairs that have them.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportedly.document import Document, Span
from reportedly.layers import Layers
from reportedly.schema import Schema

SpanKey = tuple[str, int, int]  # label, start, end


def span_key(span: Span) -> SpanKey:
    return (span.label, span.start, span.end)


def match_partial(a: Sequence[Span], b: Sequence[Span]) -> list[tuple[Span, Span]]:
    """One-to-one pairs of same-label overlapping spans: identical boundaries first, then by
    largest overlap (ties by position), so the result does not depend on input order."""
    pairs: list[tuple[Span, Span]] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    exact = {span_key(s): i for i, s in enumerate(b)}
    for i, span in enumerate(a):
        j = exact.get(span_key(span))
        if j is not None and j not in used_b:
            pairs.append((span, b[j]))
            used_a.add(i)
            used_b.add(j)
    candidates = []
    for i, x in enumerate(a):
        if i in used_a:
            continue
        for j, y in enumerate(b):
            if j not in used_b and x.label == y.label and x.overlaps(y):
                overlap = min(x.end, y.end) - max(x.start, y.start)
                candidates.append((-overlap, x.start, y.start, x.end, y.end, i, j))
    for *_, i, j in sorted(candidates):
        if i not in used_a and j not in used_b:
            pairs.append((a[i], b[j]))
            used_a.add(i)
            used_b.add(j)
    return pairs


@dataclass
class Tally:
    """Matches and sizes for a pairwise F1: f1 = 2·matches / (n_a + n_b)."""

    matches: int = 0
    n_a: int = 0
    n_b: int = 0

    def add(self, matches: int, n_a: int, n_b: int) -> None:
        self.matches += matches
        self.n_a += n_a
        self.n_b += n_b

    @property
    def f1(self) -> float | None:
        total = self.n_a + self.n_b
        return 2 * self.matches / total if total else None


def _relation_keys(doc: Document) -> list[tuple[str, SpanKey, SpanKey]]:
    spans = doc.spans_by_id()
    return [
        (r.label, span_key(spans[r.head]), span_key(spans[r.tail]))
        for r in doc.relations
        if r.head in spans and r.tail in spans
    ]


RelationArgs = tuple[str, Span, Span]


def _relation_args(doc: Document, label: str) -> list[RelationArgs]:
    spans = doc.spans_by_id()
    return [
        (r.label, spans[r.head], spans[r.tail])
        for r in doc.relations
        if r.label == label and r.head in spans and r.tail in spans
    ]


def relation_lenient_matches(rel_a: Sequence[RelationArgs], rel_b: Sequence[RelationArgs]) -> int:
    """One-to-one: identical arguments pair first, then arguments that overlap (same span labels)."""

    def close(x: Span, y: Span) -> bool:
        return x.label == y.label and x.overlaps(y)

    used_b: set[int] = set()
    done_a: set[int] = set()
    for exact_pass in (True, False):
        for i, (label, head, tail) in enumerate(rel_a):
            if i in done_a:
                continue
            for j, (label_b, head_b, tail_b) in enumerate(rel_b):
                if j in used_b or label != label_b:
                    continue
                if exact_pass:
                    hit = span_key(head) == span_key(head_b) and span_key(tail) == span_key(tail_b)
                else:
                    hit = close(head, head_b) and close(tail, tail_b)
                if hit:
                    used_b.add(j)
                    done_a.add(i)
                    break
    return len(done_a)


@dataclass
class PairResult:
    annotators: tuple[str, str]
    documents: int
    spans_strict: dict[str, Tally] = field(default_factory=dict)
    spans_partial: dict[str, Tally] = field(default_factory=dict)
    relations_strict: dict[str, Tally] = field(default_factory=dict)
    relations_lenient: dict[str, Tally] = field(default_factory=dict)
    kappa: dict[str, float | None] = field(default_factory=dict)
    attribute_items: dict[str, int] = field(default_factory=dict)
    per_document: dict[str, dict[str, float | None]] = field(default_factory=dict)


def _micro(tallies: Mapping[str, Tally]) -> Tally:
    total = Tally()
    for tally in tallies.values():
        total.add(tally.matches, tally.n_a, tally.n_b)
    return total


def _kappa(a: list[str], b: list[str]) -> float | None:
    if not a:
        return None
    if len(set(a) | set(b)) == 1:
        return 1.0  # every item got the same single value from both: perfect, kappa undefined (0/0)
    from sklearn.metrics import cohen_kappa_score  # slow to import: only when kappa is computed

    return float(cohen_kappa_score(a, b))


def compare_pair(
    name_a: str, docs_a: Mapping[str, Document], name_b: str, docs_b: Mapping[str, Document], schema: Schema
) -> PairResult:
    shared = sorted(set(docs_a) & set(docs_b))
    result = PairResult((name_a, name_b), len(shared))
    for label in schema.label_names:
        result.spans_strict[label] = Tally()
        result.spans_partial[label] = Tally()
    for rel in schema.relation_names:
        result.relations_strict[rel] = Tally()
        result.relations_lenient[rel] = Tally()
    values: dict[str, tuple[list[str], list[str]]] = {a.name: ([], []) for a in schema.attributes}
    for doc_id in shared:
        a, b = docs_a[doc_id], docs_b[doc_id]
        doc_strict, doc_partial = Tally(), Tally()
        for label in schema.label_names:
            spans_a = [s for s in a.spans if s.label == label]
            spans_b = [s for s in b.spans if s.label == label]
            keys_b = {span_key(s) for s in spans_b}
            strict = sum(1 for s in {span_key(x) for x in spans_a} if s in keys_b)
            partial = len(match_partial(spans_a, spans_b))
            result.spans_strict[label].add(strict, len(spans_a), len(spans_b))
            result.spans_partial[label].add(partial, len(spans_a), len(spans_b))
            doc_strict.add(strict, len(spans_a), len(spans_b))
            doc_partial.add(partial, len(spans_a), len(spans_b))
        by_key_b = {span_key(s): s for s in b.spans}
        for span in a.spans:
            other = by_key_b.get(span_key(span))
            if other is None:
                continue
            for attr in schema.attributes_of(span.label):
                if attr.name in span.attrs and attr.name in other.attrs:
                    values[attr.name][0].append(span.attrs[attr.name])
                    values[attr.name][1].append(other.attrs[attr.name])
        rel_a, rel_b = _relation_keys(a), _relation_keys(b)
        doc_rel = Tally()
        for rel in schema.relation_names:
            set_a = {r for r in rel_a if r[0] == rel}
            set_b = {r for r in rel_b if r[0] == rel}
            result.relations_strict[rel].add(len(set_a & set_b), len(set_a), len(set_b))
            doc_rel.add(len(set_a & set_b), len(set_a), len(set_b))
            lenient = relation_lenient_matches(_relation_args(a, rel), _relation_args(b, rel))
            result.relations_lenient[rel].add(lenient, len(set_a), len(set_b))
        result.per_document[doc_id] = {
            "spans_strict_f1": doc_strict.f1,
            "spans_partial_f1": doc_partial.f1,
            "relations_strict_f1": doc_rel.f1,
        }
    for name, (xs, ys) in values.items():
        result.kappa[name] = _kappa(xs, ys)
        result.attribute_items[name] = len(xs)
    return result


def krippendorff_alphas(layers: Layers, schema: Schema) -> dict[str, float | None]:
    """Nominal alpha per attribute over spans (label+boundaries) marked by at least two annotators."""
    import krippendorff  # slow to import (with numpy): only when alphas are computed
    import numpy as np

    names = sorted(layers)
    alphas: dict[str, float | None] = {}
    for attr in schema.attributes:
        codes = {value: index for index, value in enumerate(attr.value_names)}
        units: dict[tuple[str, SpanKey], dict[str, int]] = defaultdict(dict)
        for name in names:
            for doc_id, doc in layers[name].items():
                for span in doc.spans:
                    value = span.attrs.get(attr.name)
                    if span.label == attr.label and value in codes:
                        units[(doc_id, span_key(span))][name] = codes[value]
        rows = [u for u in units.values() if len(u) >= 2]
        if not rows:
            alphas[attr.name] = None
            continue
        data = np.full((len(names), len(rows)), np.nan)
        for column, unit in enumerate(rows):
            for name, code in unit.items():
                data[names.index(name), column] = code
        if len({int(v) for v in data[~np.isnan(data)]}) == 1:
            alphas[attr.name] = 1.0  # a single value everywhere: perfect agreement, alpha is 0/0
        else:
            alphas[attr.name] = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    return alphas


@dataclass
class AgreementReport:
    annotators: list[str]
    documents: int
    pairs: list[PairResult]
    alpha: dict[str, float | None]
    schema_version: str

    def mean(self, pick: Any) -> float | None:
        values = [v for v in (pick(p) for p in self.pairs) if v is not None]
        return sum(values) / len(values) if values else None

    def to_dict(self) -> dict[str, Any]:
        def tallies(t: Mapping[str, Tally]) -> dict[str, Any]:
            rows = {k: {"f1": v.f1, "matches": v.matches, "n_a": v.n_a, "n_b": v.n_b} for k, v in t.items()}
            micro = _micro(t)
            rows["micro"] = {"f1": micro.f1, "matches": micro.matches, "n_a": micro.n_a, "n_b": micro.n_b}
            return rows

        return {
            "schema_version": self.schema_version,
            "annotators": self.annotators,
            "documents": self.documents,
            "krippendorff_alpha": self.alpha,
            "pairs": [
                {
                    "annotators": list(p.annotators),
                    "documents": p.documents,
                    "spans_strict": tallies(p.spans_strict),
                    "spans_partial": tallies(p.spans_partial),
                    "relations_strict": tallies(p.relations_strict),
                    "relations_lenient": tallies(p.relations_lenient),
                    "cohen_kappa": p.kappa,
                    "attribute_items": p.attribute_items,
                    "per_document": p.per_document,
                }
                for p in self.pairs
            ],
        }


def agreement(layers: Layers, schema: Schema) -> AgreementReport:
    """Pairwise agreement between every two annotators, plus alpha across all of them."""
    names = sorted(layers)
    pairs = [compare_pair(a, layers[a], b, layers[b], schema) for a, b in itertools.combinations(names, 2)]
    covered = set().union(*(set(layers[n]) for n in names)) if names else set()
    multi = {d for d in covered if sum(d in layers[n] for n in names) >= 2}
    return AgreementReport(names, len(multi), pairs, krippendorff_alphas(layers, schema), schema.version)


def _fmt(value: float | None) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.3f}"


def agreement_markdown(report: AgreementReport, schema: Schema, *, worst: int = 5) -> str:
    """Tables for corpus/README.md (pairwise means when there are more than two annotators)."""
    if not report.pairs:
        return "No document has layers from two annotators yet.\n"
    pairs_note = ", ".join("–".join(p.annotators) for p in report.pairs)
    lines = [
        f"Annotators: {', '.join(report.annotators)}; {report.documents} documents with at least two layers; "
        f"pairs: {pairs_note} (figures are means over pairs). Schema {report.schema_version}.",
        "",
        "| label | span F1 strict | span F1 partial |",
        "|---|---:|---:|",
    ]
    for label in (*schema.label_names, "micro"):

        def pick(p: PairResult, kind: str, label: str = label) -> float | None:
            tallies = p.spans_strict if kind == "strict" else p.spans_partial
            return (_micro(tallies) if label == "micro" else tallies[label]).f1

        lines.append(
            f"| {label} | {_fmt(report.mean(lambda p: pick(p, 'strict')))} | "
            f"{_fmt(report.mean(lambda p: pick(p, 'partial')))} |"
        )
    lines += ["", "| attribute | items | Cohen's kappa | Krippendorff's alpha |", "|---|---:|---:|---:|"]
    for attr in schema.attributes:
        items = sum(p.attribute_items.get(attr.name, 0) for p in report.pairs)
        lines.append(
            f"| {attr.label}.{attr.name} | {items} | {_fmt(report.mean(lambda p, n=attr.name: p.kappa.get(n)))} | "
            f"{_fmt(report.alpha.get(attr.name))} |"
        )
    lines += ["", "| relation | F1 strict | F1 lenient |", "|---|---:|---:|"]
    for rel in (*schema.relation_names, "micro"):

        def rpick(p: PairResult, kind: str, rel: str = rel) -> float | None:
            tallies = p.relations_strict if kind == "strict" else p.relations_lenient
            return (_micro(tallies) if rel == "micro" else tallies[rel]).f1

        lines.append(
            f"| {rel} | {_fmt(report.mean(lambda p: rpick(p, 'strict')))} | "
            f"{_fmt(report.mean(lambda p: rpick(p, 'lenient')))} |"
        )
    docs = _worst_documents(report.pairs, worst)
    if docs:
        lines += [
            "",
            f"Lowest-agreement documents (span F1 partial, mean over pairs; {worst} shown):",
            "",
            "| document | span F1 strict | span F1 partial | relation F1 strict |",
            "|---|---:|---:|---:|",
        ]
        for doc_id, row in docs:
            lines.append(
                f"| {doc_id} | {_fmt(row['spans_strict_f1'])} | {_fmt(row['spans_partial_f1'])} | "
                f"{_fmt(row['relations_strict_f1'])} |"
            )
    return "\n".join(lines) + "\n"


def per_document_means(pairs: Iterable[PairResult]) -> dict[str, dict[str, float | None]]:
    collected: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for pair in pairs:
        for doc_id, row in pair.per_document.items():
            for key, value in row.items():
                if value is not None:
                    collected[doc_id][key].append(value)
    keys = ("spans_strict_f1", "spans_partial_f1", "relations_strict_f1")
    return {
        doc_id: {k: (sum(rows[k]) / len(rows[k]) if rows[k] else None) for k in keys}
        for doc_id, rows in collected.items()
    }


def _worst_documents(pairs: Sequence[PairResult], count: int) -> list[tuple[str, dict[str, float | None]]]:
    means = per_document_means(pairs)
    return sorted(means.items(), key=lambda item: (item[1]["spans_partial_f1"] or 0.0, item[0]))[:count]
