"""``reportedly predict``: texts in, validated prediction documents out.

Inputs: ``.txt`` files (one document each; the id is the file name), folders of ``.txt``,
``.json`` and ``.jsonl`` files, JSONL of ``{id, text, meta?}`` records or of whole documents,
``.json`` documents, or ``-`` for standard input (JSONL when every line is a JSON object with a
``text``, else one plain text with the id ``stdin``). Spans already in an input are ignored.
Texts are kept exactly as read (line ends included) except for a leading byte-order mark.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from reportedly.document import Document, document_from_dict, document_to_dict, jsonl_lines
from reportedly.incidents import ReportedlyError
from reportedly.names import NAME_PATTERN as ID_PATTERN

SUFFIXES = (".txt", ".json", ".jsonl")
FORMATS = ("jsonl", "pretty", "html")


def _id_from_name(path: Path) -> str:
    doc_id = re.sub(r"[^A-Za-z0-9._-]+", "-", path.stem).strip("-._")
    if not doc_id:
        raise ReportedlyError.of(
            "RPT-PREDICT-INPUT", f"{path}: no document id can be made from this file name; rename the file"
        )
    return doc_id


def _decode(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise ReportedlyError.of(
            "RPT-ENCODING", f"{where}: not UTF-8 ({exc.reason} at byte {exc.start}); convert it, e.g. iconv -t UTF-8"
        ) from None


def _record(record: Any, where: str) -> Document:
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise ReportedlyError.of("RPT-PREDICT-INPUT", f"{where}: a record needs a string 'text' (and an 'id')")
    if "id" not in record:
        raise ReportedlyError.of("RPT-PREDICT-INPUT", f"{where}: the record has no 'id'; give each record a unique id")
    return document_from_dict({k: record[k] for k in ("id", "text", "meta") if k in record}, where)


Placed = list[tuple[Document, str]]  # each document with where it came from (file, file:line)


def _jsonl(content: str, where: str) -> Placed:
    docs = []
    for number, line in enumerate(jsonl_lines(content), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ReportedlyError.of(
                "RPT-JSON-SYNTAX", f"{where}:{number}: invalid JSON at column {exc.colno}: {exc.msg}"
            ) from None
        docs.append((_record(record, f"{where}:{number}"), f"{where}:{number}"))
    return docs


def _stdin(stream: TextIO) -> Placed:
    content = stream.read().removeprefix("\ufeff")
    lines = [line for line in jsonl_lines(content) if line.strip()]
    try:
        records = [json.loads(line) for line in lines]
    except json.JSONDecodeError:
        records = []
    if lines and all(isinstance(r, dict) and "text" in r for r in records) and len(records) == len(lines):
        return _jsonl(content, "<stdin>")
    if not content.strip():
        raise ReportedlyError.of("RPT-PREDICT-INPUT", "<stdin>: no text was given")
    return [(Document("stdin", content, {"origin": "user_supplied"}), "<stdin>")]


def _file(path: Path) -> Placed:
    content = _decode(path.read_bytes(), str(path))
    if path.suffix == ".jsonl":
        return _jsonl(content, str(path))
    if path.suffix == ".json":
        try:
            record = json.loads(content)
        except json.JSONDecodeError as exc:
            raise ReportedlyError.of(
                "RPT-JSON-SYNTAX", f"{path}: invalid JSON at line {exc.lineno}: {exc.msg}"
            ) from None
        if not isinstance(record, list):
            return [(_record(record, str(path)), str(path))]
        return [(_record(r, f"{path}[{i}]"), f"{path}[{i}]") for i, r in enumerate(record)]
    return [(Document(_id_from_name(path), content, {"origin": "user_supplied"}), str(path))]


def read_inputs(inputs: Sequence[str | Path], *, stdin: TextIO | None = None) -> list[Document]:
    """Documents to predict, in the order given (folders sorted by file name); ids must be unique."""
    docs: Placed = []
    for item in inputs:
        if str(item) == "-":
            docs += _stdin(stdin or sys.stdin)
            continue
        path = Path(item)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix in SUFFIXES and p.is_file())
            if not files:
                raise ReportedlyError.of("RPT-PATH-MISSING", f"{path}: the folder holds no .txt, .json or .jsonl files")
        elif path.is_file():
            files = [path]
        else:
            raise ReportedlyError.of("RPT-PATH-MISSING", f"{path}: no such file or folder")
        for file in files:
            docs += _file(file)
    seen: dict[str, str] = {}
    for doc, where in docs:
        if not ID_PATTERN.match(doc.id):
            raise ReportedlyError.of(
                "RPT-PREDICT-INPUT", f"{where}: document id {doc.id!r} is not usable (letters, digits, '.', '_', '-')"
            )
        if doc.id in seen:
            raise ReportedlyError.of(
                "RPT-PREDICT-INPUT",
                f"{where}: document id {doc.id!r} is also used by {seen[doc.id]}; ids must be unique",
            )
        if not doc.text.strip():
            raise ReportedlyError.of("RPT-TEXT-EMPTY", f"{where}: document {doc.id} has no text")
        seen[doc.id] = where
    return [Document(d.id, d.text, d.meta) for d, _ in docs]


def to_jsonl(documents: Sequence[Document]) -> str:
    return "".join(json.dumps(document_to_dict(d), ensure_ascii=False) + "\n" for d in documents)


def predict_parallel(
    run: Callable[[Sequence[Document]], list[Document]], documents: Sequence[Document], *, jobs: int = 1
) -> list[Document]:
    """``run`` over ``documents`` split into ``jobs`` shares: ``jobs - 1`` forked children (they
    share the loaded model with this process, nothing is pickled but the results) and this process.
    Results come back in the order of ``documents``; an error in a child is raised here."""
    jobs = max(1, min(jobs, len(documents)))
    if jobs == 1 or not hasattr(os, "fork"):
        return run(documents)
    import pickle

    shares = _shares(documents, jobs)
    children: list[tuple[int, int]] = []
    for share in shares[1:]:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: predict its share, send it back, leave without cleanup handlers
            os.close(read_end)
            try:
                payload = pickle.dumps((True, run(share)))
            except BaseException as exc:  # sent to the parent, which raises it
                payload = pickle.dumps((False, exc))
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
            os._exit(0)
        os.close(write_end)
        children.append((pid, read_end))
    parts = [run(shares[0])]
    for pid, read_end in children:
        with os.fdopen(read_end, "rb") as pipe:
            ok, result = pickle.loads(pipe.read())
        os.waitpid(pid, 0)
        if not ok:
            raise result
        parts.append(result)
    by_id = {d.id: d for part in parts for d in part}
    return [by_id[d.id] for d in documents]


def _shares(documents: Sequence[Document], jobs: int) -> list[list[Document]]:
    """``documents`` in ``jobs`` shares of about equal length of text (the work of every system
    grows with it): longest first, each to the share with the least text so far."""
    shares: list[list[Document]] = [[] for _ in range(jobs)]
    loads = [0] * jobs
    for doc in sorted(documents, key=lambda d: -len(d.text)):
        least = loads.index(min(loads))
        shares[least].append(doc)
        loads[least] += len(doc.text)
    return shares
