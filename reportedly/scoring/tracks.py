"""The tracks, as a registry: each names what it needs aligned and the tables it adds.

``evaluate`` aligns a system once (spans; relations and attribute codes when a chosen track
needs them) and then loops over the chosen tracks; a slice is the same loop over item masks.
An unknown track name is refused with the closest known names.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportedly.incidents import Incident, ReportedlyError
from reportedly.schema import Schema
from reportedly.scoring.arrays import SpanColumns
from reportedly.scoring.attributes import AttributeCodes, attribute_columns, attribute_metrics
from reportedly.scoring.matching import Pairs, SpanMatch
from reportedly.scoring.metrics import Group
from reportedly.scoring.relations import RelationColumns, relation_columns_counts, relation_metrics
from reportedly.scoring.slices import ItemMasks
from reportedly.scoring.spans import span_columns_of, span_counts, span_metrics


@dataclass(frozen=True)
class Aligned:
    """One system aligned with the gold: what every track's tables are computed from."""

    schema: Schema
    n_docs: int
    match: SpanMatch
    codes: AttributeCodes | None  # when a track needs attributes
    gold_relations: RelationColumns | None  # when a track needs relations
    pred_relations: RelationColumns | None
    relation_pairs: dict[str, Pairs] | None

    @property
    def pred_spans(self) -> SpanColumns:
        return self.match.pred


Tables = Callable[[Aligned, Group, ItemMasks | None, ItemMasks | None], None]


def _spans(a: Aligned, group: Group, gold_in: ItemMasks | None, pred_in: ItemMasks | None) -> None:
    labels = a.schema.label_names
    counts = span_counts(
        a.match,
        n_docs=a.n_docs,
        n_labels=len(labels),
        gold_in=gold_in.spans if gold_in is not None else None,
        pred_in=pred_in.spans if pred_in is not None else None,
    )
    group.add(span_columns_of(counts, labels), span_metrics(labels))


def _attributes(a: Aligned, group: Group, gold_in: ItemMasks | None, pred_in: ItemMasks | None) -> None:
    if a.codes is None:
        return
    columns = attribute_columns(
        a.match,
        a.codes,
        a.schema,
        n_docs=a.n_docs,
        gold_in=gold_in.spans if gold_in is not None else None,
        pred_in=pred_in.spans if pred_in is not None else None,
    )
    group.add(columns, attribute_metrics(a.schema))


def _relations(a: Aligned, group: Group, gold_in: ItemMasks | None, pred_in: ItemMasks | None) -> None:
    if a.relation_pairs is None or a.gold_relations is None or a.pred_relations is None:
        return
    names = a.schema.relation_names
    columns = relation_columns_counts(
        a.relation_pairs,
        a.gold_relations,
        a.pred_relations,
        names,
        n_docs=a.n_docs,
        gold_in=gold_in.relations if gold_in is not None else None,
        pred_in=pred_in.relations if pred_in is not None else None,
    )
    group.add(columns, relation_metrics(names))


@dataclass(frozen=True)
class Track:
    name: str
    description: str
    needs_relations: bool = False
    needs_attributes: bool = False
    tables: Tables | None = None  # per table set (whole and slices); None: computed elsewhere


REGISTRY: dict[str, Track] = {
    track.name: track
    for track in (
        Track("spans", "SemEval-2013 span schemes per label, micro and macro", tables=_spans),
        Track(
            "attributes",
            "attribute accuracy and macro-F1 over matched spans",
            needs_attributes=True,
            tables=_attributes,
        ),
        Track("relations", "relation F1, strict, boundary and lenient", needs_relations=True, tables=_relations),
        Track("profile", "per-document profile errors and rank correlations", needs_relations=True),
        Track("slices", "every table again per genre, quote kind and source place", True, True),
    )
}
TRACKS = tuple(REGISTRY)


def resolve(names: Sequence[str]) -> tuple[Track, ...]:
    """The tracks named, in registry order; an unknown name raises with the closest known ones.

    >>> [t.name for t in resolve(["relations", "spans"])]
    ['spans', 'relations']
    >>> try:
    ...     resolve(["spanz"])
    ... except ReportedlyError as error:
    ...     print(error.incidents[0].message)
    unknown track 'spanz' (did you mean 'spans'?); known: spans, attributes, relations, profile, slices
    """
    problems = []
    for name in names:
        if name not in REGISTRY:
            close = difflib.get_close_matches(name, TRACKS, n=2)
            hint = f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
            problems.append(
                Incident("RPT-EVAL-TRACK-UNKNOWN", f"unknown track {name!r}{hint}; known: {', '.join(TRACKS)}")
            )
    if problems:
        raise ReportedlyError(problems)
    return tuple(track for track in REGISTRY.values() if track.name in names)
