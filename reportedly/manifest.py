"""The corpus manifest, ``corpus.yaml``: which of our labels, relations and attributes a gold
corpus annotates, so that a corpus with only some of them (PolNeAR: SOURCE, CUE, CLAIM; the
uncertainty corpora: HEDGE) is scored on those alone. The format (docs/corpora.md, "The corpus
manifest")::

    manifest: 1                        # the format version
    name: polnear                      # optional: a name for reports
    description: ...                   # optional
    labels: [SOURCE, CUE, CLAIM]       # required: labels of schema/schema.yaml
    relations: [attributed_to, ...]    # optional; default: every relation among the labels
    attributes: []                     # optional; default: every attribute of the labels

A folder without ``corpus.yaml`` annotates everything in the schema. Every problem is an
``RPT-MANIFEST`` incident naming the file and the key.

>>> from reportedly.schema import load_schema
>>> scope = manifest_from_dict({"manifest": 1, "labels": ["HEDGE", "CLAIM"]}, load_schema())
>>> scope.labels, scope.relations, scope.attributes
(('CLAIM', 'HEDGE'), ('hedges',), ('quote', 'hedge_type', 'holder'))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from reportedly.incidents import Incident, ReportedlyError
from reportedly.schema import Schema

MANIFEST = "corpus.yaml"
FORMAT = 1
_KEYS = {"manifest", "name", "description", "labels", "relations", "attributes"}


@dataclass(frozen=True)
class Manifest:
    """What a gold corpus annotates; names in the schema's order."""

    labels: tuple[str, ...]
    relations: tuple[str, ...]
    attributes: tuple[str, ...]
    name: str = ""
    description: str = ""

    def covers(self, schema: Schema) -> bool:
        """True when the corpus annotates everything the schema has."""
        return (
            set(self.labels) == set(schema.label_names)
            and set(self.relations) == set(schema.relation_names)
            and set(self.attributes) == {a.name for a in schema.attributes}
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"manifest": FORMAT}
        out.update({k: v for k, v in (("name", self.name), ("description", self.description)) if v})
        out.update(labels=list(self.labels), relations=list(self.relations), attributes=list(self.attributes))
        return out


def manifest_text(manifest: Manifest) -> str:
    """``corpus.yaml`` for a converter's output folder."""
    head = "# reportedly corpus manifest: what this gold annotates (docs/corpora.md, 'The corpus manifest')\n"
    return head + yaml.safe_dump(manifest.to_dict(), sort_keys=False, allow_unicode=True, width=100)


def scope_of(
    schema: Schema,
    labels: Sequence[str],
    relations: Sequence[str] | None = None,
    attributes: Sequence[str] | None = None,
    *,
    where: str = "--labels",
    name: str = "",
    description: str = "",
) -> Manifest:
    """The labels given, with the relations among them and their attributes (or those given);
    raises RPT-MANIFEST naming ``where`` when a name is not the schema's or does not fit."""

    def fail(key: str, message: str) -> ReportedlyError:
        return ReportedlyError([Incident("RPT-MANIFEST", f"{key}: {message}", where)])

    known = schema.label_names
    unknown = [label for label in labels if label not in known]
    if unknown or not labels:
        raise fail("labels", f"unknown or no label(s) {unknown}; known: {', '.join(known)}")
    chosen = tuple(label for label in known if label in labels)
    among = tuple(r.name for r in schema.relations if r.head in chosen and r.tail in chosen)
    if relations is not None:
        outside = [r for r in relations if r not in among]
        if outside:
            raise fail("relations", f"{outside} are not relations among {list(chosen)} (those are: {list(among)})")
        among = tuple(r for r in among if r in relations)
    own = tuple(a.name for a in schema.attributes if a.label in chosen)
    if attributes is not None:
        outside = [a for a in attributes if a not in own]
        if outside:
            raise fail("attributes", f"{outside} are not attributes of {list(chosen)} (those are: {list(own)})")
        own = tuple(a for a in own if a in attributes)
    return Manifest(chosen, among, own, name, description)


def manifest_from_dict(raw: Any, schema: Schema, *, where: str = MANIFEST) -> Manifest:
    def fail(key: str, message: str) -> ReportedlyError:
        return ReportedlyError([Incident("RPT-MANIFEST", f"{key}: {message}", where)])

    if not isinstance(raw, dict):
        raise fail("(top level)", "must be a mapping with the keys manifest and labels")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise fail("(top level)", f"unknown key(s) {unknown}; allowed: {sorted(_KEYS)}")
    if raw.get("manifest") != FORMAT:
        raise fail("manifest", f"must be {FORMAT} (the format version), not {raw.get('manifest')!r}")
    lists: dict[str, list[str] | None] = {}
    for key in ("labels", "relations", "attributes"):
        value = raw.get(key)
        if (value is None and key != "labels") or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            lists[key] = value
        else:
            raise fail(key, "must be a list of names" + (" (required)" if key == "labels" else ""))
    for key in ("name", "description"):
        if not isinstance(raw.get(key, ""), str):
            raise fail(key, "must be a string")
    return scope_of(
        schema,
        lists["labels"] or [],
        lists["relations"],
        lists["attributes"],
        where=where,
        name=raw.get("name", ""),
        description=raw.get("description", ""),
    )


def read_manifest(folder: Path, schema: Schema) -> Manifest | None:
    """``folder/corpus.yaml`` checked against the schema, or None when the folder has none."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return None
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ReportedlyError([Incident("RPT-MANIFEST", f"not valid YAML: {exc}", str(path))]) from None
    return manifest_from_dict(raw, schema, where=str(path))
