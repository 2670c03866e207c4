"""Per-document views for an evaluation report: the documents a system does worst on, each as a
``reportedly show`` page of gold against prediction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportedly.document import Document, atomic_write_text
from reportedly.names import join_inside
from reportedly.schema import Schema
from reportedly.view.compare import compare
from reportedly.view.html import document_html


@dataclass(frozen=True)
class DocumentLink:
    doc_id: str
    href: str  # relative to the report
    strict_f1: float
    missed: int
    spurious: int
    boundary: int


def write_worst_views(
    gold: Sequence[Document], predicted: Sequence[Document], schema: Schema, folder: Path, *, limit: int = 10
) -> list[DocumentLink]:
    """Write ``folder/docs/<id>.html`` for the ``limit`` documents with the lowest strict span F1
    (ties by id); documents without a prediction compare against an empty one."""
    by_id = {d.id: d for d in predicted}
    scored = []
    for doc in gold:
        other = by_id.get(doc.id) or Document(doc.id, doc.text, provenance={"layer": "prediction", "system": "none"})
        scored.append((compare(doc, other).strict_f1, doc.id, doc, other))
    links = []
    for f1, doc_id, doc, other in sorted(scored, key=lambda row: (row[0], row[1]))[:limit]:
        href = f"docs/{doc_id}.html"
        atomic_write_text(join_inside(folder, "docs", f"{doc_id}.html"), document_html(doc, schema, vs=other))
        comparison = compare(doc, other)
        links.append(
            DocumentLink(
                doc_id, href, f1, comparison.count("missed"), comparison.count("spurious"), comparison.count("boundary")
            )
        )
    return links
