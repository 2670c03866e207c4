"""Load and check ``schema/schema.yaml``, and generate every view of it.

The YAML is the single source of truth: the Label Studio config, the JSON Schema of a document,
the ``datasets.Features`` and the tables of LABELING.md are all generated from it
(:mod:`reportedly.schema.views`); :mod:`reportedly.schema.model` loads and checks it.
"""

from __future__ import annotations

from reportedly.incidents import ReportedlyError
from reportedly.schema.model import (
    DEFAULT_SCHEMA_PATH,
    PACKAGE_ROOT,
    AttributeDef,
    Example,
    LabelDef,
    LayerDef,
    MetaFieldDef,
    RelationDef,
    Schema,
    ValueDef,
    load_schema,
)
from reportedly.schema.views import (
    LABELS_NAME,
    TEXT_NAME,
    document_json_schema,
    features,
    json_text,
    labeling_tables,
    labelstudio_xml,
)

__all__ = [
    "DEFAULT_SCHEMA_PATH",
    "LABELS_NAME",
    "PACKAGE_ROOT",
    "TEXT_NAME",
    "AttributeDef",
    "Example",
    "LabelDef",
    "LayerDef",
    "MetaFieldDef",
    "RelationDef",
    "ReportedlyError",
    "Schema",
    "ValueDef",
    "document_json_schema",
    "features",
    "json_text",
    "labeling_tables",
    "labelstudio_xml",
    "load_schema",
]
