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

import re
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from reportedly.document import Document, Relation, Span

_TRANSLATE = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u2032": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)
_SPACE = re.compile(r"\s+")

Mode = Literal["strict", "order"]
Place = tuple[int, int]

DEFAULT_FUZZY_THRESHOLD = 85.0
"""The default similarity (0-100) a fuzzy match needs; the CLI uses it for predictions."""

_COARSE_SLACK = 15.0  # coarse windows may score this much below the threshold and still be refined
_COARSE_LIMIT = 64  # refine at most this many coarse windows per quote
_ONE_EDIT_MIN = 3  # quotes this long also match a place one edit away, whatever the ratio
_TIE = 1e-6  # fuzzy candidates this close to the best score are equally good (repeated strings)
APPROXIMATE_STAGES = ("fuzzy", "projected")
_UNSURE_FLAGS = ("+partial", "+out-of-order", "+after-unsure")
_PROJECTION_FLOOR = 50.0  # least similarity of a quote placed through its context (short, misspelt quotes)


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


def _rounded(score: float | None) -> float | None:
    return None if score is None else round(score, 1)


@dataclass(frozen=True)
class Located:
    """Where a quote was found: ``place`` is None when ``reason`` says why not."""

    place: Place | None
    method: str
    reason: str = ""
    score: float | None = None  # the fuzzy similarity, for fuzzy matches


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

    def original_position(self, index: int) -> int:
        """The original offset of normalised position ``index`` (``len`` maps to the text's end)."""
        return self._starts[index] if index < len(self._starts) else self._length


def normalise(fragment: str) -> str:
    return _SPACE.sub(" ", fragment.translate(_TRANSLATE)).strip()


def _lower(text: str) -> str:
    """Lower case that keeps every character in place (``"İ".lower()`` would add one)."""
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


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


def _inside(place: Place, windows: Sequence[Place] | None) -> bool:
    return windows is None or any(w0 <= place[0] and place[1] <= w1 for w0, w1 in windows)


