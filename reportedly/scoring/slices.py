"""Slices: the same tables restricted to part of the data.

- ``genre=<g>``: the documents of one genre (every track);
- ``source=in_sentence`` / ``source=cross_sentence``: ``attributed_to`` relations whose source
  lies in a sentence the claim spans, or elsewhere; a CLAIM or SOURCE span belongs to
  ``in_sentence`` when any of its attributions is in-sentence, else to ``cross_sentence`` when it
  has one (spans, attributes and relations tracks);
- ``quote=direct`` / ``quote=indirect``: CLAIM spans with that ``quote`` value, and relations
  with such a claim as an argument (spans, attributes and relations tracks).

A matched item belongs to the slice of its gold item; an unmatched prediction to the slice its
own spans and relations put it in (sentences always come from the gold text).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from reportedly.document import Document
from reportedly.schema import Schema
from reportedly.scoring._types import BoolArray
from reportedly.scoring.arrays import SpanColumns
from reportedly.scoring.relations import RelationColumns

QUOTES = ("direct", "indirect")
PLACES = ("in_sentence", "cross_sentence")


@dataclass(frozen=True)
class ItemMasks:
    """Membership of one slice for every span and relation of one side."""

    spans: BoolArray
    relations: BoolArray


@dataclass(frozen=True)
class ItemSlice:
    name: str
    gold: ItemMasks
    pred: ItemMasks


def genre_masks(gold: Sequence[Document]) -> dict[str, BoolArray]:
    genres = np.array([str(d.meta.get("genre", "unknown")) for d in gold])
    return {f"genre={g}": genres == g for g in sorted(set(genres.tolist()))}


def quote_masks(spans: SpanColumns, rels: RelationColumns, schema: Schema, value: str) -> ItemMasks:
    claim = schema.label_names.index("CLAIM") if "CLAIM" in schema.label_names else -1
    span_in = np.array([s.attrs.get("quote") == value for s in spans.spans], bool).reshape(-1)
    span_in &= spans.label == claim
    rel_in = np.zeros(len(rels), bool)
    for end in (rels.head, rels.tail):
        ok = end >= 0
        rel_in[ok] |= span_in[end[ok]]
    return ItemMasks(span_in, rel_in)


def sentence_starts(texts: Sequence[str]) -> list[list[int]]:
    from reportedly.sentences import sentences

    return [[start for start, _ in sentences(text)] for text in texts]


def place_masks(
    spans: SpanColumns, rels: RelationColumns, relation_names: Sequence[str], starts: Sequence[Sequence[int]]
) -> dict[str, ItemMasks]:
    """``in_sentence`` and ``cross_sentence`` masks of one side."""
    attributed = relation_names.index("attributed_to") if "attributed_to" in relation_names else -1
    rel_place = np.full(len(rels), -1, np.int64)  # 0 in sentence, 1 cross sentence
    for i in np.flatnonzero((rels.label == attributed) & (rels.head >= 0) & (rels.tail >= 0)).tolist():
        doc_starts = starts[int(rels.doc[i])]
        claim, source = spans.spans[int(rels.head[i])], spans.spans[int(rels.tail[i])]
        first = bisect_right(doc_starts, claim.start) - 1
        last = bisect_right(doc_starts, claim.end - 1) - 1
        where = bisect_right(doc_starts, source.start) - 1
        rel_place[i] = 0 if first <= where <= last else 1
    out: dict[str, ItemMasks] = {}
    for code, name in enumerate(PLACES):
        span_in = np.zeros(len(spans), bool)
        for end in (rels.head, rels.tail):
            chosen = (rel_place == code) & (end >= 0)
            span_in[end[chosen]] = True
        out[name] = ItemMasks(span_in, rel_place == code)
    # "any in-sentence attribution wins": a span in both is in_sentence only
    out["cross_sentence"] = ItemMasks(
        out["cross_sentence"].spans & ~out["in_sentence"].spans, out["cross_sentence"].relations
    )
    return out
