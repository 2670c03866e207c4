"""Align quoted strings to code-point offsets.

Annotators and text-generating models name spans by quoting them; this module finds where each
quote (stripped of outer whitespace) lies in the document text. Matching tries, in order:

1. ``exact``: the string itself;
2. ``normalised``: whitespace runs, curly/straight quotes, dash variants and no-break spaces made equal;

and, only when a ``fuzzy_threshold`` is given (predictions; never for annotators' strict layers):

3. ``projected``: with a ``context``, the quote's position inside the context string, carried over
   character by character to where the context matched and widened to whole words (this finds
   short misspelt quotes, ``"siad"``, that no similarity measure can place on their own);
4. ``fuzzy``: the word-bounded stretches of text whose similarity (``rapidfuzz.fuzz.ratio`` of
   lower-cased normalised strings, 0-100) is highest and at least the threshold, or which are one
   edit away from a quote of three or more characters.

With fuzzy matching on, matches that cut a word in two count only when nothing better exists
(method ``+partial``). A ``context`` (a longer snippet around the quote, found by the same stages)
or a 1-based ``occurrence`` resolves repeated strings; otherwise ``strict`` mode reports the quote
as ambiguous and ``order`` mode takes the first occurrence after the previous span with the same
text that also keeps each label's spans in document order. Every item that cannot be placed comes
back as a :class:`Problem` with its reason, and every placement that is a guess (stages 3-4,
``+partial``, ``+out-of-order``, or ``+after-unsure``: an earlier item of its label was not placed
or was a guess) is listed by :meth:`Alignment.approximate`; nothing is dropped or guessed silently.

>>> aligner = Aligner("The officials said the “deal” is close.", fuzzy_threshold=85)
>>> aligner.locate('the "deal"')
((19, 29), 'normalised', '')
>>> aligner.locate("the oficials said")
((0, 18), 'fuzzy', '')
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportedly.document import Document, Relation, Span
from reportedly.quotes.aligner import REASONS, Aligner
from reportedly.quotes.text import (
    _UNSURE_FLAGS,
    APPROXIMATE_STAGES,
    DEFAULT_FUZZY_THRESHOLD,
    Mode,
    NormalisedText,
    _rounded,
    normalise,
    word_bounded,
)

__all__ = [
    "APPROXIMATE_STAGES",
    "DEFAULT_FUZZY_THRESHOLD",
    "REASONS",
    "Aligner",
    "Alignment",
    "Mode",
    "NormalisedText",
    "Problem",
    "align_document",
    "normalise",
    "word_bounded",
]


@dataclass(frozen=True)
class Problem:
    doc_id: str
    item: str  # the span id or the relation as written
    reason: str  # short stable keyword, see REASONS
    message: str
    label: str = ""
    quote: str = ""
    kind: str = "span"  # span | relation


@dataclass
class Alignment:
    document: Document
    problems: list[Problem] = field(default_factory=list)
    methods: dict[str, str] = field(default_factory=dict)  # span id -> exact | normalised | fuzzy (+context ...)
    scores: dict[str, float] = field(default_factory=dict)  # span id -> similarity, for approximate matches
    quotes: dict[str, str] = field(default_factory=dict)  # span id -> the quote as given

    def approximate(self) -> list[str]:
        """Ids of spans placed by an approximate match (fuzzy, projected through the context, or
        cutting a word in two): right most of the time, but worth a look."""
        return [
            span_id
            for span_id, method in self.methods.items()
            if method.split("+", 1)[0] in APPROXIMATE_STAGES or any(f in method for f in _UNSURE_FLAGS)
        ]

    def summary(self) -> dict[str, Any]:
        """The record written to a prediction's ``provenance["alignment"]`` (see eval/README.md, "LLM extractors")."""
        stages: dict[str, int] = {}
        for method in self.methods.values():
            stage = method.split("+", 1)[0]
            stages[stage] = stages.get(stage, 0) + 1
        spans = self.document.spans_by_id()
        return {
            "items": len(self.document.spans) + sum(1 for p in self.problems if p.kind == "span"),
            "aligned": len(self.document.spans),
            "unaligned": [
                {"item": p.item, "label": p.label, "text": p.quote, "reason": p.reason, "message": p.message}
                for p in self.problems
            ],
            "methods": dict(sorted(stages.items())),
            "approximate": [
                {
                    "item": span_id,
                    "method": self.methods[span_id],
                    "score": _rounded(self.scores.get(span_id)),
                    "quote": self.quotes.get(span_id, ""),
                    "text": spans[span_id].text,
                }
                for span_id in self.approximate()
            ],
        }


