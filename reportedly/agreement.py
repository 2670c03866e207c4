"""Inter-annotator agreement: the scorer, with one annotator's layer as the reference.

For every two annotators (in name order) the first one's layer is scored as gold and the second
one's as a prediction, by the same matcher and counts as ``reportedly eval``
(:mod:`reportedly.scoring.matching`). The F1 of a pair is the scorer's F1, 2·TP / (n_a + n_b),
which does not depend on which layer is the reference:

- spans, three of the scorer's schemes: ``strict`` (same label and boundaries), ``partial``
  (SemEval-2013: boundaries overlap, half credit) and ``type`` (one-to-one overlapping spans of
  the same label, full credit; earlier versions of ``agree`` called this one "partial");
- relations: the scorer's ``strict`` and ``lenient`` modes;
- attributes: Cohen's kappa (scikit-learn) per pair, and Krippendorff's alpha (nominal, the
  ``krippendorff`` package) across all annotators, over spans marked identically.

A layer is a set of annotations: a span marked twice with one label and the same offsets is one
span (``validate`` warns ``RPT-SPAN-DUPLICATE``), and relations to its copies are one relation.

Averaging over texts and pairs is either ``pooled`` (each pair's counts summed over the texts
the pair shares, then the F1 averaged over pairs) or ``per-text`` (the F1 of every text and
pair, averaged over the (text, pair) combinations where it is defined). Kappa and alpha are
always pooled over items.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from reportedly.corpus import Layers
from reportedly.document import Document, Relation, Span
from reportedly.incidents import Incident, ReportedlyError
from reportedly.schema import Schema
from reportedly.scoring._types import IntArray
from reportedly.scoring.arrays import offsets, span_columns
from reportedly.scoring.matching import SpanMatch, align_spans
from reportedly.scoring.relations import match_relations, relation_columns, relation_columns_counts
from reportedly.scoring.spans import span_columns_of, span_counts

SpanKey = tuple[str, int, int]  # label, start, end
SPAN_SCHEMES = ("strict", "partial", "type")
RELATION_MODES = ("strict", "lenient")


class Average(StrEnum):
    POOLED = "pooled"
    PER_TEXT = "per-text"


AVERAGE_NOTE = {
    Average.POOLED: "each pair's counts pooled over its texts, then the F1 averaged over pairs",
    Average.PER_TEXT: "the F1 of each (text, pair), averaged over those where it is defined",
}


def span_key(span: Span) -> SpanKey:
    return (span.label, span.start, span.end)


def as_set(doc: Document) -> Document:
    """The layer with each (label, start, end) once; relations to a dropped copy go to the kept one."""
    kept: dict[SpanKey, Span] = {}
    alias: dict[str, str] = {}
    for span in doc.spans:
        alias[span.id] = kept.setdefault(span_key(span), span).id
    if len(kept) == len(doc.spans) and len(set(doc.relations)) == len(doc.relations):
        return doc
    relations = dict.fromkeys(
        Relation(r.label, alias.get(r.head, r.head), alias.get(r.tail, r.tail)) for r in doc.relations
    )
    return Document(doc.id, doc.text, doc.meta, tuple(kept.values()), tuple(relations), doc.provenance)


@dataclass(frozen=True)
class Tally:
    """TP and sizes for a pairwise F1: f1 = 2·TP / (n_a + n_b) (TP counts PAR as one half)."""

    matches: float = 0.0
    n_a: int = 0
    n_b: int = 0

    @property
    def f1(self) -> float | None:
        total = self.n_a + self.n_b
        return 2 * self.matches / total if total else None

    def to_dict(self) -> dict[str, Any]:
        return {"f1": self.f1, "matches": self.matches, "n_a": self.n_a, "n_b": self.n_b}


def _span_tally(columns: Mapping[str, IntArray], prefix: str, rows: Any = slice(None)) -> Tally:
    cor, inc, par, mis, spu = (int(columns[f"{prefix}_{c}"][rows].sum()) for c in ("cor", "inc", "par", "mis", "spu"))
    return Tally(cor + par / 2, cor + inc + par + mis, cor + inc + par + spu)


def _relation_tally(columns: Mapping[str, IntArray], prefix: str, rows: Any = slice(None)) -> Tally:
    cor, act, pos = (int(columns[f"{prefix}_{c}"][rows].sum()) for c in ("cor", "act", "pos"))
    return Tally(cor, pos, act)


@dataclass
class PairResult:
    """Two annotators over the texts both annotated; ``columns`` are the scorer's per-text counts."""

    annotators: tuple[str, str]
    doc_ids: list[str]
    columns: dict[str, IntArray]
    kappa: dict[str, float | None] = field(default_factory=dict)
    attribute_items: dict[str, int] = field(default_factory=dict)

    @property
    def documents(self) -> int:
        return len(self.doc_ids)

    def spans(self, scheme: str, table: str, rows: Any = slice(None)) -> Tally:
        return _span_tally(self.columns, f"spans_{scheme}_{table}", rows)

    def relations(self, mode: str, table: str, rows: Any = slice(None)) -> Tally:
        return _relation_tally(self.columns, f"rels_{mode}_{table}", rows)

    def tally(self, key: str, rows: Any = slice(None)) -> Tally:
        """``key`` is ``spans_<scheme>_<table>`` or ``relations_<mode>_<table>``."""
        track, kind, table = key.split("_", 2)
        return self.spans(kind, table, rows) if track == "spans" else self.relations(kind, table, rows)

    def per_document(self) -> dict[str, dict[str, float | None]]:
        keys = [*(f"spans_{s}_micro" for s in SPAN_SCHEMES), "relations_strict_micro"]
        return {
            d: {f"{k.removesuffix('_micro')}_f1": self.tally(k, i).f1 for k in keys} for i, d in enumerate(self.doc_ids)
        }


