"""The schema model: ``schema/schema.yaml`` loaded and checked into frozen definitions."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from reportedly.incidents import Incident, ReportedlyError

PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_SCHEMA_PATH = PACKAGE_ROOT / "schema" / "schema.yaml"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
LABEL_PATTERN = re.compile(r"^[A-Z][A-Z0-9_]*$")
COLOR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Example:
    text: str
    span: str = ""
    head: str = ""
    tail: str = ""


@dataclass(frozen=True)
class LabelDef:
    name: str
    description: str
    color: str
    hotkey: str
    examples: tuple[Example, ...]


@dataclass(frozen=True)
class ValueDef:
    name: str
    description: str
    hotkey: str
    examples: tuple[Example, ...]


@dataclass(frozen=True)
class AttributeDef:
    name: str
    label: str
    required: bool
    description: str
    values: tuple[ValueDef, ...]

    @property
    def value_names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.values)


@dataclass(frozen=True)
class RelationDef:
    name: str
    head: str
    tail: str
    description: str
    color: str
    examples: tuple[Example, ...]


@dataclass(frozen=True)
class MetaFieldDef:
    name: str
    description: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class LayerDef:
    """A value of ``provenance.layer``: what a document is (gold, an annotator's layer, ...)."""

    name: str
    description: str


@dataclass(frozen=True)
class Schema:
    version: str
    name: str
    labels: tuple[LabelDef, ...]
    attributes: tuple[AttributeDef, ...]
    relations: tuple[RelationDef, ...]
    meta: tuple[MetaFieldDef, ...]
    layers: tuple[LayerDef, ...]
    path: Path

    # cached: the checker and the scorer ask for these once per document
    @cached_property
    def label_names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.labels)

    @cached_property
    def vocabulary(self) -> dict[str, dict[str, frozenset[str]]]:
        """label -> its attributes -> their values."""
        return {
            label: {a.name: frozenset(a.value_names) for a in self.attributes_of(label)} for label in self.label_names
        }

    @cached_property
    def layer_names(self) -> tuple[str, ...]:
        return tuple(layer.name for layer in self.layers)

    @cached_property
    def relation_names(self) -> tuple[str, ...]:
        return tuple(rel.name for rel in self.relations)

    def attributes_of(self, label: str) -> tuple[AttributeDef, ...]:
        return tuple(a for a in self.attributes if a.label == label)

    def attribute(self, name: str) -> AttributeDef:
        for attr in self.attributes:
            if attr.name == name:
                return attr
        raise KeyError(name)

    def relation(self, name: str) -> RelationDef:
        for rel in self.relations:
            if rel.name == name:
                return rel
        raise KeyError(name)

    def meta_field(self, name: str) -> MetaFieldDef | None:
        return next((m for m in self.meta if m.name == name), None)


# --- loading and checking --------------------------------------------------------------------

_TOP_KEYS = {"version", "name", "labels", "attributes", "relations", "meta", "layers"}
_LABEL_KEYS = {"name", "description", "color", "hotkey", "examples"}
_ATTR_KEYS = {"name", "label", "required", "description", "values"}
_VALUE_KEYS = {"name", "description", "hotkey", "examples"}
_RELATION_KEYS = {"name", "head", "tail", "description", "color", "examples"}
_EXAMPLE_KEYS = {"text", "span", "head", "tail"}
_META_KEYS = {"description", "values"}


