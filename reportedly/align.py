"""Align quoted strings to code-point offsets.

Annotators and text-generating models name spans by quoting them; this module finds where each
quote lies in the document text. Matching tries, in order: the exact string, then a normalised
form (whitespace runs, curly/straight quotes and dash variants made equal). A ``context`` string
(a longer exact snippet around the quote) or a 1-based ``occurrence`` resolves repeated strings;
otherwise ``strict`` mode reports the quote as ambiguous and ``order`` mode takes the first
occurrence after the previous span with the same text. Every item that cannot be placed comes back
as a :class:`Problem` with its reason; nothing is dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from reportedly.document import Document, Relation, Span

_TRANSLATE = str.maketrans(
    {
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
        "\u00a0": " ",
    }
)
_SPACE = re.compile(r"\s+")

Mode = Literal["strict", "order"]


@dataclass(frozen=True)
class Problem:
    doc_id: str
    item: str  # the span id or the relation as written
    reason: str  # short stable keyword: not_found, ambiguous, bad_item, unknown_span
    message: str


@dataclass
class Alignment:
    document: Document
    problems: list[Problem] = field(default_factory=list)
    methods: dict[str, str] = field(default_factory=dict)  # span id -> exact | normalised | ...


class NormalisedText:
    """A normalised copy of a text with a map back to original code-point offsets."""

    def __init__(self, text: str) -> None:
        chars: list[str] = []
        starts: list[int] = []
        previous_space = False
        for index, ch in enumerate(text.translate(_TRANSLATE)):
            if ch.isspace():
                if previous_space:
                    continue
                ch, previous_space = " ", True
            else:
                previous_space = False
            chars.append(ch)
            starts.append(index)
        self.text = "".join(chars)
        self._starts = starts
        self._length = len(text)

    def original(self, start: int, end: int) -> tuple[int, int]:
        begin = self._starts[start]
        finish = self._starts[end] if end < len(self._starts) else self._length
        # the last normalised character may stand for a run of whitespace; the quote never ends in one
        return begin, finish


def normalise(fragment: str) -> str:
    return _SPACE.sub(" ", fragment.translate(_TRANSLATE)).strip()


def _occurrences(haystack: str, needle: str) -> list[int]:
    found, start = [], haystack.find(needle)
    while start != -1 and needle:
        found.append(start)
        start = haystack.find(needle, start + 1)
    return found


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class Aligner:
    """Finds quotes in one document text; remembers positions used, for ``order`` mode."""

    def __init__(self, text: str, mode: Mode = "strict") -> None:
        self.text = text
        self.mode = mode
        self.normalised = NormalisedText(text)
        self._last_end: dict[str, int] = {}

    def candidates(self, quote: str) -> tuple[list[tuple[int, int]], str]:
        """All places of ``quote``: exact matches if any, else normalised matches."""
        exact = [(s, s + len(quote)) for s in _occurrences(self.text, quote)]
        if exact:
            return exact, "exact"
        needle = normalise(quote)
        places = []
        for s in _occurrences(self.normalised.text, needle):
            places.append(_trimmed(self.text, *self.normalised.original(s, s + len(needle))))
        return places, "normalised"

    def locate(self, quote: str, *, context: str | None = None, occurrence: int | None = None
               ) -> tuple[tuple[int, int] | None, str, str]:
        """Returns ``(offsets or None, method, reason)``; reason is empty on success."""
        if not quote.strip():
            return None, "", "bad_item"
        places, method = self.candidates(quote)
        if context:
            windows, _ = self.candidates(context)
            inside = [p for p in places if any(w0 <= p[0] and p[1] <= w1 for w0, w1 in windows)]
            if not windows:
                return None, method, "context_not_found"
            places, method = inside, f"{method}+context"
        if not places:
            return None, method, "not_found"
        if occurrence is not None:
            if not 1 <= occurrence <= len(places):
                return None, method, "occurrence_out_of_range"
            return places[occurrence - 1], f"{method}+occurrence", ""
        if len(places) == 1:
            return places[0], method, ""
        if self.mode == "order":
            key = normalise(quote)
            after = self._last_end.get(key, -1)
            chosen = next((p for p in places if p[0] >= after), places[-1])
            self._last_end[key] = chosen[1]
            return chosen, f"{method}+order", ""
        return None, method, "ambiguous"


_REASONS = {
    "bad_item": "the item has no usable label or text",
    "not_found": "the quoted text does not occur in the document (checked exact and normalised)",
    "context_not_found": "the context string does not occur in the document",
    "ambiguous": "the quote occurs several times; add a longer 'context' or an 'occurrence' number",
    "occurrence_out_of_range": "'occurrence' is larger than the number of matches",
    "unknown_span": "the relation names a span id that was not aligned",
    "duplicate_id": "the span id is used twice",
}


def align_document(
    record: Mapping[str, Any],
    text: str,
    *,
    meta: Mapping[str, Any] | None = None,
    provenance: Mapping[str, Any] | None = None,
    mode: Mode = "strict",
) -> Alignment:
    """Turn a quote record ``{id, spans: [{id?, label, text, context?, occurrence?, attrs?}], relations}``
    into a Document on ``text``."""
    doc_id = str(record.get("id", "?"))
    aligner = Aligner(text, mode)
    spans: list[Span] = []
    problems: list[Problem] = []
    methods: dict[str, str] = {}
    raw_spans = record.get("spans") or []
    for index, item in enumerate(raw_spans if isinstance(raw_spans, Sequence) else []):
        if not isinstance(item, Mapping):
            problems.append(Problem(doc_id, f"spans[{index}]", "bad_item", _REASONS["bad_item"]))
            continue
        span_id = str(item.get("id") or f"T{index + 1}")
        label, quote = item.get("label"), item.get("text")
        if not isinstance(label, str) or not isinstance(quote, str):
            problems.append(Problem(doc_id, span_id, "bad_item", _REASONS["bad_item"]))
            continue
        if span_id in methods:
            problems.append(Problem(doc_id, span_id, "duplicate_id", _REASONS["duplicate_id"]))
            continue
        occurrence = item.get("occurrence")
        context = item.get("context")
        offsets, method, reason = aligner.locate(
            quote,
            context=context if isinstance(context, str) else None,
            occurrence=occurrence if isinstance(occurrence, int) else None,
        )
        if offsets is None:
            problems.append(Problem(doc_id, span_id, reason, f"{label} {quote!r}: {_REASONS[reason]}"))
            continue
        attrs = item.get("attrs") or {}
        start, end = offsets
        spans.append(Span(span_id, label, start, end, text[start:end],
                          {str(k): str(v) for k, v in attrs.items()} if isinstance(attrs, Mapping) else {}))
        methods[span_id] = method
    relations = []
    raw_relations = record.get("relations") or []
    for index, item in enumerate(raw_relations if isinstance(raw_relations, Sequence) else []):
        if not isinstance(item, Mapping) or not all(isinstance(item.get(k), str) for k in ("label", "head", "tail")):
            problems.append(Problem(doc_id, f"relations[{index}]", "bad_item", _REASONS["bad_item"]))
            continue
        rel = Relation(item["label"], item["head"], item["tail"])
        missing = [arg for arg in (rel.head, rel.tail) if arg not in methods]
        if missing:
            problems.append(Problem(doc_id, f"{rel.label} {rel.head}->{rel.tail}", "unknown_span",
                                    f"{_REASONS['unknown_span']}: {', '.join(missing)}"))
            continue
        relations.append(rel)
    document = Document(doc_id, text, dict(meta or {}), tuple(spans), tuple(relations), dict(provenance or {}))
    return Alignment(document, problems, methods)
