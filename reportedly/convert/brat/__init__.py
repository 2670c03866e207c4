"""brat standoff (``<id>.txt`` + ``.ann``) to and from reportedly documents.

Offsets: brat offsets are read and written as Unicode code points of the ``.txt`` decoded as
UTF-8 with its line ends as written (a ``\\r`` of CRLF counts as one character), which is what
brat itself and Python's ``str`` count; astral characters (emoji) are one code point.

Lines understood: text-bound ``T`` (several fragments ``0 5;10 15`` are discontinuous spans,
reported, never merged silently), attributes ``A``/``M``, relations ``R``, events ``E`` (as
attribution corpora use them: an event with roles such as Source, Cue and Content), equivalences
``*``; notes ``#`` and normalizations ``N`` are ignored with a warning, except the
``reportedly:id=<span id>`` notes that :func:`document_to_ann` writes to keep span ids.

Labels come through a small YAML mapping (:class:`BratMapping`): brat type -> label, attribute
-> attribute, relation type or event role -> relation. Bundled: ``reportedly`` (brat types are
our own names; what the export writes) and ``attribution`` (Source/Cue/Content: Content becomes
a CLAIM attributed_to its Source and introduced_by its Cue).

Several annotators' ``.ann`` files for one text are told apart by a suffix,
``<id>.<annotator>.ann``, and become one annotation layer each (``corpus/layers/<annotator>``).
"""

from __future__ import annotations

from reportedly.convert.brat.mapping import (
    DISCONTINUOUS_POLICIES,
    AttributeMap,
    BratMapping,
    EventMap,
    RelationMap,
    load_mapping,
    mapping_from_dict,
)
from reportedly.convert.brat.parse import parse_ann
from reportedly.convert.brat.plan import BratExportPlan, BratImportPlan, plan_brat_export, plan_brat_import
from reportedly.convert.brat.reader import BratDocument, BratImport, BratLayer, ann_to_document, import_brat_folder
from reportedly.convert.brat.writer import BratExport, brat_round_trip, document_to_ann, export_brat
from reportedly.convert.bundled import bundled_mappings

__all__ = [
    "DISCONTINUOUS_POLICIES",
    "AttributeMap",
    "BratDocument",
    "BratExport",
    "BratExportPlan",
    "BratImport",
    "BratImportPlan",
    "BratLayer",
    "BratMapping",
    "EventMap",
    "RelationMap",
    "ann_to_document",
    "brat_round_trip",
    "bundled_mappings",
    "document_to_ann",
    "export_brat",
    "import_brat_folder",
    "load_mapping",
    "mapping_from_dict",
    "parse_ann",
    "plan_brat_export",
    "plan_brat_import",
]