class _Checker:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, message: str) -> ReportedlyError:
        """schema.yaml is not well formed: the error names the key path (RPT-SCHEMA-FILE)."""
        incident = Incident("RPT-SCHEMA-FILE", f"{key}: {message}", str(self.path))
        return ReportedlyError(incident, f"{self.path}: {key}: {message}")

    def mapping(self, value: Any, key: str, allowed: set[str], required: set[str]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(key, "must be a mapping")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise self.fail(key, f"unknown key(s) {unknown}; allowed: {sorted(allowed)}")
        missing = sorted(required - set(value))
        if missing:
            raise self.fail(key, f"missing key(s) {missing}")
        return value

    def string(self, value: Any, key: str, pattern: re.Pattern[str] | None = None) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty string")
        if pattern and not pattern.match(value):
            raise self.fail(key, f"{value!r} does not match {pattern.pattern}")
        return value

    def items(self, value: Any, key: str) -> Sequence[Any]:
        if not isinstance(value, list) or not value:
            raise self.fail(key, "must be a non-empty list")
        return value

    def unique(self, names: Sequence[str], key: str) -> None:
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise self.fail(key, f"duplicate name {name!r}")
            seen.add(name)

    def examples(self, value: Any, key: str, relation: bool = False) -> tuple[Example, ...]:
        result = []
        for i, raw in enumerate(self.items(value, key)):
            where = f"{key}[{i}]"
            needed = {"text", "head", "tail"} if relation else {"text", "span"}
            item = self.mapping(raw, where, _EXAMPLE_KEYS, needed)
            example = Example(**{k: self.string(v, f"{where}.{k}") for k, v in item.items()})
            for part in ("span", "head", "tail"):
                fragment = getattr(example, part)
                if fragment and fragment not in example.text:
                    raise self.fail(f"{where}.{part}", f"{fragment!r} does not occur in the example text")
            result.append(example)
        return tuple(result)


def load_schema(path: Path | None = None) -> Schema:
    """Read and check a schema file; raises a ReportedlyError (RPT-SCHEMA-FILE) naming the offending key."""
    path = Path(path) if path else DEFAULT_SCHEMA_PATH
    return _load_schema_cached(path.resolve(), path.stat().st_mtime_ns if path.exists() else 0)


@cache
def _load_schema_cached(path: Path, _mtime: int) -> Schema:
    import yaml  # here, not at module level: `reportedly --help` imports this module and reads no schema

    check = _Checker(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise check.fail("(file)", "not found; pass --schema PATH or run from the project root") from None
    except yaml.YAMLError as exc:
        raise check.fail("(file)", f"invalid YAML: {exc}") from None
    top = check.mapping(raw, "(top level)", _TOP_KEYS, _TOP_KEYS)
    version = check.string(top["version"], "version", re.compile(r"^\d+\.\d+\.\d+$"))

    labels = []
    for i, item in enumerate(check.items(top["labels"], "labels")):
        key = f"labels[{i}]"
        raw_label = check.mapping(item, key, _LABEL_KEYS, _LABEL_KEYS)
        labels.append(
            LabelDef(
                name=check.string(raw_label["name"], f"{key}.name", LABEL_PATTERN),
                description=check.string(raw_label["description"], f"{key}.description"),
                color=check.string(raw_label["color"], f"{key}.color", COLOR_PATTERN),
                hotkey=check.string(str(raw_label["hotkey"]), f"{key}.hotkey"),
                examples=check.examples(raw_label["examples"], f"{key}.examples"),
            )
        )
    check.unique([label.name for label in labels], "labels")
    label_names = {label.name for label in labels}

    attributes = []
    for i, item in enumerate(check.items(top["attributes"], "attributes")):
        key = f"attributes[{i}]"
        raw_attr = check.mapping(item, key, _ATTR_KEYS, _ATTR_KEYS)
        label = check.string(raw_attr["label"], f"{key}.label")
        if label not in label_names:
            raise check.fail(f"{key}.label", f"unknown label {label!r}; known: {sorted(label_names)}")
        values = []
        for j, raw_value in enumerate(check.items(raw_attr["values"], f"{key}.values")):
            vkey = f"{key}.values[{j}]"
            value = check.mapping(raw_value, vkey, _VALUE_KEYS, _VALUE_KEYS)
            values.append(
                ValueDef(
                    name=check.string(value["name"], f"{vkey}.name", NAME_PATTERN),
                    description=check.string(value["description"], f"{vkey}.description"),
                    hotkey=check.string(str(value["hotkey"]), f"{vkey}.hotkey"),
                    examples=check.examples(value["examples"], f"{vkey}.examples"),
                )
            )
        check.unique([v.name for v in values], f"{key}.values")
        if not isinstance(raw_attr["required"], bool):
            raise check.fail(f"{key}.required", "must be true or false")
        attributes.append(
            AttributeDef(
                name=check.string(raw_attr["name"], f"{key}.name", NAME_PATTERN),
                label=label,
                required=raw_attr["required"],
                description=check.string(raw_attr["description"], f"{key}.description"),
                values=tuple(values),
            )
        )
    check.unique([a.name for a in attributes], "attributes")

    relations = []
    for i, item in enumerate(check.items(top["relations"], "relations")):
        key = f"relations[{i}]"
        raw_rel = check.mapping(item, key, _RELATION_KEYS, _RELATION_KEYS)
        for end in ("head", "tail"):
            if raw_rel[end] not in label_names:
                raise check.fail(f"{key}.{end}", f"unknown label {raw_rel[end]!r}; known: {sorted(label_names)}")
        relations.append(
            RelationDef(
                name=check.string(raw_rel["name"], f"{key}.name", NAME_PATTERN),
                head=raw_rel["head"],
                tail=raw_rel["tail"],
                description=check.string(raw_rel["description"], f"{key}.description"),
                color=check.string(raw_rel["color"], f"{key}.color", COLOR_PATTERN),
                examples=check.examples(raw_rel["examples"], f"{key}.examples", relation=True),
            )
        )
    check.unique([r.name for r in relations], "relations")

    if not isinstance(top["meta"], Mapping):
        raise check.fail("meta", "must be a mapping of field name to {description, values}")
    meta = []
    for name, raw_field in top["meta"].items():
        field = check.mapping(raw_field, f"meta.{name}", _META_KEYS, _META_KEYS)
        meta_values = tuple(
            check.string(v, f"meta.{name}.values") for v in check.items(field["values"], f"meta.{name}.values")
        )
        check.unique(meta_values, f"meta.{name}.values")
        meta.append(MetaFieldDef(check.string(name, "meta", NAME_PATTERN), field["description"], meta_values))

    if not isinstance(top["layers"], Mapping):
        raise check.fail("layers", "must be a mapping of provenance.layer value to its description")
    layers = tuple(
        LayerDef(check.string(name, "layers", NAME_PATTERN), check.string(text, f"layers.{name}"))
        for name, text in top["layers"].items()
    )

    hotkeys = [label.hotkey for label in labels] + [v.hotkey for a in attributes for v in a.values]
    check.unique(hotkeys, "hotkeys (labels and attribute values share one keyboard)")
    check.unique([label.name for label in labels] + [a.name for a in attributes], "label and attribute names")
    return Schema(
        version=version,
        name=check.string(top["name"], "name"),
        labels=tuple(labels),
        attributes=tuple(attributes),
        relations=tuple(relations),
        meta=tuple(meta),
        layers=layers,
        path=path,
    )
