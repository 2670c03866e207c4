"""Attribute and relation classifiers on top of predicted spans (shared by crf and encoder).

Attributes: one logistic regression per attribute over span features. Relations: one logistic
regression per relation over candidate pairs (same or neighbouring sentence), decoded per head:
a claim keeps every source above 0.5 and its best cue; a hedge its best claim; a later source
mention its best earlier mention.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from reportedly.baselines.features import Tokenized, pair_features, span_features
from reportedly.document import Document, Relation, Span
from reportedly.schema import Schema

MAX_SENTENCE_GAP = 1


def _classifier(seed: int) -> Pipeline:
    return make_pipeline(DictVectorizer(), LogisticRegression(max_iter=2000, C=1.0, random_state=seed))


def candidates(
    t: Tokenized, relation: str, head_label: str, tail_label: str, spans: Sequence[Span]
) -> list[tuple[Span, Span]]:
    heads = [s for s in spans if s.label == head_label]
    tails = [s for s in spans if s.label == tail_label]
    pairs = []
    for head in heads:
        hb = t.token_span(head)
        if hb is None:
            continue
        for tail in tails:
            tb = t.token_span(tail)
            if tb is None or tail is head:
                continue
            if relation == "same_source":
                if tail.start >= head.start:
                    continue  # a later mention points back to an earlier one
            elif abs(t.sentence_of[hb[0]] - t.sentence_of[tb[0]]) > MAX_SENTENCE_GAP:
                continue
            pairs.append((head, tail))
    return pairs


@dataclass
class Heads:
    seed: int = 13
    attributes: dict[str, Any] = field(default_factory=dict)  # name -> fitted pipeline, or a constant
    relations: dict[str, Any] = field(default_factory=dict)

    def fit(self, gold: Sequence[Document], schema: Schema) -> Heads:
        rows: dict[str, tuple[list[dict[str, Any]], list[str]]] = {a.name: ([], []) for a in schema.attributes}
        pairs: dict[str, tuple[list[dict[str, Any]], list[int]]] = {r.name: ([], []) for r in schema.relations}
        for doc in gold:
            t = Tokenized(doc)
            claims = [s for s in doc.spans if s.label == "CLAIM"]
            for span in doc.spans:
                feats = span_features(t, span, claims)
                for attr in schema.attributes_of(span.label):
                    if attr.name in span.attrs:
                        rows[attr.name][0].append(feats)
                        rows[attr.name][1].append(span.attrs[attr.name])
            linked = {(r.label, r.head, r.tail) for r in doc.relations}
            for rel in schema.relations:
                for head, tail in candidates(t, rel.name, rel.head, rel.tail, doc.spans):
                    pairs[rel.name][0].append(pair_features(t, head, tail))
                    pairs[rel.name][1].append(int((rel.name, head.id, tail.id) in linked))
        for name, (x, y) in rows.items():
            self.attributes[name] = _fit_or_constant(x, y, self.seed)
        for name, (x, labels) in pairs.items():
            self.relations[name] = _fit_or_constant(x, labels, self.seed)
        return self

    def apply(self, doc: Document, schema: Schema) -> Document:
        """Fill attributes and relations for the spans of ``doc``."""
        t = Tokenized(doc)
        claims = [s for s in doc.spans if s.label == "CLAIM"]
        # one classifier call per attribute for the whole document (a call per span costs more than its work)
        features = [span_features(t, span, claims) for span in doc.spans]
        values: dict[tuple[int, str], str] = {}
        for attr in schema.attributes:
            rows = [i for i, span in enumerate(doc.spans) if span.label == attr.label]
            if rows:
                predicted = _predict(self.attributes[attr.name], [features[i] for i in rows])
                values.update({(i, attr.name): str(value) for i, value in zip(rows, predicted, strict=True)})
        spans = []
        for i, span in enumerate(doc.spans):
            attrs = {a.name: values[(i, a.name)] for a in schema.attributes_of(span.label)}
            spans.append(Span(span.id, span.label, span.start, span.end, span.text, attrs))
        relations: list[Relation] = []
        for rel in schema.relations:
            pairs = candidates(t, rel.name, rel.head, rel.tail, spans)
            if not pairs:
                continue
            scores = _probability(self.relations[rel.name], [pair_features(t, h, tl) for h, tl in pairs])
            best: dict[str, tuple[float, Span]] = {}
            for (head, tail), score in zip(pairs, scores, strict=True):
                if score < 0.5:
                    continue
                if rel.name == "attributed_to":
                    relations.append(Relation(rel.name, head.id, tail.id))
                elif head.id not in best or score > best[head.id][0]:
                    best[head.id] = (score, tail)
            relations += [Relation(rel.name, head_id, tail.id) for head_id, (_, tail) in best.items()]
        return Document(doc.id, doc.text, doc.meta, tuple(spans), tuple(relations), doc.provenance)


def _fit_or_constant(x: list[dict[str, Any]], y: Sequence[Any], seed: int) -> Any:
    if not y:
        return 0
    if len(set(y)) == 1:
        return y[0]  # a single class in training: predict it
    return _classifier(seed).fit(x, list(y))


def _predict(model: Any, rows: list[dict[str, Any]]) -> list[Any]:
    return list(model.predict(rows)) if isinstance(model, Pipeline) else [model] * len(rows)


def _probability(model: Any, rows: list[dict[str, Any]]) -> list[float]:
    if isinstance(model, Pipeline):
        positive = list(model.classes_).index(1) if 1 in model.classes_ else None
        if positive is None:
            return [0.0] * len(rows)
        return [float(p[positive]) for p in model.predict_proba(rows)]
    return [float(model)] * len(rows)
