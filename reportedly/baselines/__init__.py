"""Bundled baseline systems; each exposes ``predict(documents) -> documents``."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reportedly.document import Document

Predictor = Callable[[Sequence[Document]], list[Document]]
SYSTEMS = ("rules", "crf", "encoder")
