"""Reading the gold and the predictions, with coded, located problems.

Predictions are one document record per line (JSONL) or a folder of ``*.json`` document files.
``text`` may be omitted from a prediction record (the gold text is used); when present it must
equal the gold text. Every problem is collected before anything is raised, so one run lists
them all.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportedly.corpus import UNVERSIONED, Corpus, is_corpus
from reportedly.document import Document, document_from_dict, no_cycle_collection, read_documents
from reportedly.incidents import Incident, ReportedlyError
from reportedly.manifest import Manifest, read_manifest
from reportedly.names import NAME_RULE, is_valid_name
from reportedly.schema import Schema, load_schema
from reportedly.validate import Role, validate_record


@dataclass(frozen=True)
class GoldSet:
    documents: tuple[Document, ...]
    corpus_version: str
    split: str
    source: str
    scope: Manifest | None = None  # the folder's corpus.yaml: what the gold annotates (None: everything)


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


def _records(path: Path, problems: list[Incident]) -> Iterable[tuple[str, int | None, Any]]:
    """(file, line, parsed record) of a JSONL file, a .json file or a folder of .json files."""
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    for file in files:
        try:
            raw = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Incident("RPT-ENCODING", f"byte {exc.start}: {exc.reason}", str(file)))
            continue
        except OSError as exc:
            problems.append(Incident("RPT-IO", f"cannot read: {exc.strerror or exc}", str(file)))
            continue
        if file.suffix == ".jsonl":
            for number, line in enumerate(raw.splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    yield str(file), number, json.loads(line)
                except json.JSONDecodeError as exc:
                    problems.append(
                        Incident("RPT-JSON-SYNTAX", f"line {number}, column {exc.colno}: {exc.msg}", str(file), number)
                    )
                except (ValueError, RecursionError) as exc:  # a number over 4,300 digits; nesting too deep
                    problems.append(Incident("RPT-JSON-SYNTAX", f"line {number}: {exc}", str(file), number))
        else:
            try:
                yield str(file), None, json.loads(raw)
            except json.JSONDecodeError as exc:
                problems.append(
                    Incident(
                        "RPT-JSON-SYNTAX", f"line {exc.lineno}, column {exc.colno}: {exc.msg}", str(file), exc.lineno
                    )
                )
            except (ValueError, RecursionError) as exc:
                problems.append(Incident("RPT-JSON-SYNTAX", str(exc), str(file)))


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
    documents: list[Document] = []
    locations: dict[str, tuple[str, int | None]] = {}
    systems: Counter[str] = Counter()
    for file, line, record in _records(path, problems):
        doc_id = record.get("id") if isinstance(record, dict) else None
        if isinstance(doc_id, str) and not is_valid_name(doc_id):  # THE id rule first, as validate does
            message = f"document id {doc_id!r} cannot be used: {NAME_RULE}"
            problems.append(Incident("RPT-ID-INVALID", message, file, line, doc_id))
            continue
        if isinstance(doc_id, str) and doc_id not in gold_texts:
            problems.append(
                Incident("RPT-PRED-UNKNOWN-DOC", f"document id {doc_id!r} is not in the gold", file, line, doc_id)
            )
            continue
        if isinstance(doc_id, str) and doc_id in locations:
            first = locations[doc_id]
            problems.append(
                Incident(
                    "RPT-PRED-DUPLICATE-DOC",
                    f"document {doc_id!r} was already predicted at {first[0]}" + (f":{first[1]}" if first[1] else ""),
                    file,
                    line,
                    doc_id,
                )
            )
            continue
        where = f"{file}:{line}" if line is not None else file
        gold_text = gold_texts.get(doc_id) if isinstance(doc_id, str) else None
        if schema is not None:
            found, checked = validate_record(record, schema, file=file, line=line, role=Role.PREDICTION, text=gold_text)
            errors = [i for i in found if i.is_error]
            if errors or checked is None:
                problems += errors or found
                continue
            doc = checked
        else:
            try:
                doc = document_from_dict(record, where, text=gold_text)
            except ReportedlyError as exc:
                problems.append(Incident(exc.code, str(exc), file, line, doc_id if isinstance(doc_id, str) else None))
                continue
        if doc.text != gold_texts[doc.id]:
            problems.append(
                Incident(
                    "RPT-PRED-TEXT-MISMATCH",
                    "text differs from the gold text from code point "
                    f"{_first_difference(doc.text, gold_texts[doc.id])}",
                    file,
                    line,
                    doc.id,
                )
            )
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


def _first_difference(a: str, b: str) -> int:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return min(len(a), len(b))
