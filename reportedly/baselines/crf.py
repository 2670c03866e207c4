"""The CRF baseline: BIO tagging per span layer with sklearn-crfsuite, plus classifier heads.

Trained on the train split, c1/c2 chosen on dev by strict span F1, saved under a cache folder
(keyed by a hash of the training data and settings), deterministic with a seed.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sklearn_crfsuite

from reportedly.baselines import bio
from reportedly.baselines.features import Tokenized, token_features
from reportedly.baselines.heads import Heads
from reportedly.baselines.progress import TrainingProgress
from reportedly.document import Document, Span, document_to_dict
from reportedly.schema import Schema

SYSTEM = "crf"
VERSION = "1.0.0"
GRID = ((0.05, 0.01), (0.1, 0.05), (0.3, 0.1))


@dataclass
class CrfModel:
    taggers: dict[str, Any] = field(default_factory=dict)  # label -> fitted CRF
    heads: Heads = field(default_factory=Heads)
    settings: dict[str, Any] = field(default_factory=dict)

    def predict(self, documents: Sequence[Document], schema: Schema) -> list[Document]:
        out = []
        for doc in documents:
            t = Tokenized(doc)
            features = [token_features(t, i) for i in range(len(t.words))]
            spans: list[Span] = []
            for label in schema.label_names:
                tags = self.taggers[label].predict_single(features) if features else []
                for number, (start, end) in enumerate(bio.decode(t.offsets, tags), start=1):
                    prefix = {"CUE": "U"}.get(label, label[0])
                    spans.append(Span(f"{prefix}{number}", label, start, end, doc.text[start:end], {}))
            bare = Document(
                doc.id,
                doc.text,
                doc.meta,
                tuple(spans),
                (),
                {"layer": "prediction", "system": SYSTEM, "version": VERSION},
            )
            out.append(self.heads.apply(bare, schema))
        return out


def _sequences(docs: Sequence[Document], label: str) -> tuple[list[list[dict[str, Any]]], list[list[str]]]:
    xs, ys = [], []
    for doc in docs:
        t = Tokenized(doc)
        xs.append([token_features(t, i) for i in range(len(t.words))])
        ys.append(bio.encode(t.offsets, [s for s in doc.spans if s.label == label]))
    return xs, ys


def _strict_f1(gold: Sequence[Document], predicted: Sequence[Document], label: str) -> float:
    gold_set = {(d.id, s.start, s.end) for d in gold for s in bio.outermost([x for x in d.spans if x.label == label])}
    pred_set = {(d.id, s.start, s.end) for d in predicted for s in d.spans if s.label == label}
    hits = len(gold_set & pred_set)
    return 2 * hits / (len(gold_set) + len(pred_set)) if gold_set or pred_set else 1.0


def train(
    train_docs: Sequence[Document],
    dev_docs: Sequence[Document],
    schema: Schema,
    *,
    seed: int = 13,
    max_iterations: int = 100,
    on_progress: Callable[[TrainingProgress], None] | None = None,
) -> CrfModel:
    """Fit one CRF per label (c1/c2 tuned on dev when dev is given) and the attribute/relation heads."""
    model = CrfModel(settings={"seed": seed, "max_iterations": max_iterations, "chosen": {}})
    grid = GRID if dev_docs else GRID[1:2]
    for number, label in enumerate(schema.label_names, start=1):
        xs, ys = _sequences(train_docs, label)
        best: tuple[float, Any, tuple[float, float]] | None = None
        for step, (c1, c2) in enumerate(grid, start=1):
            crf = sklearn_crfsuite.CRF(
                algorithm="lbfgs", c1=c1, c2=c2, max_iterations=max_iterations, all_possible_transitions=True
            )
            crf.fit(xs, ys)
            if on_progress is not None:
                on_progress(TrainingProgress(number, len(schema.label_names), step, len(grid), stage="label"))
            if not dev_docs:
                best = (0.0, crf, (c1, c2))
                break
            model.taggers[label] = crf
            dev_xs, _ = _sequences(dev_docs, label)
            predicted = []
            for doc, feats in zip(dev_docs, dev_xs, strict=True):
                t = Tokenized(doc)
                ranges = bio.decode(t.offsets, crf.predict_single(feats) if feats else [])
                predicted.append(
                    Document(
                        doc.id,
                        doc.text,
                        spans=tuple(Span(f"X{i}", label, s, e, doc.text[s:e]) for i, (s, e) in enumerate(ranges)),
                    )
                )
            score = _strict_f1(dev_docs, predicted, label)
            if best is None or score > best[0]:
                best = (score, crf, (c1, c2))
        assert best is not None  # the grid is never empty
        model.taggers[label] = best[1]
        model.settings["chosen"][label] = {"c1": best[2][0], "c2": best[2][1], "dev_strict_f1": round(best[0], 4)}
    model.heads = Heads(seed=seed).fit(train_docs, schema)
    return model


def fingerprint(train_docs: Sequence[Document], dev_docs: Sequence[Document], schema: Schema, **settings: Any) -> str:
    digest = hashlib.sha256()
    for doc in [*train_docs, *dev_docs]:
        digest.update(json.dumps(document_to_dict(doc), sort_keys=True, ensure_ascii=False).encode())
    digest.update(json.dumps({"schema": schema.version, "version": VERSION, **settings}, sort_keys=True).encode())
    return digest.hexdigest()[:16]


def save(model: CrfModel, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pickle.dumps(model))
    tmp.replace(path)


def load(path: Path) -> CrfModel:
    # our own cache file, written by save(); never load pickles from elsewhere
    model = pickle.loads(Path(path).read_bytes())
    if not isinstance(model, CrfModel):
        raise TypeError(f"{path} does not hold a CRF model")
    return model
