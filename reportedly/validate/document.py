"""THE document check: ``check_document(doc, schema, role)`` and one JSON record's validation."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any

from reportedly.document import Document, document_from_dict
from reportedly.incidents import VALIDATE, Code, Incident, ReportedlyError, catalogue
from reportedly.names import is_valid_name
from reportedly.schema import Schema, document_json_schema

if TYPE_CHECKING:
    import jsonschema

# The validator's part of the catalogue in reportedly.incidents.
CODES: dict[str, Code] = catalogue(VALIDATE)


class Role(StrEnum):
    """What a document is, which decides what it must satisfy (and its ``provenance.layer``)."""

    GOLD = "gold"
    ANNOTATION = "annotation"
    AUDIT = "audit"  # a blind re-annotation pass over gold, kept to measure it
    PREDICTION = "prediction"


# Codes whose checks run for every role: without them a document cannot be scored or compared.
INTEGRITY = frozenset(
    {
        "RPT-LABEL-UNKNOWN",
        "RPT-ATTR-UNKNOWN",
        "RPT-ATTR-VALUE",
        "RPT-OFFSET-RANGE",
        "RPT-OFFSET-MISMATCH",
        "RPT-ID-DUPLICATE",
        "RPT-REL-UNKNOWN",
        "RPT-REL-MISSING-ARG",
        "RPT-TEXT-TOO-LONG",
    }
)
MAX_TEXT = 1_000_000  # code points; spaCy (the tokenizer of several readers) refuses longer texts


# --- one record ------------------------------------------------------------------------------


@cache
def _validator(schema: Schema) -> jsonschema.protocols.Validator:
    import jsonschema  # slow to import: only when a record is checked, never at `reportedly --help`

    return jsonschema.Draft202012Validator(document_json_schema(schema))


class Place:
    """Where things are in the raw file: line numbers of spans and relations in pretty JSON."""

    def __init__(self, file: str | None, raw: str | None, line: int | None) -> None:
        self.file, self.line = file, line
        self.span_lines: dict[str, int] = {}
        self.relation_lines: list[int] = []
        if raw is not None and line is None:
            section = ""
            for number, text in enumerate(raw.splitlines(), start=1):
                stripped = text.strip()
                if stripped.startswith('"spans"'):
                    section = "spans"
                elif stripped.startswith('"relations"'):
                    section = "relations"
                elif section == "spans" and (match := re.match(r'"id":\s*"(.*)",?$', stripped)):
                    self.span_lines.setdefault(match.group(1), number)
                elif section == "relations" and stripped.startswith("{"):
                    self.relation_lines.append(number)

    def at(
        self, code: str, message: str, doc_id: str | None, span_id: str | None = None, relation_index: int | None = None
    ) -> Incident:
        line = self.line
        if line is None and span_id is not None:
            line = self.span_lines.get(span_id)
        if line is None and relation_index is not None and relation_index < len(self.relation_lines):
            line = self.relation_lines[relation_index]
        return Incident(code, message, self.file, line, doc_id, span_id)


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
    incidents += check_document(doc, schema, role or _role_of(doc), place=place)
    incidents += _check_provenance(doc, place, expected_layer, annotator)
    return incidents, doc


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


def _role_of(doc: Document) -> Role:
    layer = doc.provenance.get("layer")
    return Role(layer) if layer in tuple(Role) else Role.GOLD


def check_document(
    doc: Document,
    schema: Schema,
    role: Role | str = Role.GOLD,
    *,
    place: Place | None = None,
    integrity_only: bool = False,
) -> list[Incident]:
    """THE document check: every rule a document of this ``role`` must satisfy, as incidents.

    Every role: labels, attributes, values and relations of the schema; offsets that are a
    non-empty range of the text and match the span text; unique span ids; relation arguments
    that exist (the :data:`INTEGRITY` codes, without which a document cannot be scored).
    Gold, annotation and audit layers also follow the guidelines: required attributes, no
    whitespace at span edges, no duplicate or crossing spans of one label, relation arguments
    of the right labels, no self or repeated relations. A prediction need not (it is scored as
    it is). ``integrity_only`` runs the first group only, whatever the role (what the scorer
    needs of the gold; ``reportedly validate`` checks the rest).

    >>> from reportedly.document import Span
    >>> from reportedly.schema import load_schema
    >>> doc = Document("d1", "Officials said.", spans=(Span("U1", "CUE", 10, 14, "said"),))
    >>> [i.code for i in check_document(doc, load_schema(), "prediction")]
    []
    >>> bad = Document("d1", "Officials said.", spans=(Span("U1", "CUE", 10, 15, "said"),))
    >>> [i.code for i in check_document(bad, load_schema(), "prediction")]
    ['RPT-OFFSET-MISMATCH']
    """
    role = Role(role)
    place = place or Place(None, None, None)
    out = _check_integrity(doc, schema, place)
    if integrity_only or role is Role.PREDICTION:
        return out
    text = doc.text
    for span in doc.spans:
        if not 0 <= span.start < span.end <= len(text) or text[span.start : span.end] != span.text:
            continue  # reported above
        if span.text != span.text.strip():
            out.append(place.at("RPT-SPAN-WHITESPACE", f"{span.text!r}", doc.id, span.id))
        if span.label in schema.label_names:
            for attr in schema.attributes_of(span.label):
                if attr.required and attr.name not in span.attrs:
                    out.append(place.at("RPT-ATTR-MISSING", f"{span.label} span has no {attr.name!r}", doc.id, span.id))
    out += _check_overlaps(doc, place)
    out += _check_relations(doc, schema, place)
    return out


def _sound(doc: Document, schema: Schema) -> bool:
    """The integrity checks as one quick test: true for the usual, valid document (the scorer
    checks hundreds of thousands of spans); the detailed pass runs only when it is false."""
    spans, text, length, vocabulary = doc.spans, doc.text, len(doc.text), schema.vocabulary
    ids = {s.id for s in spans}
    return (
        length <= MAX_TEXT
        and len(ids) == len(spans)
        and {s.label for s in spans} <= vocabulary.keys()
        and all(0 <= s.start < s.end <= length and text[s.start : s.end] == s.text for s in spans)
        and all(
            name in vocabulary[s.label] and value in vocabulary[s.label][name]
            for s in spans
            if s.attrs
            for name, value in s.attrs.items()
        )
        and all(r.label in schema.relation_names and r.head in ids and r.tail in ids for r in doc.relations)
    )


def _check_integrity(doc: Document, schema: Schema, place: Place) -> list[Incident]:
    if _sound(doc, schema):
        return []
    out: list[Incident] = []
    text, length = doc.text, len(doc.text)
    if length > MAX_TEXT:
        message = f"the text has {length:,} characters, more than {MAX_TEXT:,}"
        out.append(place.at("RPT-TEXT-TOO-LONG", message, doc.id))
    vocabulary = schema.vocabulary
    seen: set[str] = set()
    repeated: set[str] = set()
    for span in doc.spans:
        if span.id in seen:
            repeated.add(span.id)
        seen.add(span.id)
        allowed = vocabulary.get(span.label)
        if allowed is None:
            out.append(place.at("RPT-LABEL-UNKNOWN", f"span label {span.label!r}", doc.id, span.id))
        else:
            for name, value in span.attrs.items():
                if name not in allowed:
                    out.append(place.at("RPT-ATTR-UNKNOWN", f"{span.label} has no attribute {name!r}", doc.id, span.id))
                elif value not in allowed[name]:
                    message = f"{name} is {value!r}, not one of {sorted(allowed[name])}"
                    out.append(place.at("RPT-ATTR-VALUE", message, doc.id, span.id))
        start, end = span.start, span.end
        if not 0 <= start < end <= length:
            message = f"[{start}, {end}) is not a non-empty range inside the text (length {length})"
            out.append(place.at("RPT-OFFSET-RANGE", message, doc.id, span.id))
        elif text[start:end] != span.text:
            message = f"text[{start}:{end}] is {text[start:end]!r} but the span says {span.text!r}"
            out.append(place.at("RPT-OFFSET-MISMATCH", message, doc.id, span.id))
    if repeated:
        counts = Counter(span.id for span in doc.spans)
        for span_id in sorted(repeated):
            message = f"span id {span_id!r} is used {counts[span_id]} times"
            out.append(place.at("RPT-ID-DUPLICATE", message, doc.id, span_id))
    relations = schema.relation_names
    for index, rel in enumerate(doc.relations):
        if rel.label not in relations:
            out.append(place.at("RPT-REL-UNKNOWN", f"relation label {rel.label!r}", doc.id, relation_index=index))
        for arg in (rel.head, rel.tail) if rel.head != rel.tail else (rel.head,):
            if arg not in seen:
                message = f"{rel.label} names span {arg!r}, which does not exist"
                out.append(place.at("RPT-REL-MISSING-ARG", message, doc.id, relation_index=index))
    return out


def _check_overlaps(doc: Document, place: Place) -> list[Incident]:
    out: list[Incident] = []
    by_label: dict[str, list[Any]] = defaultdict(list)
    for span in doc.spans:
        if 0 <= span.start < span.end:
            by_label[span.label].append(span)
    for label, spans in by_label.items():
        spans.sort(key=lambda s: (s.start, -s.end))
        seen: set[tuple[int, int]] = set()
        open_spans: list[Any] = []
        for span in spans:
            if (span.start, span.end) in seen:
                out.append(
                    place.at(
                        "RPT-SPAN-DUPLICATE",
                        f"another {label} span has offsets [{span.start}, {span.end})",
                        doc.id,
                        span.id,
                    )
                )
                continue
            seen.add((span.start, span.end))
            open_spans = [o for o in open_spans if o.end > span.start]
            for other in open_spans:
                if other.start < span.start < other.end < span.end:
                    out.append(
                        place.at(
                            "RPT-SPAN-CROSSING",
                            f"{label} [{span.start}, {span.end}) crosses {other.id} [{other.start}, {other.end})",
                            doc.id,
                            span.id,
                        )
                    )
            open_spans.append(span)
    return out


def _check_relations(doc: Document, schema: Schema, place: Place) -> list[Incident]:
    out: list[Incident] = []
    spans = doc.spans_by_id()
    ambiguous = {span_id for span_id, n in Counter(s.id for s in doc.spans).items() if n > 1}
    seen: set[tuple[str, str, str]] = set()
    for index, rel in enumerate(doc.relations):
        key = (rel.label, rel.head, rel.tail)
        if key in seen:
            out.append(
                place.at("RPT-REL-DUPLICATE", f"{rel.label} {rel.head} -> {rel.tail}", doc.id, relation_index=index)
            )
        seen.add(key)
        if rel.head == rel.tail:
            out.append(place.at("RPT-REL-SELF", f"{rel.label} {rel.head} -> {rel.tail}", doc.id, relation_index=index))
        missing = [arg for arg in (rel.head, rel.tail) if arg not in spans]  # reported as RPT-REL-MISSING-ARG
        if missing or ambiguous & {rel.head, rel.tail} or rel.label not in schema.relation_names:
            continue  # a duplicated id is reported once, as RPT-ID-DUPLICATE
        definition = schema.relation(rel.label)
        for role, arg, wanted in (("head", rel.head, definition.head), ("tail", rel.tail, definition.tail)):
            if spans[arg].label != wanted:
                out.append(
                    place.at(
                        "RPT-REL-ARG-TYPE",
                        f"{rel.label} needs a {wanted} {role}, but {arg} is a {spans[arg].label}",
                        doc.id,
                        arg,
                        relation_index=index,
                    )
                )
    return out


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
