"""Build the committed views of schema.yaml: Label Studio XML, JSON Schema, LABELING.md tables."""

from __future__ import annotations

from pathlib import Path

from reportedly.generated import Outcome, update, update_section
from reportedly.schema import Schema, document_json_schema, json_text, labeling_tables, labelstudio_xml

SCHEMA_TABLES_SECTION = "schema-tables"


def validate_labelstudio_config(config: str) -> None:
    """Check the config with Label Studio's own ``LabelInterface`` (raises on an invalid config)."""
    from label_studio_sdk.label_interface.interface import LabelInterface

    LabelInterface(config).validate()  # type: ignore[no-untyped-call]


def build_schema_views(schema: Schema, root: Path, *, check: bool = False) -> list[Outcome]:
    """Write (or, with ``check``, compare) every generated view; returns one outcome per file."""
    root = Path(root)
    config = labelstudio_xml(schema)
    validate_labelstudio_config(config)
    return [
        update(root / "schema" / "labelstudio.xml", config, check=check),
        update(root / "schema" / "document.schema.json", json_text(document_json_schema(schema)), check=check),
        update_section(root / "LABELING.md", SCHEMA_TABLES_SECTION, labeling_tables(schema), check=check),
    ]
