"""One JSON record's validation: ``validate_record`` (any parsed record, every problem named) and
``validate_decoded`` (a record the C decoder read: the usual valid one, without a dict per span)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from reportedly.document import Document, DocumentRecord, document_from_dict, document_from_record
from reportedly.incidents import Incident, ReportedlyError
from reportedly.names import is_valid_name
from reportedly.schema import Schema, document_json_schema
from reportedly.validate.document import (
    INTEGRITY,
    Place,
    Role,
    check_document,
    guideline_problems,
    is_sound,
    role_of,
)

if TYPE_CHECKING:
    import jsonschema


@cache
def _validator(schema: Schema) -> jsonschema.protocols.Validator:
    import jsonschema  # slow to import: only when a record is checked, never at `reportedly --help`

    return jsonschema.Draft202012Validator(document_json_schema(schema))


def _schema_code(error: jsonschema.ValidationError) -> str:
    path = list(error.absolute_path)
    if path == ["id"] and error.validator == "pattern":
        return "RPT-ID-INVALID"
    if path[:1] == ["spans"] and len(path) >= 3:
        if path[2] == "label" and error.validator == "enum":
            return "RPT-LABEL-UNKNOWN"
        if path[2] == "attrs":
            return "RPT-ATTR-UNKNOWN" if error.validator == "additionalProperties" else "RPT-ATTR-VALUE"
    if path[:1] == ["relations"] and len(path) >= 3 and path[2] == "label":
        return "RPT-REL-UNKNOWN"
    if path[:1] == ["meta"] and len(path) == 2 and error.validator == "enum":
        return "RPT-META-VALUE"
    return "RPT-SCHEMA"


def _span_id_at(record: Mapping[str, Any], path: Sequence[Any]) -> str | None:
    if len(path) >= 2 and path[0] == "spans" and isinstance(path[1], int):
        spans = record.get("spans")
        if isinstance(spans, list) and path[1] < len(spans) and isinstance(spans[path[1]], Mapping):
            span_id = spans[path[1]].get("id")
            return span_id if isinstance(span_id, str) else None
    return None


def validate_record(
    record: Any,
    schema: Schema,
    *,
    file: str | None = None,
    line: int | None = None,
    raw: str | None = None,
    expected_layer: str | Sequence[str] | None = None,
    annotator: str | None = None,
    role: Role | None = None,
    text: str | None = None,
) -> tuple[list[Incident], Document | None]:
    """Check one parsed JSON record; returns its incidents and the Document when it could be built.

    ``role`` defaults to what ``provenance.layer`` says (gold when it says nothing known). ``text``
    fills in a prediction record that omits its text (the gold text; ``eval`` passes it). This is
    the one check of a record: ``validate`` and ``eval`` both call it, so they accept and reject
    the same records with the same codes."""
    place = Place(file, raw, line)
    if text is not None and isinstance(record, Mapping) and "text" not in record:
        record = {**record, "text": text}
    doc_id = record.get("id") if isinstance(record, Mapping) and isinstance(record.get("id"), str) else None
    incidents: list[Incident] = []
    errors = [] if _record_sound(record, schema) else _validator(schema).iter_errors(record)
    for error in sorted(errors, key=lambda e: list(map(str, e.absolute_path))):
        path = list(error.absolute_path)
        where = "/".join(map(str, path)) or "(record)"
        span_id = _span_id_at(record, path) if isinstance(record, Mapping) else None
        relation_index = path[1] if path[:1] == ["relations"] and len(path) > 1 else None
        incidents.append(
            place.at(
                _schema_code(error),
                f"{where}: {error.message}",
                doc_id,
                span_id,
                relation_index if isinstance(relation_index, int) else None,
            )
        )
    try:
        doc = document_from_dict(record)
    except ReportedlyError as exc:
        if not incidents:
            incidents.append(place.at(exc.code, str(exc), doc_id))
        return incidents, None
    # what check_document reports, it reports once: drop the JSON Schema's view of the same problem
    incidents = [i for i in incidents if i.code not in INTEGRITY]
    incidents += check_document(doc, schema, role or role_of(doc), place=place)
    incidents += _check_provenance(doc, place, expected_layer, annotator)
    return incidents, doc


def validate_decoded(
    record: DocumentRecord,
    schema: Schema,
    *,
    file: str | None = None,
    line: int | None = None,
    role: Role | None = None,
    text: str | None = None,
) -> tuple[list[Incident], Document] | None:
    """:func:`validate_record` of a record that :func:`reportedly.document.decode_record` read, for
    the usual, sound record: the same incidents and Document, without a dict of every span. None
    for any other record: pass the ``json.loads`` of it to :func:`validate_record`, which names
    its problems. ``text`` fills in a record that omits its text (the gold text; ``eval`` passes it)."""
    if not _decoded_sound(record, schema):
        return None
    doc = document_from_record(record, text)
    if doc is None or not is_sound(doc, schema):  # not sound: the JSON Schema has its say first
        return None
    kind = role or role_of(doc)
    return ([] if kind is Role.PREDICTION else guideline_problems(doc, schema, Place(file, None, line))), doc


def _decoded_sound(record: DocumentRecord, schema: Schema) -> bool:
    """What :func:`_record_sound` checks that the C decoder did not (its types and keys it did)."""
    return (
        isinstance(record.spans, list)
        and isinstance(record.relations, list)
        and _meta_sound(record.meta, schema)
        and _provenance_sound(record.provenance, schema)
    )


_KEYS = frozenset({"id", "text", "meta", "spans", "relations", "provenance"})
_SPAN_KEYS = frozenset({"id", "label", "start", "end", "text", "attrs"})
_RELATION_KEYS = frozenset({"label", "head", "tail"})
_PROVENANCE_STRINGS = ("method", "schema_version", "system", "version")
_GUIDELINES = re.compile(r"[0-9]+[.][0-9]+\Z")


def _record_sound(record: Any, schema: Schema) -> bool:
    """True only when the record certainly satisfies schema/document.schema.json: the usual valid
    record skips the JSON Schema validator (0.2 ms a span), which then runs only to name the
    problems of the others. A test checks that nothing this accepts is refused by the schema."""
    if (
        type(record) is not dict
        or not record.keys() <= _KEYS
        or not {"id", "text", "spans", "relations"} <= record.keys()
    ):
        return False
    if not is_valid_name(record["id"]) or type(record["text"]) is not str:
        return False
    spans, relations = record["spans"], record["relations"]
    if type(spans) is not list or type(relations) is not list:
        return False
    vocabulary, relation_names = schema.vocabulary, schema.relation_names
    for span in spans:
        if type(span) is not dict or not span.keys() <= _SPAN_KEYS:
            return False
        sid, label, start, end, text = (
            span.get("id"),
            span.get("label"),
            span.get("start"),
            span.get("end"),
            span.get("text"),
        )
        if not (type(sid) is str and sid and type(text) is str and text and type(label) is str and label in vocabulary):
            return False
        if not (type(start) is int and start >= 0 and type(end) is int and end >= 1):
            return False
        attrs = span.get("attrs", {})
        allowed = vocabulary[label]
        if type(attrs) is not dict or not all(type(v) is str and v in allowed.get(k, ()) for k, v in attrs.items()):
            return False
    for relation in relations:
        if type(relation) is not dict or relation.keys() != _RELATION_KEYS or relation["label"] not in relation_names:
            return False
        if type(relation["head"]) is not str or type(relation["tail"]) is not str:
            return False
    return _meta_sound(record.get("meta", {}), schema) and _provenance_sound(record.get("provenance", {}), schema)


def _meta_sound(meta: Any, schema: Schema) -> bool:
    if type(meta) is not dict:
        return False
    if any(key in meta and type(meta[key]) is not str for key in ("title", "lang", "license")):
        return False
    names = meta.get("invented_names", [])
    if type(names) is not list or not all(type(n) is str and n for n in names):
        return False
    return all(meta[f.name] in f.values for f in schema.meta if f.name in meta)


def _provenance_sound(provenance: Any, schema: Schema) -> bool:
    if type(provenance) is not dict:
        return False
    if "layer" in provenance and provenance["layer"] not in schema.layer_names:
        return False
    annotators = provenance.get("annotators", [])
    if type(annotators) is not list or not all(type(a) is str for a in annotators):
        return False
    if any(key in provenance and type(provenance[key]) is not str for key in _PROVENANCE_STRINGS):
        return False
    guidelines = provenance.get("guidelines", "0.0")
    return type(guidelines) is str and _GUIDELINES.match(guidelines) is not None


def _check_provenance(
    doc: Document, place: Place, expected_layer: str | Sequence[str] | None, annotator: str | None
) -> list[Incident]:
    if expected_layer is None:
        return []
    expected = (expected_layer,) if isinstance(expected_layer, str) else tuple(expected_layer)
    out = []
    layer = doc.provenance.get("layer")
    if layer not in expected:
        wanted = " or ".join(map(repr, expected))
        out.append(place.at("RPT-PROVENANCE", f"provenance.layer is {layer!r}, expected {wanted}", doc.id))
    annotators = doc.provenance.get("annotators")
    if not isinstance(annotators, list) or not annotators:
        out.append(place.at("RPT-PROVENANCE", "provenance.annotators is missing or empty", doc.id))
    elif annotator is not None and annotators != [annotator]:
        out.append(
            place.at(
                "RPT-PROVENANCE",
                f"a layer under layers/{annotator}/ must say annotators [{annotator!r}], not {annotators}",
                doc.id,
            )
        )
    if not doc.provenance.get("method"):
        out.append(place.at("RPT-PROVENANCE", "provenance.method is missing (how was this layer produced?)", doc.id))
    return out
