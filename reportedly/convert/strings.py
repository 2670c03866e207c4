"""Quoted strings to documents: files of ``{id, spans, relations}`` records whose spans quote the
text (annotators, LLM answers) placed on their documents' texts by :mod:`reportedly.quotes`.

An annotation layer is all or nothing (any unplaced item stops it); predictions are written with
their unplaced items under ``provenance.alignment``, so the scorer counts them."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from reportedly.convert.output import (
    Placed,
    Planned,
    check_before_writing,
    document_files,
    provenance_for,
    read_input_documents,
)
from reportedly.document import Document, jsonl_lines
from reportedly.incidents import Incident, ReportedlyError
from reportedly.quotes import align_document
from reportedly.schema import Schema
from reportedly.validate import Role


@dataclass
class Aligned:
    documents: list[Document] = field(default_factory=list)
    placed: list[Placed] = field(default_factory=list)
    unaligned: list[str] = field(default_factory=list)  # one line per item that could not be placed
    approximate: list[str] = field(default_factory=list)  # one line per span placed approximately


def quote_records(path: Path) -> list[tuple[str, Any]]:
    """Quote records from a .json file (one record or a list) or a .jsonl file, with their place."""
    try:
        raw = path.read_text(encoding="utf-8")
        if path.suffix == ".jsonl":
            return [(f"{path}:{n}", json.loads(line)) for n, line in enumerate(jsonl_lines(raw), 1) if line.strip()]
        data = json.loads(raw)
    except OSError as exc:
        raise ReportedlyError.of("RPT-IO", f"cannot read: {exc.strerror or exc}", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise ReportedlyError.of("RPT-ENCODING", f"byte {exc.start}: {exc.reason}", file=str(path)) from None
    except (ValueError, RecursionError) as exc:  # bad JSON, a number over 4,300 digits, nesting too deep
        raise ReportedlyError(Incident("RPT-JSON-SYNTAX", str(exc), str(path)), f"{path}: {exc}") from None
    return [(str(path), item) for item in (data if isinstance(data, list) else [data])]


def align_quote_files(
    inputs: Sequence[Path],
    texts: Mapping[str, Document],
    schema: Schema,
    *,
    provenance: Mapping[str, Any],
    mode: Literal["strict", "order"],
    fuzzy_threshold: float | None,
) -> Aligned:
    """Place every quoted span; predictions record their unplaced items in ``provenance.alignment``."""
    predictions = provenance.get("layer") == "prediction"
    result = Aligned()
    first_seen: dict[str, str] = {}  # document id -> where its record was
    for path in inputs:
        for where, record in quote_records(path):
            doc_id = record.get("id") if isinstance(record, dict) else None
            if not isinstance(doc_id, str) or doc_id not in texts:
                message = f"{where}: document id {doc_id!r} is not among the texts"
                raise ReportedlyError.of("RPT-ALIGN-UNKNOWN-DOC", message)
            if doc_id in first_seen:  # one would replace the other in the output: refuse, naming both
                message = f"{where}: document {doc_id!r} was already given at {first_seen[doc_id]}"
                raise ReportedlyError.of("RPT-DUPLICATE-INPUT", message)
            first_seen[doc_id] = where
            source = texts[doc_id]
            aligned = align_document(
                record,
                source.text,
                meta=source.meta,
                provenance=provenance,
                mode=mode,
                fuzzy_threshold=fuzzy_threshold,
                labels=schema.label_names if predictions else None,
            )
            for problem in aligned.problems:
                result.unaligned.append(
                    f"{where}: {problem.doc_id} {problem.item}: {problem.reason}: {problem.message}"
                )
            for span_id in aligned.approximate():
                span = aligned.document.span(span_id)
                score = aligned.scores.get(span_id)
                similarity = f" (similarity {score:.0f})" if score is not None else ""
                result.approximate.append(
                    f"{where}: {span.id} placed by {aligned.methods[span_id]}{similarity}: "
                    f"{aligned.quotes[span_id]!r} -> [{span.start}, {span.end}) {span.text!r}"
                )
            document = aligned.document
            if predictions:
                document = replace(document, provenance={**document.provenance, "alignment": aligned.summary()})
            result.documents.append(document)
            result.placed.append((document, where, {}))
    return result


@dataclass(kw_only=True)
class AlignmentPlan(Planned):
    unaligned: tuple[str, ...] = ()  # one line per item that could not be placed
    approximate: tuple[str, ...] = ()  # one line per span placed approximately
    all_or_nothing: bool = False  # an annotation layer: any unaligned item stops the run
    documents: int = 0
    spans: int = 0

    @property
    def incomplete(self) -> bool:
        """True when an annotation layer has unaligned items: nothing is written then."""
        return self.all_or_nothing and bool(self.unaligned)


def plan_quote_alignment(
    inputs: Sequence[Path],
    out: Path,
    *,
    texts: Path,
    schema: Schema,
    annotator: str | None,
    method: str | None,
    system: str | None,
    mode: Literal["strict", "order"],
    fuzzy: bool | None,
    fuzzy_threshold: float,
) -> AlignmentPlan:
    """``convert strings``: the quote files aligned on the documents of ``texts`` as an annotation
    layer of ``annotator`` or predictions of ``system``, checked, as the files of ``out``. Fuzzy
    matching is on for predictions and off for annotation layers unless ``fuzzy`` says otherwise."""
    provenance = provenance_for(schema, annotator=annotator, method=method, system=system, default_method="")
    use_fuzzy = (system is not None) if fuzzy is None else fuzzy
    aligned = align_quote_files(
        inputs,
        {doc.id: doc for doc in read_input_documents([texts], "texts")},
        schema,
        provenance=provenance,
        mode=mode,
        fuzzy_threshold=fuzzy_threshold if use_fuzzy else None,
    )
    plan = AlignmentPlan(
        unaligned=tuple(aligned.unaligned),
        approximate=tuple(aligned.approximate),
        all_or_nothing=annotator is not None,
        documents=len(aligned.documents),
        spans=sum(len(d.spans) for d in aligned.documents),
    )
    if plan.incomplete:
        return plan
    plan.checked = check_before_writing(aligned.placed, schema, role=Role.PREDICTION if system is not None else None)
    if plan.writable:
        plan.files = document_files(aligned.documents, out)
    return plan
