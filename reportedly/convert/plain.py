"""New texts (plain ``.txt`` files, or JSONL/JSON records) as unannotated documents.

The documents have no spans, ``meta.origin = user_supplied`` (plus whatever meta is given) and
provenance layer ``candidate``: ready for ``reportedly studio push``. Texts are kept exactly as
read (line ends included), except that a leading byte-order mark is dropped, so offsets that
annotators make later are code points of the text as you gave it.

Inputs: a ``.txt`` file is one document whose id is the file name without ``.txt``; a ``.jsonl``
file holds one record per line, and a ``.json`` file one record or a list of them, each
``{"id"?, "text", "title"?, "meta"?}`` (without an id, ``<file stem>-<line>``); a folder holds
such files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportedly.convert.issues import Issue
from reportedly.convert.output import Planned, check_before_writing, document_files
from reportedly.document import Document
from reportedly.incidents import has_errors
from reportedly.names import NAME_PATTERN as ID_PATTERN  # THE id rule
from reportedly.schema import Schema

_FIELDS = {"id", "text", "title", "meta"}
BOM = "\ufeff"


@dataclass(frozen=True)
class TextImport:
    documents: tuple[Document, ...]
    issues: tuple[Issue, ...]


def slug(name: str) -> str:
    """A valid document id made from a file name (runs of other characters become '-')."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-._") or "doc"


def _input_files(paths: Sequence[Path], issues: list[Issue]) -> list[Path]:
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix in (".txt", ".jsonl", ".json") and p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            issues.append(Issue("RPT-TEXT-PARSE", "no such file or folder", str(path)))
    return files


def _records(path: Path, raw: str, issues: list[Issue]) -> list[tuple[int | None, Any]]:
    if path.suffix == ".txt":
        return [(None, {"id": None, "text": raw})]
    if path.suffix == ".jsonl":
        out: list[tuple[int | None, Any]] = []
        for number, line in enumerate(raw.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                out.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                issues.append(
                    Issue("RPT-TEXT-PARSE", f"invalid JSON at column {exc.colno}: {exc.msg}", str(path), number)
                )
        return out
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        issues.append(Issue("RPT-TEXT-PARSE", f"invalid JSON: {exc.msg}", str(path), exc.lineno))
        return []
    return [(None, item) for item in (data if isinstance(data, list) else [data])]


def import_texts(
    paths: Sequence[Path],
    *,
    meta: Mapping[str, Any] | None = None,
    id_prefix: str = "",
    schema_version: str,
) -> TextImport:
    """Unannotated documents from ``.txt``, ``.jsonl`` and ``.json`` files or folders of them."""
    issues: list[Issue] = []
    documents: list[Document] = []
    seen: dict[str, str] = {}
    for path in _input_files(paths, issues):
        try:
            raw = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            issues.append(Issue("RPT-ENCODING", f"byte {exc.start}: {exc.reason}", str(path)))
            continue
        raw = raw.removeprefix(BOM)
        for index, (line, record) in enumerate(_records(path, raw, issues), start=1):
            where = f"{path}:{line}" if line is not None else str(path)
            if not isinstance(record, Mapping) or not isinstance(record.get("text"), str):
                issues.append(Issue("RPT-TEXT-PARSE", "the record needs a string 'text'", str(path), line))
                continue
            extra = sorted(set(record) - _FIELDS)
            if extra:
                issues.append(Issue("RPT-TEXT-FIELD", f"field(s) {extra} ignored", str(path), line))
            record_meta = record.get("meta") if record.get("meta") is not None else {}
            if not isinstance(record_meta, Mapping):
                issues.append(Issue("RPT-TEXT-PARSE", "'meta' must be an object", str(path), line))
                continue
            doc_id = record.get("id")
            if doc_id is not None and not isinstance(doc_id, str):
                issues.append(Issue("RPT-TEXT-ID", f"id {doc_id!r} is not a string", str(path), line))
                continue
            if doc_id is None:
                stem = path.name.rsplit(".", 1)[0]
                doc_id = slug(stem) if path.suffix == ".txt" else f"{slug(stem)}-{line or index}"
                if path.suffix == ".txt" and doc_id != stem:
                    issues.append(
                        Issue("RPT-TEXT-ID-CHANGED", f"id {doc_id!r} from file name {path.name!r}", str(path))
                    )
            doc_id = f"{id_prefix}{doc_id}"
            if not ID_PATTERN.match(doc_id):
                issues.append(Issue("RPT-TEXT-ID", f"id {doc_id!r} is not valid", str(path), line))
                continue
            if doc_id in seen:
                issues.append(Issue("RPT-TEXT-ID", f"id {doc_id!r} is also used by {seen[doc_id]}", str(path), line))
                continue
            seen[doc_id] = where
            text = record["text"].removeprefix(BOM)
            if not text.strip():
                issues.append(Issue("RPT-TEXT-EMPTY", f"document {doc_id} has no text", str(path), line))
                continue
            doc_meta: dict[str, Any] = {"origin": "user_supplied", "lang": "en"}
            doc_meta.update(meta or {})
            doc_meta.update(record_meta)
            if isinstance(record.get("title"), str):
                doc_meta["title"] = record["title"]
            provenance = {
                "layer": "candidate",
                "method": f"imported from {path.name}",
                "schema_version": schema_version,
            }
            documents.append(Document(doc_id, text, doc_meta, (), (), provenance))
    return TextImport(tuple(documents), tuple(issues))


@dataclass(kw_only=True)
class TextPlan(Planned):
    documents: int = 0


def plan_text_import(
    paths: Sequence[Path], out: Path, *, schema: Schema, meta: Mapping[str, Any] | None = None, id_prefix: str = ""
) -> TextPlan:
    """``convert text``: the documents :func:`import_texts` makes, checked, as the files of ``out``
    (a folder of ``<id>.json`` or one ``.jsonl``)."""
    result = import_texts(paths, meta=meta, id_prefix=id_prefix, schema_version=schema.version)
    plan = TextPlan(issues=result.issues, documents=len(result.documents))
    if has_errors(plan.issues):
        return plan
    plan.checked = check_before_writing([(doc, str(out), {}) for doc in result.documents], schema)
    if plan.writable:
        plan.files = document_files(result.documents, out)
    return plan
