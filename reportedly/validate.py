"""Corpus validation: every check returns incidents with a stable code, a severity and a place.

Nothing here raises on bad input or stops at the first problem; ``validate_paths`` returns the
full list, and the CLI decides how to print it.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportedly.document import Document, DocumentError, document_from_dict
from reportedly.incidents import COMMON, Code, Incident, Severity, register
from reportedly.schema import Schema, document_json_schema
from reportedly.splits import parse_split

if TYPE_CHECKING:
    import jsonschema

# The catalogue: codes are stable; add new ones, never rename or reuse old ones.
CODES: dict[str, Code] = register(
    {
        **COMMON,
        "RPT-LABEL-UNKNOWN": Code(Severity.ERROR, "unknown span label", "use a label defined in schema/schema.yaml"),
        "RPT-ATTR-UNKNOWN": Code(
            Severity.ERROR, "attribute not defined for this label", "remove it or use an attribute of this label"
        ),
        "RPT-ATTR-VALUE": Code(Severity.ERROR, "unknown attribute value", "use a value listed in schema/schema.yaml"),
        "RPT-ATTR-MISSING": Code(Severity.ERROR, "required attribute missing", "add the attribute to the span"),
        "RPT-META-VALUE": Code(
            Severity.ERROR, "unknown meta value", "use a value listed under meta in schema/schema.yaml"
        ),
        "RPT-OFFSET-RANGE": Code(
            Severity.ERROR,
            "offsets outside the text or empty span",
            "offsets are half-open [start, end) code points with 0 <= start < end <= len(text)",
        ),
        "RPT-OFFSET-MISMATCH": Code(
            Severity.ERROR,
            "span text differs from text[start:end]",
            "recompute the offsets in code points (not UTF-16 units or bytes), or correct the span text",
        ),
        "RPT-SPAN-WHITESPACE": Code(
            Severity.WARNING,
            "span starts or ends with whitespace",
            "trim the span to its first and last visible character",
        ),
        "RPT-SPAN-DUPLICATE": Code(Severity.WARNING, "two spans with the same label and offsets", "delete one of them"),
        "RPT-SPAN-CROSSING": Code(
            Severity.ERROR,
            "two spans of one label cross",
            "spans of one label may nest but never cross; fix one boundary",
        ),
        "RPT-ID-DUPLICATE": Code(Severity.ERROR, "span id used twice in one document", "give each span a unique id"),
        "RPT-REL-UNKNOWN": Code(
            Severity.ERROR, "unknown relation label", "use a relation defined in schema/schema.yaml"
        ),
        "RPT-REL-MISSING-ARG": Code(
            Severity.ERROR,
            "relation points to a span id that does not exist",
            "point head and tail at existing span ids",
        ),
        "RPT-REL-ARG-TYPE": Code(
            Severity.ERROR,
            "relation argument has the wrong label",
            "check the relation's head and tail labels in the schema",
        ),
        "RPT-REL-SELF": Code(Severity.ERROR, "relation from a span to itself", "remove the relation"),
        "RPT-REL-DUPLICATE": Code(Severity.WARNING, "the same relation twice", "delete the repeated relation"),
        "RPT-PROVENANCE": Code(
            Severity.ERROR,
            "provenance missing or inconsistent with where the file lives",
            "set provenance.layer (gold in corpus/documents, annotation in corpus/layers/<annotator>) and annotators",
        ),
        "RPT-DOC-DUPLICATE": Code(Severity.ERROR, "document id used twice", "give each document a unique id"),
        "RPT-DOC-FILENAME": Code(
            Severity.ERROR, "file name does not match the document id", "rename the file to <id>.json"
        ),
        "RPT-SPLIT-MISSING-DOC": Code(
            Severity.ERROR,
            "split names a document that does not exist",
            "remove the id or add corpus/documents/<id>.json",
        ),
        "RPT-SPLIT-DUPLICATE": Code(Severity.ERROR, "split names a document twice", "delete the repeated line"),
        "RPT-SPLIT-OVERLAP": Code(Severity.ERROR, "document in two splits", "keep the id in exactly one split file"),
        "RPT-SPLIT-UNASSIGNED": Code(
            Severity.WARNING, "document in no split", "add its id to one of corpus/splits/{train,dev,test}.txt"
        ),
        "RPT-LAYER-ORPHAN": Code(
            Severity.WARNING, "layer for a document that has no gold file", "add the gold document or remove the layer"
        ),
        "RPT-LAYER-TEXT": Code(
            Severity.ERROR,
            "layer text differs from the gold text",
            "re-annotate on the gold text, or fix the gold text",
        ),
    }
)


# --- one record ------------------------------------------------------------------------------


@cache
def _validator(schema: Schema) -> jsonschema.protocols.Validator:
    import jsonschema  # slow to import: only when a record is checked, never at `reportedly --help`

    return jsonschema.Draft202012Validator(document_json_schema(schema))


class _Place:
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
    expected_layer: str | None = None,
    annotator: str | None = None,
) -> tuple[list[Incident], Document | None]:
    """Check one parsed JSON record; returns its incidents and the Document when it could be built."""
    place = _Place(file, raw, line)
    doc_id = record.get("id") if isinstance(record, Mapping) and isinstance(record.get("id"), str) else None
    incidents: list[Incident] = []
    for error in sorted(_validator(schema).iter_errors(record), key=lambda e: list(map(str, e.absolute_path))):
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
    except DocumentError as exc:
        if not incidents:
            incidents.append(place.at(exc.code, str(exc), doc_id))
        return incidents, None
    incidents += check_document(doc, schema, place)
    incidents += _check_provenance(doc, place, expected_layer, annotator)
    return incidents, doc


def check_document(doc: Document, schema: Schema, place: _Place | None = None) -> list[Incident]:
    """Semantic checks of a structurally valid document (offsets, ids, attributes, relations)."""
    place = place or _Place(None, None, None)
    out: list[Incident] = []
    text = doc.text
    labels = set(schema.label_names)
    ids = Counter(span.id for span in doc.spans)
    for span_id, count in ids.items():
        if count > 1:
            out.append(place.at("RPT-ID-DUPLICATE", f"span id {span_id!r} is used {count} times", doc.id, span_id))
    for span in doc.spans:
        if not 0 <= span.start < span.end <= len(text):
            out.append(
                place.at(
                    "RPT-OFFSET-RANGE",
                    f"[{span.start}, {span.end}) is not a non-empty range inside the text (length {len(text)})",
                    doc.id,
                    span.id,
                )
            )
            continue
        actual = text[span.start : span.end]
        if actual != span.text:
            out.append(
                place.at(
                    "RPT-OFFSET-MISMATCH",
                    f"text[{span.start}:{span.end}] is {actual!r} but the span says {span.text!r}",
                    doc.id,
                    span.id,
                )
            )
        elif actual != actual.strip():
            out.append(place.at("RPT-SPAN-WHITESPACE", f"{actual!r}", doc.id, span.id))
        if span.label in labels:
            for attr in schema.attributes_of(span.label):
                if attr.required and attr.name not in span.attrs:
                    out.append(place.at("RPT-ATTR-MISSING", f"{span.label} span has no {attr.name!r}", doc.id, span.id))
    out += _check_overlaps(doc, place)
    out += _check_relations(doc, schema, place)
    return out


def _check_overlaps(doc: Document, place: _Place) -> list[Incident]:
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


def _check_relations(doc: Document, schema: Schema, place: _Place) -> list[Incident]:
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
        missing = [arg for arg in (rel.head, rel.tail) if arg not in spans]
        for arg in missing:
            out.append(
                place.at(
                    "RPT-REL-MISSING-ARG",
                    f"{rel.label} names span {arg!r}, which does not exist",
                    doc.id,
                    relation_index=index,
                )
            )
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
    doc: Document, place: _Place, expected_layer: str | None, annotator: str | None
) -> list[Incident]:
    if expected_layer is None:
        return []
    out = []
    layer = doc.provenance.get("layer")
    if layer != expected_layer:
        out.append(place.at("RPT-PROVENANCE", f"provenance.layer is {layer!r}, expected {expected_layer!r}", doc.id))
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


# --- files -----------------------------------------------------------------------------------


@dataclass
class FileResult:
    incidents: list[Incident]
    documents: list[tuple[Document, int | None]]  # with the JSONL line, if any


def _read_text(path: Path) -> tuple[str | None, list[Incident]]:
    try:
        return path.read_text(encoding="utf-8"), []
    except UnicodeDecodeError as exc:
        return None, [Incident("RPT-ENCODING", f"byte {exc.start}: {exc.reason}", str(path))]
    except OSError as exc:
        return None, [Incident("RPT-PATH-MISSING", str(exc.strerror or exc), str(path))]


def validate_file(
    path: Path, schema: Schema, *, expected_layer: str | None = None, annotator: str | None = None
) -> FileResult:
    """Validate a ``.json`` document file or a ``.jsonl`` file of documents."""
    path = Path(path)
    raw, incidents = _read_text(path)
    result = FileResult(incidents, [])
    if raw is None:
        return result
    if path.suffix == ".jsonl":
        for line_no, line in enumerate(raw.splitlines(), start=1):
            if line.strip():
                _validate_json_text(line, schema, result, str(path), line_no, None, expected_layer, annotator)
    else:
        _validate_json_text(raw, schema, result, str(path), None, raw, expected_layer, annotator)
    return result


def _validate_json_text(
    source: str,
    schema: Schema,
    result: FileResult,
    file: str,
    line: int | None,
    raw: str | None,
    expected_layer: str | None,
    annotator: str | None,
) -> None:
    try:
        record = json.loads(source)
    except json.JSONDecodeError as exc:
        where = line if line is not None else exc.lineno
        result.incidents.append(Incident("RPT-JSON-SYNTAX", f"column {exc.colno}: {exc.msg}", file, where))
        return
    except RecursionError:
        result.incidents.append(Incident("RPT-JSON-SYNTAX", "nested too deeply", file, line))
        return
    incidents, doc = validate_record(
        record, schema, file=file, line=line, raw=raw, expected_layer=expected_layer, annotator=annotator
    )
    result.incidents.extend(incidents)
    if doc is not None:
        result.documents.append((doc, line))


def is_corpus(path: Path) -> bool:
    return (path / "documents").is_dir()


def validate_corpus(root: Path, schema: Schema) -> Report:
    """Documents, annotator layers and splits of a corpus folder, and how they fit together."""
    root = Path(root)
    incidents: list[Incident] = []
    gold: dict[str, Document] = {}
    files = documents = 0
    for path in sorted((root / "documents").glob("*.json")):
        files += 1
        result = validate_file(path, schema, expected_layer="gold")
        incidents += result.incidents
        for doc, _ in result.documents:
            if doc.id != path.stem:
                incidents.append(
                    Incident("RPT-DOC-FILENAME", f"file {path.name} holds document {doc.id!r}", str(path), None, doc.id)
                )
            if doc.id in gold:
                incidents.append(
                    Incident("RPT-DOC-DUPLICATE", f"{doc.id!r} also appears in another file", str(path), None, doc.id)
                )
            gold[doc.id] = doc
            documents += 1
    layers_root = root / "layers"
    for layer_dir in sorted(p for p in layers_root.glob("*") if p.is_dir()):
        for path in sorted(layer_dir.glob("*.json")):
            files += 1
            result = validate_file(path, schema, expected_layer="annotation", annotator=layer_dir.name)
            incidents += result.incidents
            for doc, _ in result.documents:
                if doc.id != path.stem:
                    incidents.append(
                        Incident(
                            "RPT-DOC-FILENAME", f"file {path.name} holds document {doc.id!r}", str(path), None, doc.id
                        )
                    )
                if doc.id not in gold:
                    incidents.append(
                        Incident("RPT-LAYER-ORPHAN", f"no corpus/documents/{doc.id}.json", str(path), None, doc.id)
                    )
                elif gold[doc.id].text != doc.text:
                    incidents.append(
                        Incident(
                            "RPT-LAYER-TEXT", "the text differs from the gold document's text", str(path), None, doc.id
                        )
                    )
    incidents += validate_splits(root / "splits", set(gold))
    return Report(incidents, files, documents)


def validate_splits(folder: Path, known: set[str]) -> list[Incident]:
    incidents: list[Incident] = []
    assigned: dict[str, str] = {}
    for path in sorted(Path(folder).glob("*.txt")):
        raw, problems = _read_text(path)
        incidents += problems
        seen: set[str] = set()
        for line_no, doc_id in parse_split(raw or ""):
            if doc_id in seen:
                incidents.append(
                    Incident("RPT-SPLIT-DUPLICATE", f"{doc_id!r} is listed again", str(path), line_no, doc_id)
                )
                continue
            seen.add(doc_id)
            if doc_id not in known:
                incidents.append(
                    Incident("RPT-SPLIT-MISSING-DOC", f"{doc_id!r} has no document", str(path), line_no, doc_id)
                )
            if doc_id in assigned:
                incidents.append(
                    Incident(
                        "RPT-SPLIT-OVERLAP", f"{doc_id!r} is also in {assigned[doc_id]}", str(path), line_no, doc_id
                    )
                )
            else:
                assigned[doc_id] = path.stem
    if any(Path(folder).glob("*.txt")):
        for doc_id in sorted(known - set(assigned)):
            incidents.append(Incident("RPT-SPLIT-UNASSIGNED", f"{doc_id!r} is in no split", str(folder), None, doc_id))
    return incidents


@dataclass(frozen=True)
class Report:
    incidents: list[Incident]
    files: int
    documents: int

    @property
    def errors(self) -> int:
        return sum(1 for i in self.incidents if i.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return len(self.incidents) - self.errors


def _duplicate_ids(results: Iterable[tuple[Path, FileResult]]) -> list[Incident]:
    seen: dict[str, str] = {}
    out = []
    for path, result in results:
        for doc, line in result.documents:
            where = f"{path}:{line}" if line is not None else str(path)
            if doc.id in seen:
                out.append(
                    Incident("RPT-DOC-DUPLICATE", f"{doc.id!r} also appears at {seen[doc.id]}", str(path), line, doc.id)
                )
            else:
                seen[doc.id] = where
    return out


def validate_paths(paths: Sequence[Path], schema: Schema) -> Report:
    """Validate corpus folders, folders of documents, and single ``.json``/``.jsonl`` files."""
    incidents: list[Incident] = []
    files = documents = 0
    for path in map(Path, paths):
        if not path.exists():
            incidents.append(Incident("RPT-PATH-MISSING", "no such file or folder", str(path)))
        elif path.is_dir() and is_corpus(path):
            report = validate_corpus(path, schema)
            incidents += report.incidents
            files += report.files
            documents += report.documents
        else:
            found = sorted([*path.rglob("*.json"), *path.rglob("*.jsonl")]) if path.is_dir() else [path]
            results = [(file, validate_file(file, schema)) for file in found]
            for _, result in results:
                incidents += result.incidents
                documents += len(result.documents)
            incidents += _duplicate_ids(results)
            files += len(found)
    return Report(incidents, files, documents)
