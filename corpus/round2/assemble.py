"""Assembles the writer sessions' output (texts/<id>.txt + <id>.meta.json) into candidate documents.

Writes corpus/round2/documents/<id>.json: the text exactly as written (trailing whitespace at the
very end removed), meta from the brief and the writer's meta file, provenance layer ``candidate``.
Every document is validated first; nothing is written when any brief's files are missing or bad.
Run from the repository root: python corpus/round2/assemble.py [ID ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from reportedly.document import Document, write_document
from reportedly.schema import load_schema
from reportedly.validate import check_document

HERE = Path(__file__).parent


def assemble(brief: dict[str, object]) -> Document:
    doc_id = str(brief["id"])
    text = (HERE / "texts" / f"{doc_id}.txt").read_text(encoding="utf-8").rstrip()
    meta_file = json.loads((HERE / "texts" / f"{doc_id}.meta.json").read_text(encoding="utf-8"))
    if "\r" in text or "\t" in text:
        raise ValueError(f"{doc_id}: carriage returns or tabs in the text")
    names = [str(n) for n in meta_file.get("names", [])]
    missing = [n for n in names if n not in text]
    if missing:
        raise ValueError(f"{doc_id}: declared names not in the text: {missing}")
    writer = {line.split("\t")[0]: line.split("\t")[1] for line in (HERE / "writers.tsv").read_text().split("\n")[1:] if line}
    meta = {
        "title": str(meta_file["title"]).strip(),
        "genre": brief["genre"],
        "topic": brief["topic"],
        "origin": "constructed",
        "lang": "en",
        "license": "CC-BY-4.0",
        "invented_names": sorted(set(names)),
    }
    provenance = {
        "layer": "candidate",
        "annotators": [],
        "method": f"text written for this corpus by language-model writer session {writer[doc_id]} from brief "
        f"{doc_id} in corpus/round2/briefs.jsonl (instructions: corpus/round2/WRITING.md); not yet annotated",
    }
    return Document(id=doc_id, text=text, meta=meta, spans=(), relations=(), provenance=provenance)


def main(ids: list[str]) -> int:
    schema = load_schema()
    briefs = [json.loads(line) for line in (HERE / "briefs.jsonl").read_text(encoding="utf-8").splitlines()]
    chosen = [b for b in briefs if not ids or b["id"] in ids]
    docs, problems = [], []
    for brief in chosen:
        try:
            doc = assemble(brief)
        except (OSError, ValueError, KeyError) as exc:
            problems.append(f"{brief['id']}: {exc}")
            continue
        problems += [f"{doc.id}: {i.render()}" for i in check_document(doc, schema, "annotation") if i.is_error]
        docs.append(doc)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print(f"{len(problems)} problem(s); nothing written", file=sys.stderr)
        return 1
    written = sum(write_document(HERE / "documents" / f"{doc.id}.json", doc) for doc in docs)
    print(f"{len(docs)} documents checked, {written} written to {HERE / 'documents'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
