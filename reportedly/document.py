"""Documents, spans and relations, and their JSON / JSONL files.

Offsets everywhere are half-open ``[start, end)`` in Unicode code points of ``Document.text``
(Python string indices), so ``span.text == document.text[span.start:span.end]``.
"""

from __future__ import annotations

import gc
import json
import operator
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar

import msgspec

from reportedly.incidents import Incident, ReportedlyError
from reportedly.names import NAME_RULE, is_valid_name


def _refused(message: str, *, where: str = "", code: str = "RPT-SCHEMA") -> ReportedlyError:
    """A record that cannot be read as a document; ``where`` names the file and line or id."""
    return ReportedlyError(Incident(code, message, where or None), f"{where}: {message}" if where else message)


# What a record's span must be to take the fast path of decode_document: the C decoder checks
# these; a record it refuses is read again by span_from_dict, which names the problem.
_NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]
_Offset = Annotated[int, msgspec.Meta(ge=0, le=2**62)]


class Span(msgspec.Struct, frozen=True, gc=False, forbid_unknown_fields=True):
    """One labelled stretch of a text. A msgspec struct, so that a JSON file's spans are built by
    the C decoder (``decode_document``) and never tracked by the cyclic garbage collector: a
    prediction file has hundreds of thousands of them."""

    id: _NonEmpty
    label: str
    start: _Offset
    end: _Offset
    text: _NonEmpty
    attrs: Mapping[str, str] = {}

    def overlaps(self, other: Span) -> bool:
        """Half-open overlap: spans that merely touch do not overlap."""
        return self.start < other.end and other.start < self.end


class Relation(msgspec.Struct, frozen=True, gc=False, forbid_unknown_fields=True):
    label: str
    head: str
    tail: str


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    meta: Mapping[str, Any] = field(default_factory=dict)
    spans: tuple[Span, ...] = ()
    relations: tuple[Relation, ...] = ()
    provenance: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # one canonical span order, so equal annotations compare equal whatever order they came in
        object.__setattr__(self, "spans", tuple(sorted_spans(self.spans)))
        object.__setattr__(self, "relations", tuple(self.relations))

    def span(self, span_id: str) -> Span:
        for span in self.spans:
            if span.id == span_id:
                return span
        raise KeyError(span_id)

    def spans_by_id(self) -> dict[str, Span]:
        return {span.id: span for span in self.spans}


def make_span(text: str, span_id: str, label: str, start: int, end: int, **attrs: str) -> Span:
    """A span whose ``text`` is cut from ``text`` (so it cannot disagree with the offsets)."""
    return Span(span_id, label, start, end, text[start:end], dict(attrs))


# --- dict <-> dataclass -------------------------------------------------------------------


