"""Reading the gold and the predictions, with coded, located problems.

Predictions are one document record per line (JSONL) or a folder of ``*.json`` document files.
``text`` may be omitted from a prediction record (the gold text is used); when present it must
equal the gold text. Every problem is collected before anything is raised, so one run lists
them all.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from reportedly.corpus import UNVERSIONED, Corpus, is_corpus
from reportedly.document import (
    Document,
    DocumentRecord,
    decode_record,
    document_from_dict,
    document_from_record,
    iter_jsonl,
    no_cycle_collection,
    read_documents,
    record_column,
)
from reportedly.incidents import Incident, ReportedlyError
from reportedly.manifest import Manifest, read_manifest
from reportedly.names import NAME_RULE, is_valid_name
from reportedly.schema import Schema, load_schema
from reportedly.validate import Place, Role, check_document, is_sound, validate_decoded, validate_record


@dataclass(frozen=True)
class GoldSet:
    documents: tuple[Document, ...]
    corpus_version: str
    split: str
    source: str
    scope: Manifest | None = None  # the folder's corpus.yaml: what the gold annotates (None: everything)
    checked_with: Schema | None = None  # every document passed the integrity checks of this schema


@dataclass(frozen=True)
class PredictionSet:
    documents: tuple[Document, ...]
    system: str
    source: str
    locations: Mapping[str, tuple[str, int | None]] | None  # document id -> (file, line); None: in memory
    checked_with: Schema | None = None  # every record passed the one record check with this schema


def load_gold(path: Path, *, split: str = "test", schema: Schema | None = None) -> GoldSet:
    """A corpus folder (``documents/`` + ``splits/<split>.txt``), a document folder, or a file.

    ``split`` applies to corpus folders only; ``all`` takes every document. A folder's
    ``corpus.yaml`` (:mod:`reportedly.manifest`) says which labels the gold annotates.
    """
    path = Path(path)
    if not path.exists():
        raise ReportedlyError([Incident("RPT-PATH-MISSING", f"gold path {path} does not exist", str(path))])
    scope = read_manifest(path, schema or load_schema()) if path.is_dir() else None
    if not is_corpus(path):  # a folder of documents or a file: no splits, no version
        if schema is not None and path.suffix == ".jsonl" and path.is_file():
            return GoldSet(tuple(_read_checked(path, schema)), UNVERSIONED, "all", str(path), scope, schema)
        try:
            documents = read_documents(path)
        except ReportedlyError as exc:
            raise ReportedlyError([Incident(exc.code, str(exc), str(path))]) from None
        return GoldSet(tuple(documents), UNVERSIONED, "all", str(path), scope)
    corpus = Corpus(path)
    try:
        by_id = corpus.documents
    except ReportedlyError as exc:
        raise ReportedlyError([Incident(exc.code, str(exc), str(corpus.documents_folder))]) from None
    if split == "all":
        return GoldSet(tuple(by_id.values()), corpus.version, "all", str(path), scope)
    split_file = corpus.split_file(split)
    if not split_file.is_file():
        raise ReportedlyError([Incident("RPT-EVAL-SPLIT-MISSING", f"{split_file} does not exist", str(split_file))])
    chosen: list[Document] = []
    problems: list[Incident] = []
    for number, doc_id in corpus.split_entries(split):
        if doc_id not in by_id:
            message = f"split names {doc_id!r}, which is not in {corpus.documents_folder}"
            problems.append(Incident("RPT-SPLIT-MISSING-DOC", message, str(split_file), number))
        else:
            chosen.append(by_id[doc_id])
    if problems:
        raise ReportedlyError(problems)
    return GoldSet(tuple(chosen), corpus.version, split, str(path), scope)


def _read_checked(path: Path, schema: Schema) -> list[Document]:
    """A JSONL gold file, each document checked as it is read (the integrity checks, which the
    scorer needs of the gold) while its spans are still in the CPU cache: a second pass over a
    large file's spans costs half as much again as reading them."""
    documents: list[Document] = []
    problems: list[Incident] = []
    try:
        with no_cycle_collection():
            for line, doc in iter_jsonl(path):
                documents.append(doc)
                if not is_sound(doc, schema):
                    place = Place(str(path), None, line)
                    found = check_document(doc, schema, Role.GOLD, place=place, integrity_only=True)
                    problems += [incident for incident in found if incident.is_error]
    except ReportedlyError as exc:
        raise ReportedlyError([Incident(exc.code, str(exc), str(path))]) from None
    if problems:
        raise ReportedlyError(problems)
    return documents