def word_bounded(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` neither starts nor ends inside a run of letters and digits."""
    inner_start = 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum()
    inner_end = 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
    return not (inner_start or inner_end)


def _position_maps(source: str, target: str) -> tuple[list[int], list[int]]:
    """For each position 0..len(source), where it falls in ``target`` (by Levenshtein opcodes):
    the first such place (for span starts) and the last (for span ends)."""
    first: list[int | None] = [None] * (len(source) + 1)
    last = [0] * (len(source) + 1)
    for op in Levenshtein.opcodes(source, target):
        i1, i2, j1, j2 = op.src_start, op.src_end, op.dest_start, op.dest_end
        for i in range(i1, i2 + 1):
            if op.tag == "insert":  # target text that the source lacks, at source position i1
                low, high = j1, j2
            elif op.tag == "delete":
                low = high = j1
            elif op.tag == "equal":
                low = high = j1 + (i - i1)
            else:  # replace
                low = high = j1 + round((i - i1) * (j2 - j1) / (i2 - i1))
            if first[i] is None:
                first[i] = low
            last[i] = high
    return [f if f is not None else 0 for f in first], last


class Aligner:
    """Finds quotes in one document text; remembers positions used, for ``order`` mode."""

    def __init__(self, text: str, mode: Mode = "strict", *, fuzzy_threshold: float | None = None) -> None:
        if fuzzy_threshold is not None and not 0 < fuzzy_threshold <= 100:
            raise ValueError(f"fuzzy_threshold must be in (0, 100], not {fuzzy_threshold}")
        self.text = text
        self.mode = mode
        self.fuzzy_threshold = fuzzy_threshold
        self.normalised = NormalisedText(text)
        self._last_end: dict[str, int] = {}  # normalised span text -> end of its last placement
        self._last_of_label: dict[str, Place] = {}
        self._folded: str | None = None
        self._starts: list[int] = []
        self._ends: list[int] = []

    # --- the stages ---------------------------------------------------------------------------

    def candidates(self, quote: str) -> tuple[list[Place], str]:
        """All places of ``quote``: exact matches if any, else normalised matches."""
        exact = [(s, s + len(quote)) for s in _occurrences(self.text, quote)]
        if exact:
            return exact, "exact"
        return self._normalised_places(quote), "normalised"

    def _normalised_places(self, quote: str) -> list[Place]:
        needle = normalise(quote)
        return [
            _trimmed(self.text, *self.normalised.original(s, s + len(needle)))
            for s in _occurrences(self.normalised.text, needle)
        ]

    def _boundaries(self) -> tuple[str, list[int], list[int]]:
        """The folded normalised text and where word-bounded stretches of it may start and end."""
        if self._folded is None:
            norm = self.normalised.text
            self._folded = _lower(norm)
            n = len(norm)
            inner = [0 < i < n and norm[i - 1].isalnum() and norm[i].isalnum() for i in range(n + 1)]
            self._starts = [i for i in range(n) if not inner[i] and not norm[i].isspace()]
            self._ends = [i for i in range(1, n + 1) if not inner[i] and not norm[i - 1].isspace()]
        return self._folded, self._starts, self._ends

    def _similarity(self, quote: str, place: Place) -> float:
        return float(fuzz.ratio(_lower(normalise(quote)), _lower(normalise(self.text[place[0] : place[1]]))))

    def fuzzy_places(self, quote: str, *, within: Sequence[Place] | None = None) -> list[tuple[Place, float]]:
        """Word-bounded places that match ``quote`` approximately, best first; places that overlap a
        better one are left out. A place matches when its similarity (``fuzz.ratio``, 0-100, on
        lower-cased normalised text) is at least the threshold, or when it is one edit away
        (a letter substituted, inserted, deleted, or swapped with its neighbour) from a quote of three
        or more characters, which the ratio would reject for short words (``"siad"`` is 75)."""
        if self.fuzzy_threshold is None:
            return []
        needle = _lower(normalise(quote))
        if not needle:
            return []
        threshold = self.fuzzy_threshold
        folded, starts, ends = self._boundaries()
        if within is not None:
            starts = [s for s in starts if _inside((self.normalised.original_position(s),) * 2, within)]
        length = len(needle)
        one_edit = length >= _ONE_EDIT_MIN
        cutoff = max(0.0, threshold - _COARSE_SLACK)
        if one_edit:
            cutoff = min(cutoff, 100 * (1 - 2 / (2 * length)) - 1)
        coarse = process.extract(
            needle,
            [folded[s : s + length] for s in starts],
            scorer=fuzz.ratio,
            limit=_COARSE_LIMIT,
            score_cutoff=cutoff,
        )
        reach = max(3, length // 8)
        scored: list[tuple[float, int, int, int]] = []  # (score, -length error, start, end)
        for _, _, index in coarse:
            start = starts[index]
            low, high = bisect_left(ends, start + max(1, length - reach)), bisect_right(ends, start + length + reach)
            for end in ends[low:high]:
                if not _inside(self.normalised.original(start, end), within):
                    continue
                candidate = folded[start:end]
                score = fuzz.ratio(needle, candidate)
                if score >= threshold or (one_edit and OSA.distance(needle, candidate, score_cutoff=1) <= 1):
                    scored.append((score, -abs(end - start - length), start, end))
        scored.sort(key=lambda item: (-item[0], -item[1], item[2]))
        kept: list[tuple[Place, float]] = []
        taken: list[tuple[int, int]] = []
        for score, _, start, end in scored:
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            kept.append((_trimmed(self.text, *self.normalised.original(start, end)), score))
        return kept

    def projected_places(self, quote: str, context: str, windows: Sequence[Place]) -> list[tuple[Place, float]]:
        """Where ``quote`` falls in each context window, by aligning the context string with the
        window's text character by character and widening the result to whole words. Used when the
        quote itself is too short or too altered to match on its own (``"siad"`` in its context)."""
        needle, ctx = _lower(normalise(quote)), _lower(normalise(context))
        hits = _occurrences(ctx, needle)
        if len(hits) > 1:
            hits = [h for h in hits if word_bounded(ctx, h, h + len(needle))]
        if len(hits) != 1:
            return []
        found: list[tuple[Place, float]] = []
        for w0, w1 in windows:
            window = NormalisedText(self.text[w0:w1])
            starts, ends = _position_maps(ctx, _lower(window.text))
            a, b = starts[hits[0]], ends[hits[0] + len(needle)]
            if a >= b:
                continue
            start, end = (w0 + x for x in window.original(a, b))
            while 0 < start < len(self.text) and self.text[start - 1].isalnum() and self.text[start].isalnum():
                start -= 1
            while 0 < end < len(self.text) and self.text[end - 1].isalnum() and self.text[end].isalnum():
                end += 1
            place = _trimmed(self.text, start, end)
            score = self._similarity(quote, place) if place[0] < place[1] else 0.0
            if score >= _PROJECTION_FLOOR:
                found.append((place, score))
        return sorted(found, key=lambda item: -item[1])

    def _find(
        self, quote: str, within: Sequence[Place] | None, context: str | None = None
    ) -> tuple[list[Place], str, float | None]:
        """Places of ``quote`` inside ``within`` (anywhere when None) by the first stage that finds
        any. With fuzzy matching on, matches that cut a word in two are dropped when whole-word
        matches exist, and a stage with only such matches (a truncated or misspelt quote) gives way
        to a later stage that finds whole words; if none does, they are kept, marked ``+partial``."""
        weak: tuple[list[Place], str] | None = None
        exact = [(s, s + len(quote)) for s in _occurrences(self.text, quote)]
        for places, method in ((exact, "exact"), (None, "normalised")):
            if places is None:
                places = self._normalised_places(quote)
            places = [p for p in places if _inside(p, within)]
            if not places or self.fuzzy_threshold is None:
                if places:
                    return places, method, None
                continue
            bounded = [p for p in places if word_bounded(self.text, *p)]
            if bounded:
                return bounded, method, None
            weak = weak or (places, f"{method}+partial")
        approximate: list[tuple[list[tuple[Place, float]], str]] = []
        if self.fuzzy_threshold is not None and context and within:
            approximate.append((self.projected_places(quote, context, within), "projected"))
        approximate.append((self.fuzzy_places(quote, within=within), "fuzzy"))
        for found, method in approximate:
            if found:
                best = max(score for _, score in found)
                return sorted(place for place, score in found if score >= best - _TIE), method, best
        if weak is not None:
            return weak[0], weak[1], None
        return [], "fuzzy" if self.fuzzy_threshold is not None else "normalised", None

    # --- one quote ------------------------------------------------------------------------------

    def locate(
        self, quote: str, *, context: str | None = None, occurrence: int | None = None
    ) -> tuple[tuple[int, int] | None, str, str]:
        """Returns ``(offsets or None, method, reason)``; reason is empty on success."""
        found = self.find(quote, context=context, occurrence=occurrence)
        return found.place, found.method, found.reason

    def find(
        self, quote: str, *, context: str | None = None, occurrence: int | None = None, label: str = ""
    ) -> Located:
        """Like :meth:`locate`, with the similarity of approximate matches; ``label`` lets ``order``
        mode keep the spans of each label in document order."""
        quote = quote.strip()
        if not quote:
            return Located(None, "", "bad_item")
        windows: list[Place] | None = None
        suffix = ""
        if context and context.strip():
            windows, _, _ = self._find(context.strip(), None)
            if not windows:
                return Located(None, "", "context_not_found")
            suffix = "+context"
        places, method, score = self._find(quote, windows, context)
        method += suffix
        if not places:
            return Located(None, method, "not_found")
        if occurrence is not None:
            if not 1 <= occurrence <= len(places):
                return Located(None, method, "occurrence_out_of_range")
            return self._placed(places[occurrence - 1], f"{method}+occurrence", score, label)
        if len(places) == 1:
            return self._placed(places[0], method, score, label)
        if self.mode == "order":
            place, in_order = self._in_order(places, label)
            return self._placed(place, f"{method}+order" + ("" if in_order else "+out-of-order"), score, label)
        return Located(None, method, "ambiguous")

    def _key(self, place: Place) -> str:
        return normalise(self.text[place[0] : place[1]])

    def _in_order(self, places: Sequence[Place], label: str) -> tuple[Place, bool]:
        """The first place after the last span with the same text that also keeps the label's
        spans in document order (True); failing that, the first after the same text, else the
        last place (False: the order assumption broke, so the choice is a guess)."""

        def after_same_text(p: Place) -> bool:
            return p[0] >= self._last_end.get(self._key(p), -1)

        def after_label(p: Place) -> bool:
            last = self._last_of_label.get(label)
            return last is None or p[0] > last[0] or (p[0] == last[0] and p[1] < last[1])

        in_order = next((p for p in places if after_same_text(p) and after_label(p)), None)
        if in_order is not None:
            return in_order, True
        return next((p for p in places if after_same_text(p)), places[-1]), False

    def _placed(self, place: Place, method: str, score: float | None, label: str) -> Located:
        self._last_end[self._key(place)] = place[1]
        if label:
            self._last_of_label[label] = place
        return Located(place, method, "", score)


REASONS = {
    "bad_item": "the item has no usable label or text",
    "not_found": "the quoted text does not occur in the document (checked exact, normalised and, if on, fuzzy)",
    "context_not_found": "the context string does not occur in the document",
    "ambiguous": "the quote occurs several times; add a longer 'context' or an 'occurrence' number",
    "occurrence_out_of_range": "'occurrence' is larger than the number of matches",
    "unknown_label": "the label is not defined in the schema",
    "unknown_span": "the relation names a span id that was not aligned",
    "duplicate_id": "the span id is used twice",
}
_REASONS = REASONS  # the name used before; kept for callers


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