def _require(record: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in record:
        raise _refused(f"missing field {key!r}", where=where, code="RPT-SCHEMA")
    value = record[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise _refused(f"field {key!r} has the wrong type ({type(value).__name__})", where=where, code="RPT-SCHEMA")
    return value


def span_from_dict(record: Any, where: str = "") -> Span:
    if type(record) is dict:  # the usual case, checked in one step; anything else gets the full report
        get = record.get
        sid, label, start, end, text = get("id"), get("label"), get("start"), get("end"), get("text")
        attrs = get("attrs")
        if type(sid) is str and type(label) is str and type(start) is int and type(end) is int and type(text) is str:
            if not attrs:
                return Span(sid, label, start, end, text, {})
            if type(attrs) is dict and all(type(v) is str for v in attrs.values()):
                return Span(sid, label, start, end, text, dict(attrs))
    if not isinstance(record, Mapping):
        raise _refused("a span must be a JSON object", where=where, code="RPT-SCHEMA")
    attrs = record.get("attrs") or {}
    if not isinstance(attrs, Mapping) or not all(isinstance(v, str) for v in attrs.values()):
        raise _refused("span 'attrs' must map attribute names to strings", where=where, code="RPT-SCHEMA")
    return Span(
        id=_require(record, "id", str, where),
        label=_require(record, "label", str, where),
        start=_require(record, "start", int, where),
        end=_require(record, "end", int, where),
        text=_require(record, "text", str, where),
        attrs=dict(attrs),
    )


def relation_from_dict(record: Any, where: str = "") -> Relation:
    if not isinstance(record, Mapping):
        raise _refused("a relation must be a JSON object", where=where, code="RPT-SCHEMA")
    return Relation(
        label=_require(record, "label", str, where),
        head=_require(record, "head", str, where),
        tail=_require(record, "tail", str, where),
    )


def document_from_dict(record: Any, where: str = "", *, text: str | None = None) -> Document:
    """Build a Document; ``text`` fills in a record whose text was omitted (predictions)."""
    if not isinstance(record, Mapping):
        raise _refused("a document must be a JSON object", where=where, code="RPT-SCHEMA")
    doc_id = _require(record, "id", str, where)
    if not is_valid_name(doc_id):  # ids become file names: THE rule of reportedly.names
        raise _refused(f"document id {doc_id!r} cannot be used: {NAME_RULE}", where=where, code="RPT-ID-INVALID")
    where = f"{where} (document {doc_id})" if where else f"document {doc_id}"
    doc_text = _require(record, "text", str, where) if "text" in record or text is None else text
    spans = record.get("spans", [])
    relations = record.get("relations", [])
    if not isinstance(spans, list) or not isinstance(relations, list):
        raise _refused("'spans' and 'relations' must be lists", where=where, code="RPT-SCHEMA")
    meta = record.get("meta", {})
    provenance = record.get("provenance", {})
    if not isinstance(meta, Mapping) or not isinstance(provenance, Mapping):
        raise _refused("'meta' and 'provenance' must be objects", where=where, code="RPT-SCHEMA")
    return Document(
        id=doc_id,
        text=doc_text,
        meta=dict(meta),
        spans=_each(span_from_dict, spans, f"{where}, spans"),
        relations=_each(relation_from_dict, relations, f"{where}, relations"),
        provenance=dict(provenance),
    )


class DocumentRecord(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """A document record as the C decoder reads it; ``UNSET`` marks a key the record lacks."""

    id: str
    text: str | msgspec.UnsetType = msgspec.UNSET
    meta: dict[str, Any] = {}
    spans: list[Span] | msgspec.UnsetType = msgspec.UNSET
    relations: list[Relation] | msgspec.UnsetType = msgspec.UNSET
    provenance: dict[str, Any] = {}


_RECORD_DECODER = msgspec.json.Decoder(DocumentRecord)


def decode_record(raw: str | bytes) -> DocumentRecord | None:
    """One JSON record parsed and type-checked in one C pass, or None for anything but the usual
    shape (malformed JSON, a wrong type, an unknown key, an empty span id or text, NaN...): the
    caller then reads it with ``json.loads`` and :func:`document_from_dict`, which name the problem."""
    try:
        return _RECORD_DECODER.decode(raw)
    except msgspec.MsgspecError:
        return None


def document_from_record(record: DocumentRecord, text: str | None = None) -> Document | None:
    """The Document :func:`document_from_dict` builds from the same record; None when that would
    refuse it (an id against the rule, no text and no ``text`` to fill in)."""
    doc_text = record.text if isinstance(record.text, str) else text
    if doc_text is None or not is_valid_name(record.id):
        return None
    spans = sorted_spans(record.spans) if isinstance(record.spans, list) else ()
    relations = record.relations if isinstance(record.relations, list) else ()
    # what Document() would make of these values; a frozen dataclass's __init__ costs more than
    # the C decoder did for the whole record, so the instance is filled directly
    doc: Document = object.__new__(Document)
    doc.__dict__.update(
        id=record.id,
        text=doc_text,
        meta=record.meta,
        spans=tuple(spans),
        relations=tuple(relations),
        provenance=record.provenance,
    )
    return doc


def decode_document(raw: str | bytes, texts: Mapping[str, str] | None = None) -> Document | None:
    """One JSON document record to a Document in one C pass, the same as ``json.loads`` and
    :func:`document_from_dict` give; None when the record is not of the usual shape (read it
    the slow way: its problem gets named). ``texts`` fills in records that omit their text."""
    record = decode_record(raw)
    if record is None:
        return None
    return document_from_record(record, texts.get(record.id) if texts is not None else None)


_Item = TypeVar("_Item")


def _each(read: Callable[[Any, str], _Item], records: list[Any], where: str) -> tuple[_Item, ...]:
    """``read`` every record; the place of a bad one (``spans[3]``) is built only when it fails."""
    try:
        return tuple(read(record, "") for record in records)
    except ReportedlyError:
        return tuple(read(record, f"{where}[{i}]") for i, record in enumerate(records))


def span_to_dict(span: Span) -> dict[str, Any]:
    return {
        "id": span.id,
        "label": span.label,
        "start": span.start,
        "end": span.end,
        "text": span.text,
        "attrs": dict(span.attrs),
    }


def document_to_dict(doc: Document, *, include_text: bool = True) -> dict[str, Any]:
    record: dict[str, Any] = {"id": doc.id}
    if include_text:
        record["text"] = doc.text
    record["meta"] = dict(doc.meta)
    record["spans"] = [span_to_dict(s) for s in doc.spans]
    record["relations"] = [{"label": r.label, "head": r.head, "tail": r.tail} for r in doc.relations]
    record["provenance"] = dict(doc.provenance)
    return record


def sorted_spans(spans: Iterable[Span]) -> list[Span]:
    """Document order: by start, longer first, then label and id (stable, reviewable diffs)."""
    spans = list(spans)
    starts = [s.start for s in spans]
    if all(map(operator.lt, starts, starts[1:])):  # no two spans start together: order is by start alone
        return spans
    return sorted(spans, key=lambda s: (s.start, -s.end, s.label, s.id))


# --- files ----------------------------------------------------------------------------------


def atomic_write_text(path: Path, content: str) -> None:
    """Write through a temporary file in the same folder, then rename: never a half file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(content)
        # mkstemp makes 0600 files: keep the old file's mode, or give a new one the usual mode
        os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def dumps_document(doc: Document) -> str:
    """The canonical pretty form of a document file (stable key order, one trailing newline)."""
    return json.dumps(document_to_dict(doc), ensure_ascii=False, indent=2) + "\n"


def read_document(path: Path) -> Document:
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
        if (doc := decode_document(raw)) is not None:
            return doc
        record = json.loads(raw)
    except UnicodeDecodeError as exc:
        raise _refused(f"not UTF-8 ({exc.reason})", where=str(path), code="RPT-ENCODING") from exc
    except json.JSONDecodeError as exc:
        raise _refused(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", where=str(path), code="RPT-JSON-SYNTAX"
        ) from exc
    return document_from_dict(record, str(path))


def write_document(path: Path, doc: Document) -> bool:
    """Write ``doc`` atomically; returns False (and leaves the file alone) when nothing changed."""
    path = Path(path)
    content = dumps_document(doc)
    if path.exists() and path.read_text(encoding="utf-8") == content:
        return False
    atomic_write_text(path, content)
    return True


def jsonl_lines(text: str) -> list[str]:
    """The lines of a JSON Lines text. A record ends at ``\n`` only (a ``\r`` before it is JSON
    whitespace): never at U+2028, U+0085 or the other breaks ``str.splitlines`` knows, which may
    stand raw inside a JSON string (``write_jsonl`` writes them so)."""
    return text.split("\n")


def record_column(exc: json.JSONDecodeError, record: str) -> int:
    """The column of a JSON error in a one-line record read with its line end: an error at the
    end of the record is at its last column, not at column 1 of a line after it."""
    return min(exc.pos, len(record.rstrip("\r\n"))) + 1


def iter_jsonl(path: Path, *, texts: Mapping[str, str] | None = None) -> Iterator[tuple[int, Document]]:
    """Yield ``(line_number, document)``; blank lines are skipped, bad lines raise with their number."""
    path = Path(path)
    with path.open(encoding="utf-8", newline="\n") as handle:  # lines end at \n only (jsonl_lines)
        for line_no, line in enumerate(handle, start=1):
            if line.isspace():  # a blank line (strip() would copy every line)
                continue
            if (doc := decode_document(line, texts)) is not None:
                yield line_no, doc
                continue
            where = f"{path}:{line_no}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise _refused(
                    f"invalid JSON at column {record_column(exc, line)}: {exc.msg}", where=where, code="RPT-JSON-SYNTAX"
                ) from exc
            fallback = None
            if texts is not None and isinstance(record, Mapping):
                fallback = texts.get(str(record.get("id")))
            yield line_no, document_from_dict(record, where, text=fallback)


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a large file is read.

    Reading builds hundreds of thousands of small dicts and spans, none of them in a reference
    cycle, and every few thousand allocations the collector rescans the growing heap: half the
    time of reading a large prediction file. Reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_jsonl(path: Path, *, texts: Mapping[str, str] | None = None) -> list[Document]:
    with no_cycle_collection():
        return [doc for _, doc in iter_jsonl(path, texts=texts)]


def write_jsonl(path: Path, docs: Iterable[Document], *, include_text: bool = True) -> None:
    lines = [json.dumps(document_to_dict(d, include_text=include_text), ensure_ascii=False) + "\n" for d in docs]
    atomic_write_text(Path(path), "".join(lines))


def read_documents(path: Path) -> list[Document]:
    """A ``.json`` file, a ``.jsonl`` file, or a folder of ``.json`` files (sorted by name)."""
    path = Path(path)
    if path.is_dir():
        with no_cycle_collection():
            return [read_document(p) for p in sorted(path.glob("*.json"))]
    if path.suffix == ".jsonl":
        return read_jsonl(path)
    return [read_document(path)]


# --- offsets in other units -----------------------------------------------------------------


def utf16_offset(text: str, codepoint_offset: int) -> int:
    """The UTF-16 code-unit offset of a code-point offset (astral characters count twice)."""
    prefix = text[:codepoint_offset]
    return codepoint_offset + sum(1 for ch in prefix if ord(ch) > 0xFFFF)


def codepoint_offset_from_utf16(text: str, utf16: int) -> int:
    """Inverse of :func:`utf16_offset`; raises ValueError inside a surrogate pair."""
    units = 0
    for index, ch in enumerate(text):
        if units == utf16:
            return index
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > utf16:
            raise ValueError(f"UTF-16 offset {utf16} falls inside a surrogate pair")
    if units == utf16:
        return len(text)
    raise ValueError(f"UTF-16 offset {utf16} is beyond the text ({units} code units)")


def byte_offset(text: str, codepoint_offset: int) -> int:
    """The UTF-8 byte offset of a code-point offset."""
    return len(text[:codepoint_offset].encode("utf-8"))
