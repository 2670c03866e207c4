"""Trained models as folders: train one (with progress and per-epoch checkpoints), find one in the
cache, load one.

A model folder holds ``model.json`` (system, version, model hash, what it was trained on, its
settings) and the system's weight files. ``reportedly train`` writes one where you say; without
``--out`` it goes to the cache, ``.cache/baselines/<system>/<fingerprint>/``, keyed by the
training data and settings, which is where ``reportedly predict crf`` looks first. Weight files
include pickles: load only model folders you made or trust.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reportedly.baselines.progress import TrainingProgress
from reportedly.baselines.registry import TRAINABLE
from reportedly.document import Document, atomic_write_text
from reportedly.incidents import ReportedlyError
from reportedly.schema import Schema

DEFAULT_CACHE = Path(".cache") / "baselines"
MODEL_FILE = "model.json"
FORMAT = "reportedly-model/1"
WEIGHTS = {"crf": ("crf.pkl",), "encoder": ("tagger.pt", "heads.pkl")}
DEFAULT_EPOCHS = 4  # encoder.EPOCHS, without importing the encoder here (the crf has no epochs)


@dataclass(frozen=True)
class ModelCard:
    """The contents of ``model.json``."""

    system: str
    version: str
    model_hash: str
    schema_version: str
    fingerprint: str
    trained_on: dict[str, Any]
    settings: dict[str, Any] = field(default_factory=dict)
    created: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, **{k: getattr(self, k) for k in self.__dataclass_fields__}}


def files_hash(folder: Path, names: Sequence[str]) -> str:
    """SHA-256 over the weight files, in order (the ``model_hash`` of predictions)."""
    digest = hashlib.sha256()
    for name in names:
        with (folder / name).open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def read_card(folder: Path) -> ModelCard:
    path = Path(folder) / MODEL_FILE
    if not path.is_file():
        raise ReportedlyError.of(
            "RPT-MODEL-MISSING",
            f"{folder} is not a model folder (no {MODEL_FILE}); write one with `reportedly train crf --out {folder}`",
        )
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ReportedlyError.of("RPT-MODEL-INVALID", f"{path}: invalid JSON at line {exc.lineno}: {exc.msg}") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT or record.get("system") not in WEIGHTS:
        raise ReportedlyError.of(
            "RPT-MODEL-INVALID",
            f"{path}: not a {FORMAT} card of a trainable system ({', '.join(TRAINABLE)}); retrain with "
            "`reportedly train`",
        )
    record.pop("format")
    try:
        return ModelCard(**record)
    except TypeError as exc:
        raise ReportedlyError.of("RPT-MODEL-INVALID", f"{path}: {exc}; retrain with `reportedly train`") from None


def training_data(corpus: Path) -> tuple[tuple[Document, ...], tuple[Document, ...]]:
    """The train and dev splits of a corpus folder."""
    from reportedly.scoring.io import load_gold

    try:
        train = load_gold(corpus, split="train").documents
        dev = load_gold(corpus, split="dev").documents
    except ReportedlyError as exc:
        first = exc.incidents[0]
        raise ReportedlyError.of(first.code, f"{first.message}; give a corpus folder with splits/ (--corpus)") from None
    if not train:
        raise ReportedlyError.of(
            "RPT-MODEL-NO-DATA", f"{corpus}/splits/train.txt lists no documents: nothing to train on"
        )
    return train, dev


def fingerprint(
    system: str, train: Sequence[Document], dev: Sequence[Document], schema: Schema, *, seed: int, epochs: int
) -> str:
    """The cache key: the training data and every setting that changes the model."""
    if system == "crf":
        from reportedly.baselines import crf

        return crf.fingerprint(train, dev, schema, seed=seed)
    from reportedly.baselines import encoder

    return encoder.fingerprint(train, schema, epochs=epochs, seed=seed, learning_rate=encoder.LEARNING_RATE)


def cached_folder(system: str, key: str, cache: Path = DEFAULT_CACHE) -> Path:
    return Path(cache) / system / key


@dataclass(frozen=True)
class TrainingRun:
    """What training ``system`` on a corpus needs: its splits and the model folder (cached by fingerprint)."""

    system: str
    corpus: Path
    train: tuple[Document, ...]
    dev: tuple[Document, ...]
    folder: Path
    seed: int
    epochs: int

    def run(self, schema: Schema, on_progress: Callable[[TrainingProgress], None] | None = None) -> ModelCard:
        return train_model(
            self.system,
            schema=schema,
            train=self.train,
            dev=self.dev,
            out=self.folder,
            corpus=str(self.corpus),
            seed=self.seed,
            epochs=self.epochs,
            on_progress=on_progress,
        )


def plan_training(
    system: str,
    corpus: Path,
    schema: Schema,
    *,
    seed: int,
    epochs: int,
    cache: Path = DEFAULT_CACHE,
    out: Path | None = None,
) -> TrainingRun:
    """The run for ``system`` on ``corpus``: into ``out``, or the cache folder its fingerprint names."""
    train, dev = training_data(corpus)
    key = fingerprint(system, train, dev, schema, seed=seed, epochs=epochs)
    return TrainingRun(system, Path(corpus), train, dev, out or cached_folder(system, key, cache), seed, epochs)


def train_model(
    system: str,
    *,
    schema: Schema,
    train: Sequence[Document],
    dev: Sequence[Document] = (),
    out: Path,
    corpus: str = "",
    seed: int = 13,
    epochs: int = DEFAULT_EPOCHS,
    max_steps: int | None = None,
    on_progress: Callable[[TrainingProgress], None] | None = None,
) -> ModelCard:
    """Train ``system`` and write its model folder to ``out``. The encoder checkpoints every epoch
    under ``out/checkpoints/`` and resumes from there when run again on the same data and settings."""
    if system not in WEIGHTS:
        raise ReportedlyError.of(
            "RPT-SYSTEM-UNKNOWN", f"{system!r} is not trained; trainable systems: {', '.join(TRAINABLE)}"
        )
    key = fingerprint(system, train, dev, schema, seed=seed, epochs=epochs)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if system == "crf":
        from reportedly.baselines import crf

        model = crf.train(train, dev, schema, seed=seed, on_progress=on_progress)
        crf.save(model, out / "crf.pkl")
        version, settings = crf.VERSION, model.settings
    else:
        from reportedly.baselines import encoder

        checkpoints = out / "checkpoints"
        trained = encoder.train(
            train,
            schema,
            epochs=epochs,
            seed=seed,
            max_steps=max_steps,
            checkpoints=checkpoints,
            resume_key=key,
            on_progress=on_progress,
        )
        encoder.save(trained, out)
        shutil.rmtree(checkpoints, ignore_errors=True)  # done: the model itself is saved
        version, settings = encoder.VERSION, trained.settings
    card = ModelCard(
        system=system,
        version=version,
        model_hash=files_hash(out, WEIGHTS[system]),
        schema_version=schema.version,
        fingerprint=key,
        trained_on={"corpus": corpus, "train": len(train), "dev": len(dev)},
        settings=settings,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    atomic_write_text(out / MODEL_FILE, json.dumps(card.to_dict(), indent=2, sort_keys=True) + "\n")
    return card


def load_model(folder: Path, schema: Schema) -> tuple[ModelCard, Any]:
    """The card and the trained model (with ``predict(documents, schema)``) of a model folder."""
    folder = Path(folder)
    card = read_card(folder)
    missing = [name for name in WEIGHTS[card.system] if not (folder / name).is_file()]
    if missing:
        raise ReportedlyError.of(
            "RPT-MODEL-INVALID", f"{folder} lacks {', '.join(missing)}; retrain with `reportedly train`"
        )
    actual = files_hash(folder, WEIGHTS[card.system])
    if actual != card.model_hash:
        raise ReportedlyError.of(
            "RPT-MODEL-HASH",
            f"{folder}: the weight files have SHA-256 {actual[:12]}…, but {MODEL_FILE} says {card.model_hash[:12]}…; "
            "they were changed or copied incompletely: retrain with `reportedly train`",
        )
    if card.schema_version != schema.version:
        raise ReportedlyError.of(
            "RPT-MODEL-SCHEMA",
            f"{folder} was trained on schema {card.schema_version}, this is {schema.version}; retrain it",
        )
    if card.system == "crf":
        from reportedly.baselines import crf

        return card, crf.load(folder / "crf.pkl")
    from reportedly.baselines import encoder

    return card, encoder.load(folder, schema)
