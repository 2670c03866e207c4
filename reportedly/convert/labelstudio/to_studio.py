"""Our documents as Label Studio tasks, results and predictions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from reportedly.convert.labelstudio.exports import ConfigCheck
from reportedly.convert.labelstudio.problems import DOC_ID_KEY, META_KEY, vocabulary_of
from reportedly.document import Document, read_jsonl, sorted_spans
from reportedly.incidents import Incident, ReportedlyError, coded
from reportedly.names import is_valid_name
from reportedly.schema import LABELS_NAME, TEXT_NAME, Schema
from reportedly.validate import Role, check_document

# --- ours -> Label Studio ---------------------------------------------------------------------


def task_data(doc: Document) -> dict[str, Any]:
    """The ``data`` of the task for ``doc``."""
    return {TEXT_NAME: doc.text, DOC_ID_KEY: doc.id, META_KEY: dict(doc.meta)}


def document_to_results(doc: Document, schema: Schema) -> list[dict[str, Any]]:
    """The result list of ``doc``'s spans, attributes and relations (code-point offsets)."""
    results: list[dict[str, Any]] = []
    vocabulary = vocabulary_of(schema)
    for span in sorted_spans(doc.spans):
        if span.label not in vocabulary.labels:
            raise ReportedlyError.of(
                "RPT-LS-FORMAT", f"document {doc.id}, span {span.id}: label {span.label!r} is not in the schema"
            )
        value = {"start": span.start, "end": span.end, "text": span.text}
        results.append(
            {
                "id": span.id,
                "from_name": LABELS_NAME,
                "to_name": TEXT_NAME,
                "type": "labels",
                "value": {**value, "labels": [span.label]},
            }
        )
        for name, choice in span.attrs.items():
            if name not in vocabulary.attributes_of[span.label]:
                raise ReportedlyError.of(
                    "RPT-LS-FORMAT",
                    f"document {doc.id}, span {span.id}: {span.label} has no attribute {name!r} in the schema",
                )
            results.append(
                {
                    "id": span.id,
                    "from_name": name,
                    "to_name": TEXT_NAME,
                    "type": "choices",
                    "value": {**value, "choices": [choice]},
                }
            )
    for rel in doc.relations:
        results.append(
            {"from_id": rel.head, "to_id": rel.tail, "type": "relation", "direction": "right", "labels": [rel.label]}
        )
    return results


def document_to_prediction(
    doc: Document, schema: Schema, model_version: str, score: float | None = None
) -> dict[str, Any]:
    """A Label Studio prediction (pre-annotation) of ``doc``; ``model_version`` names the system."""
    prediction: dict[str, Any] = {"model_version": model_version, "result": document_to_results(doc, schema)}
    if score is not None:
        prediction["score"] = score
    return prediction


def document_to_task(
    doc: Document, schema: Schema, *, predictions: Sequence[tuple[str, Document]] = ()
) -> dict[str, Any]:
    """A task to import; ``predictions`` are ``(model_version, document)`` pairs on the same text."""
    task: dict[str, Any] = {"data": task_data(doc)}
    if predictions:
        task["predictions"] = []
        for model_version, pred in predictions:
            if pred.id != doc.id or pred.text != doc.text:
                raise ReportedlyError.of(
                    "RPT-LS-FORMAT", f"prediction {pred.id} ({model_version}) is not on the text of document {doc.id}"
                )
            task["predictions"].append(document_to_prediction(pred, schema, model_version))
    return task


def check_predictions(
    documents: Sequence[Document], predictions: Sequence[Document], schema: Schema, interface: Any
) -> list[str]:
    """Why these predictions cannot be pre-annotations of these documents (empty when they can).

    A pre-annotation may leave a required attribute empty (the annotator fills it in); anything
    else the validator or Label Studio's ``LabelInterface`` of the project's config rejects is an error.
    """
    texts = {doc.id: doc.text for doc in documents}
    check = ConfigCheck(interface)
    errors: list[str] = []
    for pred in predictions:
        found = [
            f"prediction {pred.id}: {i.render()}" for i in check_document(pred, schema, Role.PREDICTION) if i.is_error
        ]
        if pred.id in texts and pred.text != texts[pred.id]:
            found.append(f"prediction {pred.id}: its text differs from the document's")
        if not found:
            found += [
                f"prediction {pred.id}: {p.render()}"
                for p in check(document_to_prediction(pred, schema, "check")["result"])
            ]
        errors += found
    return errors