def _raw_records(path: Path, problems: list[Incident]) -> Iterable[tuple[str, int | None, str]]:
    """(file, line, raw JSON text) of each record of a JSONL file, a .json file or a folder of .json files."""
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    for file in files:
        try:
            # a JSONL file line by line, its lines ending at \n only (see jsonl_lines): a third of
            # the time of read_text().splitlines(); a .json file whole
            records: list[tuple[int | None, str]] = (
                list(enumerate(_lines(file), start=1))
                if file.suffix == ".jsonl"
                else [(None, file.read_text(encoding="utf-8"))]
            )
        except UnicodeDecodeError as exc:
            problems.append(Incident("RPT-ENCODING", f"byte {exc.start}: {exc.reason}", str(file)))
            continue
        except OSError as exc:
            problems.append(Incident("RPT-IO", f"cannot read: {exc.strerror or exc}", str(file)))
            continue
        for number, raw in records:
            if number is None or not raw.isspace():  # a blank line (strip() would copy every line)
                yield str(file), number, raw


def _lines(file: Path) -> list[str]:
    """The lines of a UTF-8 file; a decoding error names its byte in the whole file."""
    try:
        with file.open(encoding="utf-8", newline="\n") as handle:
            return list(handle)
    except UnicodeDecodeError:
        file.read_bytes().decode("utf-8")  # raises with the byte offset in the file, not in a chunk
        raise


_UNREADABLE = object()


