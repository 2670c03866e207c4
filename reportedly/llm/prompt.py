"""The prompt of ``eval/README.md`` ("LLM extractors"), with the schema's attribute values listed,
and the reading of an answer (one JSON object, possibly wrapped in prose or a code fence)."""

from __future__ import annotations

import json
from typing import Any

from reportedly.schema import Schema

PROMPT_VERSION = "1"  # bump when the prompt changes: it keys the response cache
INSTRUCTIONS = """You annotate attribution and hedging in news text. Mark:
- CLAIM: a checkable proposition the text puts forward; the propositional content only, without
  the reporting frame and without the final full stop.
- SOURCE: the mention a claim is attributed to (person, group, organisation, document, outlet,
  imagery, data), with the modifiers that identify it.
- CUE: the words that mark attribution (said, confirmed, according to, first reported by).
- HEDGE: a word or phrase that lowers commitment (reportedly, may, is expected to, about).
Attributes: SOURCE.source_type, SOURCE.anonymity_reason, CLAIM.quote, HEDGE.hedge_type,
HEDGE.holder (values as in the guidelines). Relations: attributed_to (CLAIM -> SOURCE),
introduced_by (CLAIM -> CUE), hedges (HEDGE -> CLAIM), same_source (later SOURCE -> first SOURCE).

Answer with one JSON object and nothing else:
{"id": "<the document id>",
 "spans": [{"id": "S1", "label": "SOURCE", "text": "<exact words>", "context": "<the words with
            about five words either side, copied exactly>", "attrs": {...}}, ...],
 "relations": [{"label": "attributed_to", "head": "C1", "tail": "S1"}, ...]}
Copy every "text" and "context" character for character from the document. List the spans of
each label in the order they appear. Give each span an id that is unique in the answer."""


def attribute_values(schema: Schema) -> str:
    """``The values: SOURCE.source_type: named_person | ...`` (one line per attribute)."""
    lines = [f"{a.label}.{a.name}: {' | '.join(a.value_names)}" for a in schema.attributes]
    return "The attribute values:\n" + "\n".join(lines)


def build_prompt(doc_id: str, text: str, schema: Schema) -> str:
    return f"{INSTRUCTIONS}\n{attribute_values(schema)}\n\nDocument id: {doc_id}\nDocument:\n{text}"


def parse_answer(content: str) -> dict[str, Any]:
    """The JSON object in a model's answer: the outermost ``{...}``, so prose or code fences around
    it do not matter. Raises ValueError when there is none."""
    start, end = content.find("{"), content.rfind("}")
    if start < 0 or end <= start:
        raise ValueError("the answer holds no JSON object")
    try:
        record = json.loads(content[start : end + 1])
    except json.JSONDecodeError as exc:
        raise ValueError(f"the answer's JSON is invalid at character {exc.pos}: {exc.msg}") from None
    if not isinstance(record, dict):
        raise ValueError("the answer is not a JSON object")
    return record
