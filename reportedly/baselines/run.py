"""Run a bundled baseline on documents: load its model (training it first if it is not cached), predict."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from reportedly.baselines.models import DEFAULT_CACHE, DEFAULT_EPOCHS
from reportedly.baselines.progress import TrainingProgress
from reportedly.baselines.system import load_system
from reportedly.document import Document
from reportedly.schema import Schema


def run_baseline(
    name: str,
    documents: Sequence[Document],
    *,
    schema: Schema,
    corpus: Path | None = None,
    cache: Path = DEFAULT_CACHE,
    seed: int = 13,
    epochs: int = DEFAULT_EPOCHS,
    on_progress: Callable[[TrainingProgress], None] | None = None,
) -> list[Document]:
    """Predictions of baseline ``name`` for ``documents`` (trained systems learn from ``corpus``)."""
    system = load_system(
        name, schema=schema, corpus=corpus, cache=cache, seed=seed, epochs=epochs, on_progress=on_progress
    )
    return system.predict(documents)
