"""``convert brat-import`` and ``convert brat-export``: what they read, check and would write.

The conversions themselves are :mod:`.reader` and :mod:`.writer`; these plans add the inputs
(the gold texts next to the layers folder), the checks, the corpus manifest and the file map
(see :class:`reportedly.convert.output.Planned`). Every path made from a document id or an
annotator name is joined with :func:`reportedly.names.join_inside`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportedly.convert.brat.mapping import BratMapping, Discontinuous
from reportedly.convert.brat.reader import import_brat_folder
from reportedly.convert.brat.writer import export_brat
from reportedly.convert.output import Planned, check_before_writing, read_input_documents
from reportedly.corpus import Corpus
from reportedly.document import dumps_document
from reportedly.incidents import has_errors
from reportedly.manifest import MANIFEST, Manifest, manifest_text, scope_of
from reportedly.names import join_inside
from reportedly.schema import Schema


@dataclass(kw_only=True)
class BratImportPlan(Planned):
    layers: int = 0
    annotators: tuple[str, ...] = ()  # sorted
    unannotated: tuple[Path, ...] = ()  # .txt files without any .ann
    gold: Path | None = None  # the folder whose texts the .txt files were checked against


def mapping_scope(schema: Schema, mapping: BratMapping) -> Manifest:
    """What layers imported with ``mapping`` annotate: its labels, and the attributes it fills."""
    labels = mapping.corpus_labels
    attributes = [a.name for a in schema.attributes if a.label in labels and a.name in mapping.corpus_attributes]
    return scope_of(schema, labels, attributes=attributes, name=mapping.name)


def gold_folder(out: Path, gold: Path | None) -> Path | None:
    """The gold documents to check the texts against: ``gold`` when given, else the corpus's
    documents folder next to the layers folder ``out`` when there is one."""
    if gold is not None:
        return gold
    default = Corpus(Path(out).parent).documents_folder
    return default if default.is_dir() else None


def plan_brat_import(
    folder: Path,
    out: Path,
    *,
    schema: Schema,
    mapping: BratMapping,
    annotator: str | None = None,
    separator: str = ".",
    gold: Path | None = None,
    discontinuous: Discontinuous = "error",
    allow_missing_attrs: bool = False,
) -> BratImportPlan:
    """Every ``.ann`` of ``folder`` as an annotation layer ``<out>/<annotator>/<id>.json``, checked.
    A scheme that annotates less than the schema (attribution: no hedges) also gets a
    ``<out>/<annotator>/corpus.yaml`` saying what it annotates, so eval scores those labels only."""
    gold_dir = gold_folder(out, gold)
    gold_docs = {doc.id: doc for doc in read_input_documents([gold_dir], "gold documents")} if gold_dir else None
    result = import_brat_folder(
        folder,
        schema=schema,
        mapping=mapping,
        annotator=annotator,
        separator=separator,
        gold=gold_docs,
        discontinuous=discontinuous,
    )
    plan = BratImportPlan(
        issues=result.issues,
        layers=len(result.layers),
        annotators=tuple(sorted({layer.annotator for layer in result.layers})),
        unannotated=result.unannotated,
        gold=gold_dir,
    )
    if has_errors(plan.issues):
        return plan
    plan.checked = check_before_writing(
        [(layer.document, str(layer.ann_file), layer.lines) for layer in result.layers],
        schema,
        expected_layer="annotation",
        annotator_of={i: layer.annotator for i, layer in enumerate(result.layers)},
        allow_missing_attrs=allow_missing_attrs,
    )
    if not plan.writable:
        return plan
    plan.files = {
        join_inside(out, layer.annotator, f"{layer.document.id}.json"): dumps_document(layer.document)
        for layer in result.layers
    }
    scope = mapping_scope(schema, mapping)
    if not scope.covers(schema):
        plan.files.update(
            {join_inside(out, annotator, MANIFEST): manifest_text(scope) for annotator in plan.annotators}
        )
    return plan


@dataclass(kw_only=True)
class BratExportPlan(Planned):
    documents: int = 0


def plan_brat_export(
    inputs: Sequence[Path],
    out: Path,
    *,
    schema: Schema,
    mapping: BratMapping,
    by_annotator: bool = False,
    separator: str = ".",
) -> BratExportPlan:
    """The documents of ``inputs`` as the brat folder ``out``: ``<id>.txt``, ``<id>.ann`` (or
    ``<id><separator><annotator>.ann``), ``annotation.conf`` and ``visual.conf``. A name that is not
    one plain file name (a separator holding ``/``) is refused (``RPT-PATH-ESCAPE``)."""
    documents = read_input_documents(inputs, "documents")
    result = export_brat(documents, schema=schema, mapping=mapping, by_annotator=by_annotator, separator=separator)
    plan = BratExportPlan(issues=result.issues, documents=len(documents))
    if plan.writable:
        plan.files = {join_inside(out, name): content for name, content in result.files.items()}
    return plan