def _kappa(a: list[str], b: list[str]) -> float | None:
    if not a:
        return None
    if len(set(a) | set(b)) == 1:
        return 1.0  # every item got the same single value from both: perfect, kappa undefined (0/0)
    from sklearn.metrics import cohen_kappa_score  # slow to import: only when kappa is computed

    return float(cohen_kappa_score(a, b))


def _score_pair(
    reference: Sequence[Document], other: Sequence[Document], schema: Schema
) -> tuple[SpanMatch, dict[str, IntArray]]:
    """The scorer's per-document span and relation counts of ``other`` against ``reference``."""
    labels, relations = schema.label_names, schema.relation_names
    label_index = {name: i for i, name in enumerate(labels)}
    doc_offsets = offsets([d.text for d in reference])
    ref_spans = span_columns(reference, doc_offsets, label_index)
    other_spans = span_columns(other, doc_offsets, label_index)
    match = align_spans(ref_spans, other_spans)
    n_docs = len(reference)
    columns = span_columns_of(span_counts(match, n_docs=n_docs, n_labels=len(labels)), labels)
    ref_rel = relation_columns(reference, ref_spans, relations)
    other_rel = relation_columns(other, other_spans, relations)
    pairs = match_relations(match, ref_rel, other_rel)
    columns.update(relation_columns_counts(pairs, ref_rel, other_rel, relations, n_docs=n_docs))
    return match, columns


def compare_pair(
    name_a: str, docs_a: Mapping[str, Document], name_b: str, docs_b: Mapping[str, Document], schema: Schema
) -> PairResult:
    shared = sorted(set(docs_a) & set(docs_b))
    reference = [as_set(docs_a[d]) for d in shared]
    other = [as_set(docs_b[d]) for d in shared]
    differ = [a.id for a, b in zip(reference, other, strict=True) if a.text != b.text]
    if differ:
        raise ReportedlyError(
            [
                Incident("RPT-LAYER-TEXT", f"the layers of {name_a} and {name_b} have different texts", doc_id=d)
                for d in differ
            ]
        )
    match, columns = _score_pair(reference, other, schema)
    result = PairResult((name_a, name_b), shared, columns)
    values: dict[str, tuple[list[str], list[str]]] = {a.name: ([], []) for a in schema.attributes}
    ref_spans, other_spans = match.gold.spans, match.pred.spans
    for i, j in zip(match.identical.gold.tolist(), match.identical.pred.tolist(), strict=True):
        span, twin = ref_spans[i], other_spans[j]
        for attr in schema.attributes_of(span.label) if span.label in schema.label_names else ():
            if attr.name in span.attrs and attr.name in twin.attrs:
                values[attr.name][0].append(span.attrs[attr.name])
                values[attr.name][1].append(twin.attrs[attr.name])
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
                        units[(doc_id, span_key(span))].setdefault(name, codes[value])
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


