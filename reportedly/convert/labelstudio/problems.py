"""What every part of the Label Studio conversion shares: task keys, methods, problems, the vocabulary."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from reportedly.incidents import REGISTRY, Severity
from reportedly.schema import AttributeDef, RelationDef, Schema

DOC_ID_KEY = "doc_id"
META_KEY = "meta"
TOOL = "Label Studio"
METHOD_INDEPENDENT = "Label Studio annotation (independent pass)"
METHOD_FROM_PREDICTION = "model pre-annotation corrected in Label Studio"
METHOD_FROM_ANNOTATION = "Label Studio annotation started from another annotation (not independent)"
_SLUG = re.compile(r"[^a-z0-9._-]+")


@dataclass(frozen=True)
class Problem:
    """One thing found while converting, with the place in Label Studio terms."""

    code: str
    message: str
    task_id: int | None = None
    annotation_id: int | None = None
    region_id: str | None = None
    doc_id: str | None = None

    @property
    def severity(self) -> Severity:
        return REGISTRY[self.code].severity

    @property
    def fix(self) -> str:
        return REGISTRY[self.code].fix

    def location(self) -> str:
        parts = [
            f"task {self.task_id}" if self.task_id is not None else "",
            f"document {self.doc_id}" if self.doc_id else "",
            f"annotation {self.annotation_id}" if self.annotation_id is not None else "",
            f"region {self.region_id}" if self.region_id else "",
        ]
        return ", ".join(p for p in parts if p) or "export"

    def render(self) -> str:
        return f"{self.location()}: {self.severity.value} {self.code}: {self.message}. Fix: {self.fix}."


@dataclass(frozen=True)
class Where:
    task_id: int | None = None
    annotation_id: int | None = None
    doc_id: str | None = None

    def problem(self, code: str, message: str, region_id: str | None = None) -> Problem:
        return Problem(code, message, self.task_id, self.annotation_id, region_id, self.doc_id)


@dataclass(frozen=True)
class Vocabulary:
    """The schema's names as sets and maps, computed once per schema (conversion asks per region)."""

    labels: frozenset[str]
    attributes: Mapping[str, AttributeDef]
    attributes_of: Mapping[str, frozenset[str]]
    relations: Mapping[str, RelationDef]


_VOCABULARIES: dict[int, tuple[Schema, Vocabulary]] = {}


def vocabulary_of(schema: Schema) -> Vocabulary:
    kept = _VOCABULARIES.get(id(schema))
    if kept is None or kept[0] is not schema:
        vocabulary = Vocabulary(
            frozenset(schema.label_names),
            {a.name: a for a in schema.attributes},
            {label: frozenset(a.name for a in schema.attributes_of(label)) for label in schema.label_names},
            {r.name: r for r in schema.relations},
        )
        kept = _VOCABULARIES[id(schema)] = (schema, vocabulary)
    return kept[1]
