"""The blind audit: how often the gold is wrong, measured against a fresh pass that never saw it.

An auditor annotates a sample of gold documents blind. :func:`audit_candidates` lists every
difference between the gold and the audit layer with the adjudication machinery (the gold is one
"layer", named ``gold``); an adjudicator decides each difference against the guidelines, choosing
``gold``, the auditor, ``none`` or ``new``. A difference is a **gold error** when the decided
outcome is not what the gold had. :func:`audit_report` counts gold errors per label (span
boundaries, presence and attributes) and per relation, per 100 gold items, with a document
bootstrap interval; :func:`audited_gold` returns the corrected gold document, its provenance
saying what the audit changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from reportedly.adjudicate import Candidate, Decision, apply_decisions, merge
from reportedly.document import Document
from reportedly.schema import Schema

GOLD = "gold"
RESAMPLES = 10_000
SEED = 20261207


def audit_candidates(
    gold: Mapping[str, Document], audit: Mapping[str, Document], *, auditor: str, schema: Schema
) -> list[Candidate]:
    """The differences between gold and the audit layer, for every audited document that has gold."""
    if auditor == GOLD:
        raise ValueError(f"the auditor cannot be called {GOLD!r}")
    return [merge({GOLD: gold[d], auditor: audit[d]}, schema) for d in sorted(audit) if d in gold]


def is_gold_error(item: Mapping[str, Any], decision: Decision) -> bool:
    """Whether the decided outcome of one difference differs from what the gold had."""
    if decision.choose == GOLD:
        return False
    gold_version = item.get("versions", {}).get(GOLD)
    if decision.choose == "none":
        return gold_version not in (None, False)
    return True  # the auditor's version or a new one: different from the gold by construction


def _item_key(item: Mapping[str, Any], attribute_labels: Mapping[str, str]) -> tuple[str, str]:
    """(what kind of gold item, its label): span and attribute errors count under the span's label."""
    if item["kind"] == "relation":
        return "relation", str(item["relation"]["label"])
    if item["kind"] == "attribute":
        return "attribute", attribute_labels.get(str(item["attribute"]), "?")
    versions = [v for v in item.get("versions", {}).values() if isinstance(v, Mapping)]
    gold_version = item.get("versions", {}).get(GOLD)
    label = gold_version["label"] if isinstance(gold_version, Mapping) else (versions[0]["label"] if versions else "?")
    return "span", str(label)


@dataclass(frozen=True)
class Rate:
    name: str
    gold_items: int
    errors: int
    per_100: float
    low: float
    high: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "gold_items": self.gold_items,
            "errors": self.errors,
            "per_100": round(self.per_100, 3),
            "ci95": [round(self.low, 3), round(self.high, 3)],
        }


def _rate(
    name: str, errors: npt.NDArray[np.float64], totals: npt.NDArray[np.float64], rng: np.random.Generator
) -> Rate:
    """Errors per 100 gold items, with a percentile bootstrap over documents."""
    total = int(totals.sum())
    point = 100.0 * errors.sum() / total if total else 0.0
    if len(errors) < 2 or not total:
        return Rate(name, total, int(errors.sum()), point, point, point)
    picks = rng.integers(0, len(errors), size=(RESAMPLES, len(errors)))
    sampled_totals = totals[picks].sum(axis=1)
    samples = 100.0 * errors[picks].sum(axis=1) / np.maximum(sampled_totals, 1)
    low, high = np.percentile(samples, [2.5, 97.5])
    return Rate(name, total, int(errors.sum()), point, float(low), float(high))