def _mean(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


@dataclass
class AgreementReport:
    annotators: list[str]
    documents: int
    pairs: list[PairResult]
    alpha: dict[str, float | None]
    schema_version: str
    average: Average = Average.POOLED

    def f1(self, key: str) -> float | None:
        """The figure shown for ``spans_<scheme>_<table>`` or ``relations_<mode>_<table>``."""
        if self.average is Average.POOLED:
            return _mean([p.tally(key).f1 for p in self.pairs])
        return _mean([p.tally(key, i).f1 for p in self.pairs for i in range(p.documents)])

    def kappa(self, attribute: str) -> float | None:
        return _mean([p.kappa.get(attribute) for p in self.pairs])

    def summary(self, schema: Schema) -> dict[str, dict[str, float | None]]:
        keys = [f"spans_{s}" for s in SPAN_SCHEMES] + [f"relations_{m}" for m in RELATION_MODES]
        out: dict[str, dict[str, float | None]] = {}
        for key in keys:
            tables = schema.label_names if key.startswith("spans") else schema.relation_names
            out[key] = {t: self.f1(f"{key}_{t}") for t in (*tables, "micro")}
        return out

    def to_dict(self, schema: Schema) -> dict[str, Any]:
        def tallies(pair: PairResult, key: str, tables: Sequence[str]) -> dict[str, Any]:
            return {t: pair.tally(f"{key}_{t}").to_dict() for t in (*tables, "micro")}

        labels, relations = schema.label_names, schema.relation_names
        return {
            "schema_version": self.schema_version,
            "annotators": self.annotators,
            "documents": self.documents,
            "average": self.average.value,
            "average_rule": AVERAGE_NOTE[self.average],
            "f1": self.summary(schema),
            "krippendorff_alpha": self.alpha,
            "pairs": [
                {
                    "annotators": list(p.annotators),
                    "documents": p.documents,
                    **{f"spans_{s}": tallies(p, f"spans_{s}", labels) for s in SPAN_SCHEMES},
                    **{f"relations_{m}": tallies(p, f"relations_{m}", relations) for m in RELATION_MODES},
                    "cohen_kappa": p.kappa,
                    "attribute_items": p.attribute_items,
                    "per_document": p.per_document(),
                }
                for p in self.pairs
            ],
        }


def agreement(layers: Layers, schema: Schema, *, average: Average | str = Average.POOLED) -> AgreementReport:
    """Pairwise agreement between every two annotators, plus alpha across all of them."""
    names = sorted(layers)
    pairs = [compare_pair(a, layers[a], b, layers[b], schema) for a, b in itertools.combinations(names, 2)]
    covered = set().union(*(set(layers[n]) for n in names)) if names else set()
    multi = {d for d in covered if sum(d in layers[n] for n in names) >= 2}
    sets = {n: {d: as_set(doc) for d, doc in layers[n].items()} for n in names}
    return AgreementReport(
        names, len(multi), pairs, krippendorff_alphas(sets, schema), schema.version, Average(average)
    )


def _fmt(value: float | None) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.3f}"


def agreement_markdown(report: AgreementReport, schema: Schema, *, worst: int = 5) -> str:
    """Tables for corpus/README.md (means over pairs when there are more than two annotators)."""
    if not report.pairs:
        return "No document has layers from two annotators yet.\n"
    pairs_note = ", ".join("–".join(p.annotators) for p in report.pairs)
    lines = [
        f"Annotators: {', '.join(report.annotators)}; {report.documents} documents with at least two layers; "
        f"pairs: {pairs_note}. Schema {report.schema_version}.",
        "",
        f"Averaging: {report.average.value} ({AVERAGE_NOTE[report.average]}).",
        "",
        "| label | span F1 strict | span F1 partial | span F1 type |",
        "|---|---:|---:|---:|",
    ]
    for label in (*schema.label_names, "micro"):
        cells = " | ".join(_fmt(report.f1(f"spans_{s}_{label}")) for s in SPAN_SCHEMES)
        lines.append(f"| {label} | {cells} |")
    lines += ["", "| attribute | items | Cohen's kappa | Krippendorff's alpha |", "|---|---:|---:|---:|"]
    for attr in schema.attributes:
        items = sum(p.attribute_items.get(attr.name, 0) for p in report.pairs)
        kappa, alpha = _fmt(report.kappa(attr.name)), _fmt(report.alpha.get(attr.name))
        lines.append(f"| {attr.label}.{attr.name} | {items} | {kappa} | {alpha} |")
    lines += ["", "| relation | F1 strict | F1 lenient |", "|---|---:|---:|"]
    for rel in (*schema.relation_names, "micro"):
        cells = " | ".join(_fmt(report.f1(f"relations_{m}_{rel}")) for m in RELATION_MODES)
        lines.append(f"| {rel} | {cells} |")
    docs = _worst_documents(report.pairs, worst)
    if docs:
        lines += [
            "",
            f"Lowest-agreement documents (span F1 type, mean over pairs; {worst} shown):",
            "",
            "| document | span F1 strict | span F1 partial | span F1 type | relation F1 strict |",
            "|---|---:|---:|---:|---:|",
        ]
        for doc_id, row in docs:
            cells = " | ".join(
                _fmt(row[k]) for k in ("spans_strict_f1", "spans_partial_f1", "spans_type_f1", "relations_strict_f1")
            )
            lines.append(f"| {doc_id} | {cells} |")
    return "\n".join(lines) + "\n"


def per_document_means(pairs: Sequence[PairResult]) -> dict[str, dict[str, float | None]]:
    collected: dict[str, dict[str, list[float | None]]] = defaultdict(lambda: defaultdict(list))
    for pair in pairs:
        for doc_id, row in pair.per_document().items():
            for key, value in row.items():
                collected[doc_id][key].append(value)
    return {doc_id: {k: _mean(v) for k, v in rows.items()} for doc_id, rows in collected.items()}


def _worst_documents(pairs: Sequence[PairResult], count: int) -> list[tuple[str, dict[str, float | None]]]:
    means = per_document_means(pairs)
    return sorted(means.items(), key=lambda item: (item[1]["spans_type_f1"] or 0.0, item[0]))[:count]
