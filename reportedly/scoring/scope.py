"""Scoring a corpus that annotates only some of our labels (its manifest, or ``--labels``).

Gold and predictions are checked against the whole schema first (a prediction of a label the
corpus lacks is a valid prediction); then everything outside the scope is left out of both sides:
spans of other labels, relations of other kinds or touching a left-out span, attributes of other
labels. The tables are those of the scoped schema, so a corpus of hedges has HEDGE tables and
no CLAIM table.

>>> from reportedly.document import Document, Relation, make_span
>>> from reportedly.manifest import scope_of
>>> from reportedly.schema import load_schema
>>> schema = load_schema()
>>> text = "Officials said the bridge may close."
>>> doc = Document("d1", text, spans=(make_span(text, "S1", "SOURCE", 0, 9), make_span(text, "H1", "HEDGE", 26, 29)))
>>> scope = scope_of(schema, ["HEDGE"])
>>> [s.label for s in scoped_document(doc, scope).spans], scoped_schema(schema, scope).label_names
(['HEDGE'], ('HEDGE',))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from reportedly.document import Document
from reportedly.incidents import Incident, ReportedlyError
from reportedly.manifest import Manifest, scope_of
from reportedly.schema import Schema

WHOLE_SCHEMA_TRACKS = ("profile", "slices")  # they read claims, sources and hedges together


def resolve_scope(
    schema: Schema, labels: Sequence[str] | None, manifest: Manifest | None, tracks: Sequence[str]
) -> Manifest | None:
    """The scope to score: ``labels`` (with the relations among them) if given, else the gold's
    manifest; None when that is the whole schema. A partial scope refuses the profile and slices
    tracks, whose figures need every label."""
    scope = scope_of(schema, labels) if labels is not None else manifest
    if scope is None or scope.covers(schema):
        return None
    refused = [t for t in tracks if t in WHOLE_SCHEMA_TRACKS]
    if refused:
        message = (
            f"the {', '.join(refused)} track(s) need every label, and the gold is scored on "
            f"{', '.join(scope.labels)} only; choose --tracks spans,attributes,relations"
        )
        raise ReportedlyError([Incident("RPT-EVAL-OPTION", message)])
    return scope


def scoped_schema(schema: Schema, scope: Manifest) -> Schema:
    """The schema with only the scope's labels, relations and attributes (in the schema's order)."""
    return replace(
        schema,
        labels=tuple(label for label in schema.labels if label.name in scope.labels),
        attributes=tuple(a for a in schema.attributes if a.name in scope.attributes),
        relations=tuple(r for r in schema.relations if r.name in scope.relations),
    )


def scoped_document(doc: Document, scope: Manifest) -> Document:
    """``doc`` with the spans of the scope's labels and the scope's relations between them."""
    spans = tuple(s for s in doc.spans if s.label in scope.labels)
    if len(spans) == len(doc.spans) and all(r.label in scope.relations for r in doc.relations):
        return doc
    kept = {s.id for s in spans}
    relations = tuple(r for r in doc.relations if r.label in scope.relations and r.head in kept and r.tail in kept)
    return replace(doc, spans=spans, relations=relations)