def tasks_payload(
    documents: Iterable[Document], schema: Schema, *, predictions: Sequence[Document] = (), system: str | None = None
) -> list[dict[str, Any]]:
    """The tasks `push` would import, for a file to import in Label Studio's UI."""
    predicted = {p.id: p for p in predictions}
    return [
        document_to_task(
            doc, schema, predictions=[(str(system), predicted[doc.id])] if doc.id in predicted and system else ()
        )
        for doc in documents
    ]


# --- inputs -------------------------------------------------------------------------------------


def text_document(path: Path) -> Document:
    """A plain-text file as a new, unannotated document (id from the file name; text kept byte-exact,
    CRLF included; a leading byte-order mark dropped)."""
    doc_id = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(path).stem).strip("-._")
    if not doc_id:
        raise ReportedlyError.of("RPT-STUDIO-PUSH", f"{path}: no document id can be made from this file name")
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReportedlyError.of("RPT-ENCODING", f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    return Document(id=doc_id, text=text, meta={"origin": "user_supplied"})


def read_inputs(paths: Iterable[Path]) -> list[Document]:
    """Documents to push: corpus ``.json`` files (their spans are not pushed), JSONL of ``{id, text,
    meta}``, ``.txt`` files, or folders of ``.json`` and ``.txt`` files."""
    from reportedly.document import read_document

    docs: list[Document] = []
    for path in paths:
        path = Path(path)
        if not path.exists():
            raise ReportedlyError.of("RPT-PATH-MISSING", f"{path}: no such file or folder")
        try:
            if path.is_dir():
                for child in sorted([*path.glob("*.json"), *path.glob("*.txt")]):
                    docs.append(read_document(child) if child.suffix == ".json" else text_document(child))
            elif path.suffix == ".jsonl":
                docs += read_jsonl(path)
            elif path.suffix == ".txt":
                docs.append(text_document(path))
            else:
                docs.append(read_document(path))
        except OSError as exc:
            raise ReportedlyError.of("RPT-PATH-MISSING", f"{path}: {exc.strerror or exc}") from None
    bad = [doc.id for doc in docs if not is_valid_name(doc.id)]
    if bad:
        message = f"document id(s) {bad[:5]} are not usable as ids (letters, digits, '.', '_', '-')"
        raise ReportedlyError.of("RPT-STUDIO-PUSH", message)
    return [Document(doc.id, doc.text, doc.meta) for doc in docs]


def read_predictions(
    path: Path | None, system: str | None, texts: Mapping[str, str]
) -> tuple[list[Document], str | None]:
    """The predictions to show as pre-annotations (a JSONL file whose records may leave out the texts
    in ``texts``, document id -> text) and the system name: ``system`` when given, else the one the
    records name (refused, ``RPT-CLI-OPTION``, when they name none or several). No file: none."""
    if path is None:
        return [], system
    try:
        preds = read_jsonl(path, texts=texts)
    except (ReportedlyError, OSError) as exc:
        message = f"cannot read predictions: {exc}"
        raise ReportedlyError(Incident(coded(exc)[0], message, str(path)), message) from None
    systems = {str(p.provenance.get("system")) for p in preds if p.provenance.get("system")}
    if system is None:
        if len(systems) != 1:
            message = f"{path}: give --system NAME (the records name {sorted(systems) or 'no system'})"
            raise ReportedlyError(Incident("RPT-CLI-OPTION", message, str(path)), message)
        system = systems.pop()
    return preds, system
