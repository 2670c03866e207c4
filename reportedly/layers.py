"""Annotator layers on disk: ``<root>/<annotator>/<doc-id>.json``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportedly.document import Document, read_document

Layers = dict[str, dict[str, Document]]  # annotator -> document id -> document


def read_layers(root: Path, annotators: Sequence[str] | None = None) -> Layers:
    """Every annotator folder under ``root`` (or just ``annotators``), each as id -> document."""
    root = Path(root)
    names = list(annotators) if annotators else sorted(p.name for p in root.iterdir() if p.is_dir())
    layers: Layers = {}
    for name in names:
        folder = root / name
        if not folder.is_dir():
            raise FileNotFoundError(f"{folder}: no layer folder for annotator {name!r}")
        layers[name] = {doc.id: doc for doc in (read_document(p) for p in sorted(folder.glob("*.json")))}
    return layers
