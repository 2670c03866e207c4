"""Documents to columns: every span of a document set as numpy arrays, in canonical order.

Each document gets its own stretch of one global coordinate line (``offset[d] + start``), with a
gap of one between documents, so spans of different documents can never overlap or touch and
the matcher needs no document test. Canonical order is by global start, end and label; exact
duplicates are ordered by their attributes and then their ids, so that the order never depends
on how the input listed them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain, repeat
from operator import attrgetter

import numpy as np

from reportedly.document import Document, Span
from reportedly.scoring._types import BoolArray, IntArray


@dataclass(frozen=True)
class SpanColumns:
    """The spans of one side (gold or predicted), aligned with a list of documents."""

    doc: IntArray  # index of the document in the document list
    start: IntArray  # global coordinates (document offset + local offset)
    end: IntArray
    label: IntArray  # index into the label list; unknown labels get len(labels)
    objects: list[Span]  # the Span objects in input order
    order: IntArray  # objects[order[i]] is the span in row i

    def __len__(self) -> int:
        return len(self.doc)

    @cached_property
    def spans(self) -> tuple[Span, ...]:
        """The Span objects in the canonical order of the columns."""
        return tuple(self.objects[i] for i in self.order.tolist())

    def index_of(self) -> list[dict[str, int]]:
        """Per document, span id -> index in these columns."""
        result: list[dict[str, int]] = [{} for _ in range(int(self.doc.max()) + 1 if len(self.doc) else 0)]
        for i, (d, span) in enumerate(zip(self.doc.tolist(), self.spans, strict=True)):
            result[d].setdefault(span.id, i)
        return result


def offsets(texts: Sequence[str]) -> IntArray:
    """The global coordinate at which each document starts."""
    lengths = np.fromiter((len(t) + 1 for t in texts), np.int64, count=len(texts))
    return np.concatenate([np.zeros(1, np.int64), np.cumsum(lengths)[:-1]]) if len(texts) else lengths


def span_columns(docs: Sequence[Document | None], doc_offsets: IntArray, label_index: Mapping[str, int]) -> SpanColumns:
    """Columns of every span of ``docs`` (``None`` stands for a document with no spans)."""
    present = [doc.spans if doc is not None else () for doc in docs]
    counts = np.fromiter(map(len, present), np.int64, count=len(docs))
    spans = list(chain.from_iterable(present))
    n = len(spans)
    doc_index = np.repeat(np.arange(len(docs), dtype=np.int64), counts)
    shift = doc_offsets[doc_index] if n else np.zeros(0, np.int64)
    # one C-level pass per column (map over attrgetter): a Python loop over the spans costs 3x
    start = np.fromiter(map(_START, spans), np.int64, count=n) + shift
    end = np.fromiter(map(_END, spans), np.int64, count=n) + shift
    codes = map(label_index.get, map(_LABEL, spans), repeat(len(label_index), n))  # unknown: len(labels)
    return _canonical(spans, doc_index, start, end, np.fromiter(codes, np.int64, count=n))


_START, _END, _LABEL = attrgetter("start"), attrgetter("end"), attrgetter("label")


def spans_of_one_text(spans: Sequence[Span], label_index: Mapping[str, int]) -> SpanColumns:
    """Columns of spans of one text, without the text (no mismatch check)."""
    unknown = len(label_index)
    return _canonical(
        list(spans),
        np.zeros(len(spans), np.int64),
        np.array([s.start for s in spans], np.int64).reshape(-1),
        np.array([s.end for s in spans], np.int64).reshape(-1),
        np.array([label_index.get(s.label, unknown) for s in spans], np.int64).reshape(-1),
    )


def _canonical(spans: list[Span], doc_index: IntArray, start: IntArray, end: IntArray, label: IntArray) -> SpanColumns:
    """Sort the columns into canonical order (start, end, label; duplicates by attributes, id)."""
    n = len(spans)
    in_order = n < 2 or bool(
        np.all(
            (start[1:] > start[:-1])
            | ((start[1:] == start[:-1]) & ((end[1:] > end[:-1]) | ((end[1:] == end[:-1]) & (label[1:] >= label[:-1]))))
        )
    )
    order = np.arange(n, dtype=np.int64) if in_order else np.lexsort((label, end, start)).astype(np.int64)
    if not in_order:
        start, end, label, doc_index = start[order], end[order], label[order], doc_index[order]
    if n > 1:
        same = (start[1:] == start[:-1]) & (end[1:] == end[:-1]) & (label[1:] == label[:-1])
        if same.any():
            _order_duplicates(spans, order, same)
    return SpanColumns(doc_index, start, end, label, spans, order)


def _order_duplicates(objects: list[Span], order: IntArray, same: BoolArray) -> None:
    """Order runs of identical (start, end, label) rows by attributes, then id (in place)."""
    for run in np.split(np.arange(len(order)), np.flatnonzero(~same) + 1):
        if len(run) > 1:
            block = sorted(order[run].tolist(), key=lambda i: (sorted(objects[i].attrs.items()), objects[i].id))
            order[run] = block
