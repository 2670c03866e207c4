"""Each claim with its sources, cues and hedges, read off a document's relations."""

from __future__ import annotations

from dataclasses import dataclass

from reportedly.document import Document, Span


@dataclass(frozen=True)
class ClaimView:
    claim: Span
    sources: tuple[Span, ...]
    cues: tuple[Span, ...]
    hedges: tuple[Span, ...]


def claim_views(doc: Document) -> list[ClaimView]:
    """Claims in document order; a source that is a later mention (``same_source``) is given as is."""
    spans = doc.spans_by_id()
    out = []
    for claim in (s for s in doc.spans if s.label == "CLAIM"):

        def linked(label: str, *, claim_id: str = claim.id) -> tuple[Span, ...]:
            return tuple(
                spans[r.tail] for r in doc.relations if r.label == label and r.head == claim_id and r.tail in spans
            )

        hedges = tuple(
            spans[r.head] for r in doc.relations if r.label == "hedges" and r.tail == claim.id and r.head in spans
        )
        out.append(ClaimView(claim, linked("attributed_to"), linked("introduced_by"), hedges))
    return out


def first_mentions(doc: Document) -> dict[str, Span]:
    """Source id -> the mention it refers back to through ``same_source`` (followed to the first)."""
    spans = doc.spans_by_id()
    back = {r.head: r.tail for r in doc.relations if r.label == "same_source" and r.tail in spans}
    out = {}
    for source_id in back:
        seen, current = {source_id}, back[source_id]
        while current in back and back[current] not in seen:
            seen.add(current)
            current = back[current]
        out[source_id] = spans[current]
    return out


def describe(span: Span) -> str:
    """``'text' (attr values)`` for listings."""
    attrs = ", ".join(span.attrs.values())
    return f"{span.text!r}" + (f" ({attrs})" if attrs else "")