def _parse(raw: str, file: str, line: int | None, problems: list[Incident]) -> Any:
    """``json.loads`` of one record, or ``_UNREADABLE`` with the problem noted."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        at, column = (line, record_column(exc, raw)) if line is not None else (exc.lineno, exc.colno)
        problems.append(Incident("RPT-JSON-SYNTAX", f"line {at}, column {column}: {exc.msg}", file, at))
    except (ValueError, RecursionError) as exc:  # a number over 4,300 digits; nesting too deep
        message = f"line {line}: {exc}" if line is not None else str(exc)
        problems.append(Incident("RPT-JSON-SYNTAX", message, file, line))
    return _UNREADABLE


def load_predictions(
    path: Path, gold_texts: Mapping[str, str], *, system: str | None = None, schema: Schema | None = None
) -> PredictionSet:
    """Read predictions for the gold documents whose texts are given; raise with every problem.

    With ``schema``, every record goes through THE record check of ``reportedly validate``
    (:func:`reportedly.validate.validate_record`, role prediction), so the two accept and refuse
    the same records, with the same codes."""
    with no_cycle_collection():
        return _load_predictions(path, gold_texts, system, schema)


def _load_predictions(
    path: Path, gold_texts: Mapping[str, str], system: str | None, schema: Schema | None
) -> PredictionSet:
    path = Path(path)
    if not path.exists():
        raise ReportedlyError([Incident("RPT-PATH-MISSING", f"predictions {path} do not exist", str(path))])
    problems: list[Incident] = []
    # the usual record is parsed and type-checked in one C pass and checked while its spans are
    # fresh in the cache; any other is parsed by json.loads and goes through the checks that
    # name its problems
    documents: list[Document] = []
    locations: dict[str, tuple[str, int | None]] = {}
    systems: Counter[str] = Counter()
    for file, line, raw in _raw_records(path, problems):
        decoded = decode_record(raw)
        parsed = _parse(raw, file, line, problems) if decoded is None else None
        if parsed is _UNREADABLE:
            continue
        r = _Raw(file, line, raw, decoded, parsed)
        doc_id = r.doc_id
        if doc_id is not None and (problem := _misplaced(doc_id, gold_texts, locations, file, line)):
            problems.append(problem)
            continue
        gold_text = gold_texts.get(doc_id) if doc_id is not None else None
        doc = _document(r, gold_text, schema, problems)
        if doc is None:
            continue
        if doc.text != gold_texts[doc.id]:
            where = _first_difference(doc.text, gold_texts[doc.id])
            message = f"text differs from the gold text from code point {where}"
            problems.append(Incident("RPT-PRED-TEXT-MISMATCH", message, file, line, doc.id))
            continue
        locations[doc.id] = (file, line)
        documents.append(doc)
        name = doc.provenance.get("system")
        if isinstance(name, str) and name:
            systems[name] += 1
    if not documents and not problems:
        problems.append(Incident("RPT-PRED-EMPTY", f"{path} holds no document records", str(path)))
    if problems:
        raise ReportedlyError(problems)
    name = system or (systems.most_common(1)[0][0] if systems else path.stem)
    return PredictionSet(tuple(documents), name, str(path), locations, schema)


def _misplaced(
    doc_id: str,
    gold_texts: Mapping[str, str],
    locations: Mapping[str, tuple[str, int | None]],
    file: str,
    line: int | None,
) -> Incident | None:
    """A record whose id is against the rule, not in the gold, or already predicted."""
    if not is_valid_name(doc_id):  # THE id rule first, as validate does
        return Incident("RPT-ID-INVALID", f"document id {doc_id!r} cannot be used: {NAME_RULE}", file, line, doc_id)
    if doc_id not in gold_texts:
        return Incident("RPT-PRED-UNKNOWN-DOC", f"document id {doc_id!r} is not in the gold", file, line, doc_id)
    if doc_id in locations:
        first = locations[doc_id]
        where = f"{first[0]}:{first[1]}" if first[1] else first[0]
        return Incident(
            "RPT-PRED-DUPLICATE-DOC", f"document {doc_id!r} was already predicted at {where}", file, line, doc_id
        )
    return None


class _Raw(NamedTuple):
    """One record of a predictions file, as read: decoded in C, or else parsed by ``json.loads``."""

    file: str
    line: int | None
    raw: str
    decoded: DocumentRecord | None
    parsed: Any = None  # json.loads(raw), when the decoder refused the record

    @property
    def doc_id(self) -> str | None:
        if self.decoded is not None:
            return self.decoded.id
        found = self.parsed.get("id") if isinstance(self.parsed, dict) else None
        return found if isinstance(found, str) else None

    def record(self) -> Any:
        """The parsed record, for the checks that name its problems."""
        return self.parsed if self.decoded is None else json.loads(self.raw)


def _document(r: _Raw, gold_text: str | None, schema: Schema | None, problems: list[Incident]) -> Document | None:
    """The Document of one record, or None with its problems added to ``problems``; with
    ``schema``, through THE record check, role prediction."""
    if schema is None:
        doc = document_from_record(r.decoded, gold_text) if r.decoded is not None else None
        if doc is not None:
            return doc
        try:
            return document_from_dict(r.record(), f"{r.file}:{r.line}" if r.line else r.file, text=gold_text)
        except ReportedlyError as exc:
            problems.append(Incident(exc.code, str(exc), r.file, r.line, r.doc_id))
            return None
    usual = None
    if r.decoded is not None:
        usual = validate_decoded(r.decoded, schema, file=r.file, line=r.line, role=Role.PREDICTION, text=gold_text)
    found, doc = usual or validate_record(
        r.record(), schema, file=r.file, line=r.line, role=Role.PREDICTION, text=gold_text
    )
    errors = [incident for incident in found if incident.is_error]
    if errors or doc is None:
        problems += errors or found
        return None
    return doc


def _first_difference(a: str, b: str) -> int:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return min(len(a), len(b))


def alignment_summary(documents: Sequence[Document]) -> dict[str, Any]:
    """Totals of ``provenance.alignment`` (written by ``reportedly convert strings``) over documents."""
    items = aligned = approximate = 0
    reasons: dict[str, int] = {}
    for doc in documents:
        record = doc.provenance.get("alignment")
        if not isinstance(record, dict):
            continue
        items += int(record.get("items", 0))
        aligned += int(record.get("aligned", 0))
        approximate += len(record.get("approximate", []))
        for item in record.get("unaligned", []):
            reason = str(item.get("reason", "unknown")) if isinstance(item, dict) else "unknown"
            reasons[reason] = reasons.get(reason, 0) + 1
    summary = {"items": items, "aligned": aligned, "unaligned": items - aligned, "approximate": approximate}
    return {**summary, "reasons": reasons}
