"""Extraction systems as objects: ``load_system(name)``, then ``predict_text`` or ``predict``.

>>> from reportedly import load_system
>>> system = load_system("rules")
>>> doc = system.predict_text("Officials said the bridge may reopen next week.")
>>> [(s.label, s.text) for s in doc.spans if s.label in ("SOURCE", "HEDGE")]
[('SOURCE', 'Officials'), ('HEDGE', 'may')]
>>> doc.provenance["system"], doc.provenance["layer"]
('rules', 'prediction')

Every prediction is a validated document whose provenance names the system, its version, the
hash of its model, the schema version and the date.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from reportedly.baselines.models import (
    DEFAULT_CACHE,
    DEFAULT_EPOCHS,
    load_model,
    plan_training,
)
from reportedly.baselines.progress import TrainingProgress
from reportedly.baselines.registry import spec
from reportedly.corpus import Corpus
from reportedly.document import Document
from reportedly.incidents import ReportedlyError
from reportedly.schema import PACKAGE_ROOT, Schema, load_schema

Predictor = Callable[[Sequence[Document]], list[Document]]


@dataclass
class System:
    name: str
    version: str
    model_hash: str
    schema: Schema
    run: Predictor = field(repr=False)
    info: Mapping[str, Any] = field(default_factory=dict)  # what the model was trained on, settings

    def predict(self, documents: Sequence[Document]) -> list[Document]:
        """Predictions for ``documents`` (their text, id and meta are kept; gold spans are ignored)."""
        bare = [Document(d.id, d.text, d.meta) for d in documents]
        date = datetime.now(UTC).isoformat(timespec="seconds")
        out = []
        for doc in self.run(bare):
            stamped = replace(doc, provenance={**doc.provenance, **self.provenance(date)})
            errors = prediction_errors(stamped, self.schema)
            if errors:
                # a bug in the system, not in the input
                raise ReportedlyError.of(
                    "RPT-PREDICT-INVALID", f"{self.name} made an invalid document {doc.id}: {'; '.join(errors[:5])}"
                )
            out.append(stamped)
        return out

    def summary(self) -> str:
        """What the run so far cost and gave, where the system keeps count (the llm); else empty."""
        report = getattr(self.run, "summary", None)
        return str(report()) if callable(report) else ""

    def predict_text(self, text: str, *, doc_id: str = "text", meta: Mapping[str, Any] | None = None) -> Document:
        """Predictions for one text."""
        (doc,) = self.predict([Document(doc_id, text, dict(meta or {}))])
        return doc

    def provenance(self, date: str) -> dict[str, Any]:
        return {
            "layer": "prediction",
            "system": self.name,
            "version": self.version,
            "model_hash": self.model_hash,
            "schema_version": self.schema.version,
            "date": date,
        }


def prediction_errors(doc: Document, schema: Schema) -> list[str]:
    """Errors of a prediction, by the one checker in the prediction role (a span without an
    attribute is allowed: it scores as a wrong attribute)."""
    from reportedly.validate import check_document

    return [f"{i.code} {i.message}" for i in check_document(doc, schema, role="prediction") if i.is_error]


def default_corpus() -> Path:
    """``corpus/`` here, else the corpus next to the package (a source checkout)."""
    here = Path("corpus")
    return here if Corpus(here).splits_folder.is_dir() else PACKAGE_ROOT / "corpus"


def rules_hash() -> str:
    """The rules system's "model": its lexicon files."""
    digest = hashlib.sha256()
    folder = resources.files("reportedly.baselines").joinpath("lexicons")
    for name in sorted(p.name for p in folder.iterdir() if p.name.endswith(".txt")):
        digest.update(name.encode() + b"\0" + folder.joinpath(name).read_bytes())
    return digest.hexdigest()


def load_system(
    name: str | Path,
    *,
    schema: Schema | None = None,
    corpus: Path | None = None,
    cache: Path = DEFAULT_CACHE,
    train: bool = True,
    seed: int = 13,
    epochs: int = DEFAULT_EPOCHS,
    on_progress: Callable[[TrainingProgress], None] | None = None,
    **options: Any,
) -> System:
    """A system by registry name (``rules``, ``crf``, ``encoder``, ``llm``) or model folder path.

    ``crf`` and ``encoder`` load the model trained on ``corpus`` from the cache, training it first
    when ``train`` (else ``RPT-MODEL-MISSING``). ``llm`` takes the options of
    :func:`reportedly.llm.runner.llm_run` (``base_url``, ``model``, ...).
    """
    schema = schema or load_schema()
    if isinstance(name, Path) or "/" in name or Path(name).is_dir():
        return _from_folder(Path(name), schema)
    found = spec(name)
    if found.name == "rules":
        from reportedly.baselines import rules

        return System("rules", rules.VERSION, rules_hash(), schema, rules.predict)
    if found.name == "llm":
        from reportedly.llm.runner import SYSTEM, llm_run

        run = llm_run(schema=schema, **options)
        return System(SYSTEM, run.version, run.model_hash, schema, run, run.info)
    if options:
        raise TypeError(f"unexpected option(s) for {found.name}: {', '.join(options)}")
    training = plan_training(found.name, corpus or default_corpus(), schema, seed=seed, epochs=epochs, cache=cache)
    if not (training.folder / "model.json").is_file():
        if not train:
            raise ReportedlyError.of(
                "RPT-MODEL-MISSING",
                f"no {found.name} model trained on {training.corpus} in {cache}; run `reportedly train {found.name}`",
            )
        training.run(schema, on_progress)
    return _from_folder(training.folder, schema)


def _from_folder(folder: Path, schema: Schema) -> System:
    card, model = load_model(folder, schema)

    def run(documents: Sequence[Document]) -> list[Document]:
        predicted: list[Document] = model.predict(documents, schema)
        return predicted

    info = {"folder": str(folder), "trained_on": card.trained_on, "settings": card.settings, "created": card.created}
    return System(card.system, card.version, card.model_hash, schema, run, info)
