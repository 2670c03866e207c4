"""Files, folders and corpus folders: every document checked, and how they fit together
(file names, duplicate ids, layers against gold, splits)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportedly.corpus import Corpus, is_corpus
from reportedly.document import Document, jsonl_lines
from reportedly.incidents import Incident, Severity
from reportedly.schema import Schema
from reportedly.splits import parse_split
from reportedly.validate.document import Role
from reportedly.validate.records import validate_record

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
    path: Path, schema: Schema, *, expected_layer: str | Sequence[str] | None = None, annotator: str | None = None
) -> FileResult:
    """Validate a ``.json`` document file or a ``.jsonl`` file of documents."""
    path = Path(path)
    raw, incidents = _read_text(path)
    result = FileResult(incidents, [])
    if raw is None:
        return result
    if path.suffix == ".jsonl":
        for line_no, line in enumerate(jsonl_lines(raw), start=1):
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
    expected_layer: str | Sequence[str] | None,
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
    except ValueError as exc:  # a number over 4,300 digits
        result.incidents.append(Incident("RPT-JSON-SYNTAX", str(exc), file, line))
        return
    incidents, doc = validate_record(
        record, schema, file=file, line=line, raw=raw, expected_layer=expected_layer, annotator=annotator
    )
    result.incidents.extend(incidents)
    if doc is not None:
        result.documents.append((doc, line))


def validate_corpus(root: Path, schema: Schema) -> Report:
    """Documents, annotator layers and splits of a corpus folder, and how they fit together."""
    corpus = Corpus(root)
    listed = corpus.files()
    incidents: list[Incident] = []
    gold: dict[str, Document] = {}
    files = documents = 0
    for path in listed.documents:
        files += 1
        result = validate_file(path, schema, expected_layer=Role.GOLD)
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
    independent: dict[str, set[str]] = {}
    for annotator, path in listed.layers:
        files += 1
        result = validate_file(path, schema, expected_layer=(Role.ANNOTATION, Role.AUDIT), annotator=annotator)
        incidents += result.incidents
        for doc, _ in result.documents:
            if doc.provenance.get("layer") == Role.ANNOTATION.value:
                independent.setdefault(doc.id, set()).add(annotator)
            if doc.id != path.stem:
                incidents.append(
                    Incident("RPT-DOC-FILENAME", f"file {path.name} holds document {doc.id!r}", str(path), None, doc.id)
                )
            if doc.id not in gold:
                message = f"no {corpus.document_file(doc.id)}"
                incidents.append(Incident("RPT-LAYER-ORPHAN", message, str(path), None, doc.id))
            elif gold[doc.id].text != doc.text:
                message = "the text differs from the gold document's text"
                incidents.append(Incident("RPT-LAYER-TEXT", message, str(path), None, doc.id))
    if corpus.adjudication_folder.is_dir():
        incidents += _adjudicated_gold_records(corpus, gold, independent)
    incidents += validate_splits(listed.splits, set(gold), folder=corpus.splits_folder)
    return Report(incidents, files, documents)


def _adjudicated_gold_records(corpus: Corpus, gold: Iterable[str], independent: dict[str, set[str]]) -> list[Incident]:
    """A corpus that keeps adjudication records keeps, for each gold document, its record and the
    two or more independent layers it was adjudicated from."""
    incidents = []
    for doc_id in gold:
        where = str(corpus.document_file(doc_id))
        layers = sorted(independent.get(doc_id, ()))
        if len(layers) < 2:
            named = ", ".join(layers) or "none"
            message = f"{len(layers)} independent annotation layer(s) ({named}) under {corpus.layers_folder}"
            incidents.append(Incident("RPT-GOLD-LAYERS", message, where, None, doc_id))
        if not (corpus.adjudication_folder / f"{doc_id}.json").is_file():
            message = f"no adjudication record {corpus.adjudication_folder / f'{doc_id}.json'}"
            incidents.append(Incident("RPT-GOLD-RECORD", message, where, None, doc_id))
    return incidents


def validate_splits(paths: Sequence[Path], known: set[str], *, folder: Path) -> list[Incident]:
    """Split files (listed by :class:`~reportedly.corpus.Corpus`) against the known document ids."""
    incidents: list[Incident] = []
    assigned: dict[str, str] = {}
    for path in paths:
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
    if paths:
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


def _layer_owner(doc: Document) -> tuple[str, ...] | None:
    """Whose layer a document is: its annotators for an annotation or audit layer, else None."""
    annotators = doc.provenance.get("annotators")
    if doc.provenance.get("layer") in ("annotation", "audit") and isinstance(annotators, list):
        return tuple(map(str, annotators))
    return None


def _duplicate_ids(results: Iterable[tuple[Path, FileResult]]) -> list[Incident]:
    """One document id per annotator is normal (several layers of one text); twice for one is not."""
    seen: dict[tuple[str, tuple[str, ...] | None], str] = {}
    out = []
    for path, result in results:
        for doc, line in result.documents:
            where = f"{path}:{line}" if line is not None else str(path)
            key = (doc.id, _layer_owner(doc))
            if key in seen:
                out.append(
                    Incident("RPT-DOC-DUPLICATE", f"{doc.id!r} also appears at {seen[key]}", str(path), line, doc.id)
                )
            else:
                seen[key] = where
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
