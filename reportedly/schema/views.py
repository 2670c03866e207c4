"""Every generated view of the schema: the Label Studio config, the JSON Schema of a document,
the ``datasets.Features`` and the tables of LABELING.md."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from reportedly.names import NAME_JSON_PATTERN
from reportedly.schema.model import Example, Schema

# --- Label Studio ---------------------------------------------------------------------------

TEXT_NAME = "text"
LABELS_NAME = "label"


def labelstudio_xml(schema: Schema) -> str:
    """The Label Studio labeling config: spans on ``<Text>``, relations, per-region choices."""
    from xml.sax.saxutils import quoteattr  # pulls in urllib.request and email: not at `reportedly --help`

    lines = [
        f"<!-- Generated from schema/schema.yaml (version {schema.version}) by `reportedly schema build`."
        " Do not edit. -->",
        "<View>",
        "  <Relations>",
    ]
    for rel in schema.relations:
        lines.append(f"    <Relation value={quoteattr(rel.name)} background={quoteattr(rel.color)}/>")
    lines.append("  </Relations>")
    lines.append(f'  <Labels name="{LABELS_NAME}" toName="{TEXT_NAME}" showInline="true">')
    for label in schema.labels:
        lines.append(
            f"    <Label value={quoteattr(label.name)} background={quoteattr(label.color)}"
            f" hotkey={quoteattr(label.hotkey)} hint={quoteattr(label.description)}/>"
        )
    lines.append("  </Labels>")
    lines.append(
        f'  <Text name="{TEXT_NAME}" value="$text" granularity="symbol" '
        'saveTextResult="yes" style="white-space: pre-wrap"/>'
    )
    for attr in schema.attributes:
        required = ' required="true"' if attr.required else ""
        lines.append(
            f'  <View visibleWhen="region-selected" whenTagName="{LABELS_NAME}" whenLabelValue={quoteattr(attr.label)}>'
        )
        lines.append(f"    <Header value={quoteattr(f'{attr.label} {attr.name}')}/>")
        # The visibility attributes go on <Choices> too: the editor's check of a required per-region
        # choice skips regions of other labels only by the tag's own whenLabelValue.
        lines.append(
            f'    <Choices name={quoteattr(attr.name)} toName="{TEXT_NAME}" perRegion="true"'
            f' choice="single" showInline="true"{required} visibleWhen="region-selected"'
            f' whenTagName="{LABELS_NAME}" whenLabelValue={quoteattr(attr.label)}>'
        )
        for value in attr.values:
            lines.append(
                f"      <Choice value={quoteattr(value.name)} hotkey={quoteattr(value.hotkey)}"
                f" hint={quoteattr(value.description)}/>"
            )
        lines.append("    </Choices>")
        lines.append("  </View>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"


# --- JSON Schema ----------------------------------------------------------------------------


def document_json_schema(schema: Schema) -> dict[str, Any]:
    """JSON Schema (2020-12) of one document record: gold, annotation layer or prediction."""
    span_variants = []
    for label in schema.labels:
        attrs = schema.attributes_of(label.name)
        span_variants.append(
            {
                "if": {"properties": {"label": {"const": label.name}}},
                "then": {
                    "properties": {
                        "attrs": {
                            "type": "object",
                            "properties": {a.name: {"enum": list(a.value_names)} for a in attrs},
                            "additionalProperties": False,
                        }
                    }
                },
            }
        )
    relation_names = list(schema.relation_names)
    meta_properties: dict[str, Any] = {
        "title": {"type": "string"},
        "lang": {"type": "string"},
        "license": {"type": "string"},
        "invented_names": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "description": "Every invented name (person, organisation, outlet, place) the text uses.",
        },
    }
    for field in schema.meta:
        meta_properties[field.name] = {"enum": list(field.values), "description": field.description}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"reportedly-document-{schema.version}",
        "title": "reportedly document",
        "description": (
            f"Generated from schema/schema.yaml (version {schema.version}); do not edit. "
            "Offsets are half-open [start, end) in Unicode code points of `text`."
        ),
        "type": "object",
        "required": ["id", "text", "spans", "relations"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": NAME_JSON_PATTERN},
            "text": {"type": "string"},
            "meta": {"type": "object", "properties": meta_properties},
            "spans": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "label", "start", "end", "text"],
                    "additionalProperties": False,
                    "properties": {
                        "id": {"type": "string", "minLength": 1},
                        "label": {"enum": list(schema.label_names)},
                        "start": {"type": "integer", "minimum": 0},
                        "end": {"type": "integer", "minimum": 1},
                        "text": {"type": "string", "minLength": 1},
                        "attrs": {"type": "object", "additionalProperties": {"type": "string"}},
                    },
                    "allOf": span_variants,
                },
            },
            "relations": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["label", "head", "tail"],
                    "additionalProperties": False,
                    "properties": {
                        "label": {"enum": relation_names},
                        "head": {"type": "string"},
                        "tail": {"type": "string"},
                    },
                },
            },
            "provenance": {
                "type": "object",
                "properties": {
                    "layer": {"enum": list(schema.layer_names)},
                    "annotators": {"type": "array", "items": {"type": "string"}},
                    "method": {"type": "string"},
                    "schema_version": {"type": "string"},
                    "guidelines": {
                        "type": "string",
                        # the lookahead ends the string in Python and ECMA alike ("$" also matches before "\n")
                        "pattern": "^[0-9]+[.][0-9]+(?![\\s\\S])",
                        "description": "The LABELING.md version the annotation conforms to, e.g. 2.0.",
                    },
                    "system": {"type": "string"},
                    "version": {"type": "string"},
                },
            },
        },
    }


# --- datasets.Features ----------------------------------------------------------------------


def features(schema: Schema) -> Any:
    """The ``datasets.Features`` of one document (attributes as closed class labels)."""
    import datasets  # local: only publishing needs it, and it is slow to import

    attr_features = {attr.name: datasets.ClassLabel(names=list(attr.value_names)) for attr in schema.attributes}
    return datasets.Features(
        {
            "id": datasets.Value("string"),
            "text": datasets.Value("string"),
            "meta": {
                "title": datasets.Value("string"),
                **{field.name: datasets.ClassLabel(names=list(field.values)) for field in schema.meta},
                "lang": datasets.Value("string"),
                "license": datasets.Value("string"),
                "invented_names": datasets.List(datasets.Value("string")),
            },
            "spans": datasets.List(
                {
                    "id": datasets.Value("string"),
                    "label": datasets.ClassLabel(names=list(schema.label_names)),
                    "start": datasets.Value("int32"),
                    "end": datasets.Value("int32"),
                    "text": datasets.Value("string"),
                    "attrs": attr_features,
                }
            ),
            "relations": datasets.List(
                {
                    "label": datasets.ClassLabel(names=list(schema.relation_names)),
                    "head": datasets.Value("string"),
                    "tail": datasets.Value("string"),
                }
            ),
        }
    )


# --- LABELING.md tables ---------------------------------------------------------------------


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _example_cell(examples: Sequence[Example]) -> str:
    shown = []
    for ex in examples:
        if ex.span:
            shown.append(_cell(ex.text.replace(ex.span, f"**{ex.span}**", 1)))
        else:
            shown.append(_cell(f"{ex.text} ({ex.head} → {ex.tail})"))
    return "<br>".join(shown)


def labeling_tables(schema: Schema) -> str:
    """Markdown tables of labels, attributes and relations for LABELING.md."""
    out = [
        f"Schema version {schema.version}. Generated from `schema/schema.yaml` by "
        "`reportedly schema build`; edit the YAML, not these tables.",
        "",
        "### Labels",
        "",
        "| label | hotkey | description | examples (span in bold) |",
        "|---|---|---|---|",
    ]
    for label in schema.labels:
        out.append(
            f"| `{label.name}` | `{label.hotkey}` | {_cell(label.description)} | {_example_cell(label.examples)} |"
        )
    out += ["", "### Attributes", ""]
    for attr in schema.attributes:
        req = "required" if attr.required else "optional"
        out += [
            f"**{attr.label}.{attr.name}** ({req}): {_cell(attr.description)}",
            "",
            "| value | hotkey | description | example (span in bold) |",
            "|---|---|---|---|",
        ]
        for value in attr.values:
            out.append(
                f"| `{value.name}` | `{value.hotkey}` | {_cell(value.description)} | {_example_cell(value.examples)} |"
            )
        out.append("")
    out += [
        "### Relations",
        "",
        "| relation | head → tail | description | example (head → tail) |",
        "|---|---|---|---|",
    ]
    for rel in schema.relations:
        out.append(
            f"| `{rel.name}` | {rel.head} → {rel.tail} | {_cell(rel.description)} | {_example_cell(rel.examples)} |"
        )
    return "\n".join(out) + "\n"


def json_text(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