def audit_report(
    candidates: Sequence[Candidate],
    decisions: Mapping[str, Sequence[Decision]],
    gold: Mapping[str, Document],
    schema: Schema,
) -> dict[str, Any]:
    """Gold errors per label and per relation (per 100 gold spans / relations), with 95% intervals."""
    attribute_labels = {a.name: a.label for a in schema.attributes}
    labels = list(schema.label_names)
    relation_labels = list(schema.relation_names)
    per_doc_errors: list[Counter[str]] = []
    per_doc_totals: list[Counter[str]] = []
    kinds: Counter[str] = Counter()
    for candidate in candidates:
        doc = gold[candidate.doc.id]
        by_item = {d.item: d for d in decisions[doc.id]}
        errors: Counter[str] = Counter()
        for item in candidate.items:
            if is_gold_error(item, by_item[item["item"]]):
                kind, label = _item_key(item, attribute_labels)
                errors["rel:" + label if kind == "relation" else label] += 1
                kinds[f"{kind} {label}"] += 1
        totals: Counter[str] = Counter(s.label for s in doc.spans)
        totals.update("rel:" + r.label for r in doc.relations)
        per_doc_errors.append(errors)
        per_doc_totals.append(totals)
    rng = np.random.default_rng(SEED)

    def rate(name: str, keys: Sequence[str]) -> Rate:
        errs = np.array([sum(e[k] for k in keys) for e in per_doc_errors], dtype=float)
        tots = np.array([sum(t[k] for k in keys) for t in per_doc_totals], dtype=float)
        return _rate(name, errs, tots, rng)

    span_rates = [rate(label, [label]) for label in labels] + [rate("all spans", labels)]
    rel_keys = ["rel:" + r for r in relation_labels]
    relation_rates = [rate(r, ["rel:" + r]) for r in relation_labels] + [rate("all relations", rel_keys)]
    return {
        "documents": len(candidates),
        "differences": sum(len(c.items) for c in candidates),
        "gold_errors": sum(kinds.values()),
        "errors_by_kind": dict(sorted(kinds.items())),
        "spans": [r.as_dict() for r in span_rates],
        "relations": [r.as_dict() for r in relation_rates],
        "bootstrap": {"resamples": RESAMPLES, "seed": SEED, "unit": "document"},
    }


def _rate_table(rows: Sequence[Mapping[str, Any]], first: str, items: str) -> list[str]:
    lines = [f"| {first} | gold {items} | gold errors | per 100 {items} | 95% CI |", "|---|---:|---:|---:|---|"]
    for row in rows:
        low, high = row["ci95"]
        lines.append(
            f"| {row['name']} | {row['gold_items']} | {row['errors']} | {row['per_100']:.2f} | {low:.2f}–{high:.2f} |"
        )
    return lines


def audit_markdown(report: Mapping[str, Any]) -> str:
    """The report's tables for the dataset card."""
    lines = [
        f"{report['documents']} audited documents; {report['differences']} differences between the blind "
        f"audit layer and the gold, of which {report['gold_errors']} were decided against the gold.",
        "",
        *_rate_table(report["spans"], "label", "spans"),
        "",
        *_rate_table(report["relations"], "relation", "relations"),
    ]
    return "\n".join(lines) + "\n"


def audited_gold(
    candidate: Candidate,
    decisions: Sequence[Decision],
    gold: Document,
    *,
    adjudicator: str,
    auditor: str,
    schema: Schema,
) -> Document:
    """The gold with every decided difference applied; its provenance keeps how the gold was made
    and adds what the audit changed."""
    fixed = apply_decisions(candidate, decisions, adjudicator=adjudicator, method="", schema=schema)
    by_item = {d.item: d for d in decisions}
    errors = sum(is_gold_error(item, by_item[item["item"]]) for item in candidate.items)
    provenance = dict(gold.provenance)
    provenance["method"] = (
        f"{provenance.get('method', '')}; blind audit by {auditor} (a language-model session that never saw the "
        f"gold): {len(candidate.items)} difference(s), {errors} decided against the gold by {adjudicator} and fixed"
    )
    annotators = list(provenance.get("annotators", []))
    provenance["annotators"] = [*annotators, *(n for n in (auditor, adjudicator) if n not in annotators)]
    return replace(fixed, provenance=provenance)
