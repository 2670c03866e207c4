"""The brat label mapping: brat type -> label, attribute -> attribute, relation type or event
role -> relation, read from a small YAML file (bundled: ``reportedly``, ``attribution``,
``polnear``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

from reportedly.convert.bundled import BUNDLED_DIR, bundled_mappings
from reportedly.convert.issues import Issue
from reportedly.incidents import ReportedlyError
from reportedly.schema import Schema

Discontinuous = Literal["error", "merge", "skip"]
DISCONTINUOUS_POLICIES: tuple[str, ...] = ("error", "merge", "skip")
ID_NOTE = "reportedly:id="


# --- the label mapping ------------------------------------------------------------------------


@dataclass(frozen=True)
class AttributeMap:
    attribute: str  # our attribute name
    values: Mapping[str, str] = field(default_factory=dict)  # brat value -> ours; empty: the same names


@dataclass(frozen=True)
class RelationMap:
    relation: str
    reverse: bool = False  # brat's Arg1 is our tail (and Arg2 our head)
    by_position: bool = False  # head = the later mention in the text, whatever brat's argument order


@dataclass(frozen=True)
class EventMap:
    head: str  # the role whose argument heads every relation (Content -> the CLAIM)
    roles: Mapping[str, str]  # other role -> relation from the head's span to the role's span
    trigger: str | None = None  # relation from the head's span to the trigger's span


@dataclass(frozen=True)
class BratMapping:
    name: str
    spans: Mapping[str, str]  # brat entity type -> our label
    attributes: Mapping[str, AttributeMap]
    relations: Mapping[str, RelationMap]  # R (and *) types
    events: Mapping[str, EventMap]
    defaults: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # label -> attribute -> value
    ignore: frozenset[str] = frozenset()
    source: str = ""
    skip_triggers: bool = False  # triggers: skip; an event's trigger T line never becomes a span
    labels: tuple[str, ...] = ()  # what the annotated corpus holds (its manifest); empty: the spans' labels

    @property
    def corpus_labels(self) -> tuple[str, ...]:
        """The labels a corpus annotated with this scheme holds (for its manifest)."""
        return self.labels or tuple(sorted(set(self.spans.values())))

    @property
    def corpus_attributes(self) -> tuple[str, ...]:
        """The attributes the mapping gives values to (from brat attributes or defaults)."""
        given = {a.attribute for a in self.attributes.values()} | {n for d in self.defaults.values() for n in d}
        return tuple(sorted(given))

    # the export direction: our names -> brat names (the first brat name that maps to ours)
    def brat_type(self, label: str) -> str | None:
        if self.spans.get(label) == label:
            return label
        return next((t for t, ours in self.spans.items() if ours == label), None)

    def brat_attribute(self, attribute: str, value: str) -> tuple[str, str] | None:
        for name, amap in sorted(self.attributes.items(), key=lambda kv: kv[0] != attribute):
            if amap.attribute != attribute:
                continue
            if not amap.values:
                return name, value
            brat_value = next((b for b, ours in amap.values.items() if ours == value), None)
            if brat_value is not None:
                return name, brat_value
        return None

    def brat_relation(self, relation: str) -> tuple[str, bool] | None:
        candidates = sorted(self.relations.items(), key=lambda kv: (kv[1].reverse, kv[0] != relation))
        return next(((t, m.reverse) for t, m in candidates if m.relation == relation), None)


_MAPPING_KEYS = {
    *("name", "description", "identity", "spans", "attributes", "relations", "events", "defaults", "ignore"),
    *("triggers", "labels"),
}


def load_mapping(name_or_path: str | Path, schema: Schema) -> BratMapping:
    """A bundled mapping by name (``reportedly``, ``attribution``, ``polnear``) or a YAML file; raises
    :class:`ReportedlyError` (RPT-BRAT-MAPPING) naming the key to fix."""
    text: str
    where = str(name_or_path)
    if isinstance(name_or_path, str) and name_or_path in bundled_mappings():
        resource = resources.files("reportedly.convert").joinpath(BUNDLED_DIR, f"{name_or_path}.yaml")
        text = resource.read_text(encoding="utf-8")
        where = f"reportedly/convert/mappings/{name_or_path}.yaml"
    else:
        path = Path(name_or_path)
        if not path.is_file():
            raise ReportedlyError(
                [
                    Issue(
                        "RPT-BRAT-MAPPING",
                        f"no such file, and not a bundled mapping ({', '.join(bundled_mappings())})",
                        where,
                    )
                ]
            )
        text = path.read_text(encoding="utf-8")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = exc.problem_mark.line + 1 if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark else None
        raise ReportedlyError([Issue("RPT-BRAT-MAPPING", f"invalid YAML: {exc}", where, line)]) from None
    return mapping_from_dict(raw, schema, where=where)


def mapping_from_dict(raw: Any, schema: Schema, *, where: str = "<mapping>") -> BratMapping:
    def fail(key: str, message: str) -> ReportedlyError:
        return ReportedlyError([Issue("RPT-BRAT-MAPPING", f"{key}: {message}", where)])

    def table(value: Any, key: str) -> Mapping[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
            raise fail(key, "must be a mapping with string keys")
        return value

    if not isinstance(raw, Mapping):
        raise fail("(top level)", "must be a mapping")
    unknown = set(raw) - _MAPPING_KEYS
    if unknown:
        raise fail("(top level)", f"unknown key(s) {sorted(unknown)}; allowed: {sorted(_MAPPING_KEYS)}")
    labels, relations = set(schema.label_names), set(schema.relation_names)
    attributes = {a.name: a for a in schema.attributes}

    spans: dict[str, str] = {}
    attr_maps: dict[str, AttributeMap] = {}
    rel_maps: dict[str, RelationMap] = {}
    if raw.get("identity", False) is True:
        spans.update({label: label for label in labels})
        attr_maps.update({name: AttributeMap(name) for name in attributes})
        rel_maps.update({name: RelationMap(name) for name in relations})
    elif raw.get("identity", False) is not False:
        raise fail("identity", "must be true or false")

    for brat_type, label in table(raw.get("spans"), "spans").items():
        if label not in labels:
            raise fail(f"spans.{brat_type}", f"unknown label {label!r}; known: {sorted(labels)}")
        spans[brat_type] = label

    for brat_name, value in table(raw.get("attributes"), "attributes").items():
        key = f"attributes.{brat_name}"
        if isinstance(value, str):
            value = {"attribute": value}
        entry = table(value, key)
        if set(entry) - {"attribute", "values"} or "attribute" not in entry:
            raise fail(key, "write the attribute name, or {attribute: NAME, values: {brat value: our value}}")
        ours = entry["attribute"]
        if ours not in attributes:
            raise fail(f"{key}.attribute", f"unknown attribute {ours!r}; known: {sorted(attributes)}")
        values = {str(k).lower() if isinstance(k, bool) else str(k): v for k, v in (entry.get("values") or {}).items()}
        for brat_value, our_value in values.items():
            if our_value not in attributes[ours].value_names:
                raise fail(
                    f"{key}.values.{brat_value}",
                    f"{our_value!r} is not a value of {ours} ({', '.join(attributes[ours].value_names)})",
                )
        attr_maps[brat_name] = AttributeMap(ours, values)

    for brat_type, value in table(raw.get("relations"), "relations").items():
        key = f"relations.{brat_type}"
        if isinstance(value, str):
            value = {"relation": value}
        entry = table(value, key)
        if set(entry) - {"relation", "reverse", "by_position"} or "relation" not in entry:
            raise fail(key, "write the relation name, or {relation: NAME, reverse: true} or {..., by_position: true}")
        if entry["relation"] not in relations:
            raise fail(f"{key}.relation", f"unknown relation {entry['relation']!r}; known: {sorted(relations)}")
        if entry.get("reverse") and entry.get("by_position"):
            raise fail(key, "reverse and by_position exclude each other")
        rel_maps[brat_type] = RelationMap(
            entry["relation"], bool(entry.get("reverse", False)), bool(entry.get("by_position", False))
        )

    events: dict[str, EventMap] = {}
    for brat_type, value in table(raw.get("events"), "events").items():
        key = f"events.{brat_type}"
        entry = table(value, key)
        if set(entry) - {"head", "roles", "trigger"} or not isinstance(entry.get("head"), str):
            raise fail(key, "write {head: ROLE, roles: {ROLE: relation}, trigger: relation or null}")
        roles = {role: rel for role, rel in table(entry.get("roles"), f"{key}.roles").items()}
        for role, rel in [*roles.items(), ("trigger", entry.get("trigger"))]:
            if rel is not None and rel not in relations:
                raise fail(f"{key}.roles.{role}", f"unknown relation {rel!r}; known: {sorted(relations)}")
        events[brat_type] = EventMap(entry["head"], roles, entry.get("trigger"))

    defaults: dict[str, dict[str, str]] = {}
    for label, values in table(raw.get("defaults"), "defaults").items():
        if label not in labels:
            raise fail(f"defaults.{label}", f"unknown label; known: {sorted(labels)}")
        for attr, value in table(values, f"defaults.{label}").items():
            if attr not in attributes or attributes[attr].label != label:
                raise fail(f"defaults.{label}.{attr}", f"{attr!r} is not an attribute of {label}")
            if value not in attributes[attr].value_names:
                raise fail(f"defaults.{label}.{attr}", f"{value!r} is not a value of {attr}")
            defaults.setdefault(label, {})[attr] = value

    ignore = raw.get("ignore") or []
    if not isinstance(ignore, list) or not all(isinstance(i, str) for i in ignore):
        raise fail("ignore", "must be a list of brat type, attribute or role names")
    triggers = raw.get("triggers", "span")
    if triggers not in ("span", "skip"):
        raise fail("triggers", "must be span (an event trigger's T line is a span) or skip (it never is)")
    corpus_labels = raw.get("labels") or []
    if not isinstance(corpus_labels, list) or not set(corpus_labels) <= set(spans.values()):
        raise fail("labels", f"must be a list of labels the mapping produces ({sorted(set(spans.values()))})")
    name = raw.get("name", Path(where).stem)
    return BratMapping(
        str(name),
        spans,
        attr_maps,
        rel_maps,
        events,
        defaults,
        frozenset(ignore),
        where,
        skip_triggers=triggers == "skip",
        labels=tuple(corpus_labels),
    )
