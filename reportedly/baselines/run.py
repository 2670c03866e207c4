"""Run a bundled baseline by name: train where needed (cached), then predict."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportedly.baselines import SYSTEMS
from reportedly.document import Document
from reportedly.incidents import ReportedlyError
from reportedly.schema import Schema

DEFAULT_CACHE = Path(".cache") / "baselines"


def run_baseline(
    name: str,
    documents: Sequence[Document],
    *,
    schema: Schema,
    train: Sequence[Document] = (),
    dev: Sequence[Document] = (),
    cache: Path = DEFAULT_CACHE,
    seed: int = 13,
    epochs: int = 16,
) -> list[Document]:
    """Predictions of baseline ``name`` for ``documents`` (trained systems learn from ``train``)."""
    if name == "rules":
        from reportedly.baselines import rules

        return rules.predict(documents)
    if name not in SYSTEMS:
        close = [s for s in SYSTEMS if s[0] == name[:1]]
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ReportedlyError.of(
            "RPT-BASELINE-UNKNOWN", f"unknown baseline {name!r}: choose one of {', '.join(SYSTEMS)}{hint}"
        )
    if not train:
        raise ReportedlyError.of(
            "RPT-BASELINE-UNKNOWN", f"baseline {name!r} needs training documents (the train split is empty)"
        )
    if name == "crf":
        from reportedly.baselines import crf

        return crf.train_or_load(train, dev, schema, cache=cache, seed=seed).predict(documents, schema)
    from reportedly.baselines import encoder

    model = encoder.train_or_load(train, schema, cache=cache, epochs=epochs, seed=seed)
    return model.predict(documents, schema)