def align_document(
    record: Mapping[str, Any],
    text: str,
    *,
    meta: Mapping[str, Any] | None = None,
    provenance: Mapping[str, Any] | None = None,
    mode: Mode = "strict",
    fuzzy_threshold: float | None = None,
    labels: Collection[str] | None = None,
) -> Alignment:
    """Turn a quote record ``{id, spans: [{id?, label, text, context?, occurrence?, attrs?}], relations}``
    into a Document on ``text``. ``labels``, when given, turns items of any other label into
    ``unknown_label`` problems."""
    doc_id = str(record.get("id", "?"))
    aligner = Aligner(text, mode, fuzzy_threshold=fuzzy_threshold)
    spans: list[Span] = []
    problems: list[Problem] = []
    methods: dict[str, str] = {}
    scores: dict[str, float] = {}
    quotes: dict[str, str] = {}
    unplaced_labels: set[str] = set()
    raw_spans = record.get("spans") or []
    for index, item in enumerate(raw_spans if isinstance(raw_spans, Sequence) else []):
        if not isinstance(item, Mapping):
            problems.append(Problem(doc_id, f"spans[{index}]", "bad_item", REASONS["bad_item"]))
            continue
        span_id = str(item.get("id") or f"T{index + 1}")
        label, quote = item.get("label"), item.get("text")
        if not isinstance(label, str) or not isinstance(quote, str):
            problems.append(
                Problem(doc_id, span_id, "bad_item", REASONS["bad_item"], str(label or ""), str(quote or ""))
            )
            continue
        if span_id in methods:
            problems.append(Problem(doc_id, span_id, "duplicate_id", REASONS["duplicate_id"], label, quote))
            continue
        if labels is not None and label not in labels:
            problems.append(
                Problem(
                    doc_id,
                    span_id,
                    "unknown_label",
                    f"{label} {quote!r}: {REASONS['unknown_label']} ({', '.join(labels)})",
                    label,
                    quote,
                )
            )
            continue
        occurrence = item.get("occurrence")
        context = item.get("context")
        found = aligner.find(
            quote,
            context=context if isinstance(context, str) else None,
            occurrence=occurrence if isinstance(occurrence, int) else None,
            label=label,
        )
        if found.place is None:
            problems.append(
                Problem(doc_id, span_id, found.reason, f"{label} {quote!r}: {REASONS[found.reason]}", label, quote)
            )
            unplaced_labels.add(label)
            continue
        attrs = item.get("attrs") or {}
        start, end = found.place
        spans.append(
            Span(
                span_id,
                label,
                start,
                end,
                text[start:end],
                {str(k): str(v) for k, v in attrs.items()} if isinstance(attrs, Mapping) else {},
            )
        )
        # in order mode, an earlier item of the label that found no place, or an unsure one, may
        # have left its place to this one
        unsure = found.method.split("+", 1)[0] in APPROXIMATE_STAGES or any(f in found.method for f in _UNSURE_FLAGS)
        methods[span_id] = found.method + (
            "+after-unsure" if "+order" in found.method and label in unplaced_labels else ""
        )
        if unsure:
            unplaced_labels.add(label)
        quotes[span_id] = quote
        if found.score is not None:
            scores[span_id] = found.score
    relations = []
    raw_relations = record.get("relations") or []
    for index, item in enumerate(raw_relations if isinstance(raw_relations, Sequence) else []):
        if not isinstance(item, Mapping) or not all(isinstance(item.get(k), str) for k in ("label", "head", "tail")):
            problems.append(Problem(doc_id, f"relations[{index}]", "bad_item", REASONS["bad_item"], kind="relation"))
            continue
        rel = Relation(item["label"], item["head"], item["tail"])
        missing = [arg for arg in (rel.head, rel.tail) if arg not in methods]
        if missing:
            problems.append(
                Problem(
                    doc_id,
                    f"{rel.label} {rel.head}->{rel.tail}",
                    "unknown_span",
                    f"{REASONS['unknown_span']}: {', '.join(missing)}",
                    rel.label,
                    kind="relation",
                )
            )
            continue
        relations.append(rel)
    document = Document(doc_id, text, dict(meta or {}), tuple(spans), tuple(relations), dict(provenance or {}))
    return Alignment(document, problems, methods, scores, quotes)
