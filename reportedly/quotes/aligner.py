"""The Aligner: where a quote lies in one text, by the stages listed in :mod:`reportedly.quotes`."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from reportedly.quotes.text import (
    _COARSE_LIMIT,
    _COARSE_SLACK,
    _ONE_EDIT_MIN,
    _PROJECTION_FLOOR,
    _TIE,
    Located,
    Mode,
    NormalisedText,
    Place,
    _inside,
    _lower,
    _occurrences,
    _position_maps,
    _trimmed,
    normalise,
    word_bounded,
)


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
        any. Matches that cut a word in two are dropped when whole-word matches exist, and a stage
        with only such matches (a truncated or misspelt quote) gives way to a later stage that
        finds whole words; if none does, they are kept, marked ``+partial`` (refused by
        :meth:`find` unless fuzzy matching is on)."""
        weak: tuple[list[Place], str] | None = None
        exact = [(s, s + len(quote)) for s in _occurrences(self.text, quote)]
        for places, method in ((exact, "exact"), (None, "normalised")):
            if places is None:
                places = self._normalised_places(quote)
            places = [p for p in places if _inside(p, within)]
            if not places:
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
        if "+partial" in method and self.fuzzy_threshold is None:  # only fuzzy matching may cut a word
            return Located(None, method, "cuts_word")
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
    "cuts_word": "the quote starts or ends inside a word (e.g. 'he' in 'weather'); quote whole words",
    "ambiguous": "the quote occurs several times; add a longer 'context' or an 'occurrence' number",
    "occurrence_out_of_range": "'occurrence' is larger than the number of matches",
    "unknown_label": "the label is not defined in the schema",
    "unknown_span": "the relation names a span id that was not aligned",
    "duplicate_id": "the span id is used twice",
}
_REASONS = REASONS  # the name used before; kept for callers
