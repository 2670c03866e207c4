"""``convert conll-export`` and ``convert conll-import``: what they read, check and would write.

The conversions themselves are :mod:`reportedly.convert.conll`; these plans add the inputs, the
checks and the file map (see :class:`reportedly.convert.output.Planned`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportedly.convert.conll import export_conll, import_conll
from reportedly.convert.issues import Issue
from reportedly.convert.output import (
    Checked,
    Placed,
    Planned,
    check_before_writing,
    document_files,
    provenance_for,
    read_input_documents,
)
from reportedly.document import Document
from reportedly.incidents import Incident, ReportedlyError, has_errors
from reportedly.schema import Schema
from reportedly.validate import Role, check_document


@dataclass(kw_only=True)
class ConllExportPlan(Planned):
    """``checked`` holds the errors of the documents themselves, found before the export (what the
    tokenizer cannot take is refused first); ``issues`` the spans the export leaves out."""

    documents: int = 0
    exported: int = 0  # spans written
    columns: tuple[str, ...] = ()


def plan_conll_export(inputs: Sequence[Path], out: Path, *, schema: Schema, labels: Sequence[str]) -> ConllExportPlan:
    """The documents of ``inputs`` as one CoNLL file ``out`` with a column per label in ``labels``."""
    documents = read_input_documents(inputs, "documents")
    # a text over 1,000,000 characters or broken offsets would fail in the tokenizer: refuse them first
    problems = [i for doc in documents for i in check_document(doc, schema, Role.PREDICTION) if i.is_error]
    plan = ConllExportPlan(checked=Checked(incidents=problems), documents=len(documents))
    if problems:
        return plan
    result = export_conll(documents, labels=labels)
    plan.issues, plan.exported, plan.columns = result.issues, result.exported, result.columns
    if plan.writable:
        plan.files = {out: result.text}  # the caller's own path: no name of the input goes into it
    return plan


@dataclass(kw_only=True)
class ConllImportPlan(Planned):
    documents: int = 0
    spans: int = 0


def plan_conll_import(
    inputs: Sequence[Path],
    out: Path,
    *,
    schema: Schema,
    annotator: str | None = None,
    method: str | None = None,
    system: str | None = None,
    texts: Path | None = None,
    tag_columns: Sequence[int] | None = None,
) -> ConllImportPlan:
    """CoNLL files as an annotation layer of ``annotator`` or predictions of ``system``, checked
    (BIO carries no attributes, so required ones may be missing), as the files of ``out``. With
    ``texts`` the tokens are placed on those documents' texts; without, the text is rebuilt."""
    provenance = provenance_for(
        schema, annotator=annotator, method=method, system=system, default_method="imported from CoNLL BIO"
    )
    sources = {doc.id: doc for doc in read_input_documents([texts], "texts")} if texts is not None else None
    documents: list[Document] = []
    issues: list[Issue] = []
    places: list[Placed] = []
    for path in inputs:
        try:
            content = path.read_bytes().decode("utf-8")
        except OSError as exc:
            message = f"{path}: {exc.strerror or exc}"
            raise ReportedlyError(Incident("RPT-PATH-MISSING", message, str(path)), message) from None
        except UnicodeDecodeError as exc:  # reported with the other files' problems
            issues.append(Issue("RPT-ENCODING", f"byte {exc.start}: {exc.reason}", str(path)))
            continue
        result = import_conll(
            content,
            labels=schema.label_names,
            file=str(path),
            sources=sources,
            tag_columns=tag_columns,
            provenance=provenance,
            meta={"origin": "user_supplied"},
        )
        issues += result.issues
        documents += result.documents
        places += [(doc, str(path), {}) for doc in result.documents]
    plan = ConllImportPlan(issues=tuple(issues), documents=len(documents), spans=sum(len(d.spans) for d in documents))
    if has_errors(plan.issues):
        return plan
    plan.checked = check_before_writing(places, schema, allow_missing_attrs=True)
    if plan.writable:
        plan.files = document_files(documents, out)
    return plan
