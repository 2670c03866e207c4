"""The rules baseline: lexicons and surface patterns over spaCy's blank-English tokens.

Patterns: "according to X, C" / "C, according to X"; "X said (that) C"; "“C,” X said" and
"“C,” said X"; "X, who spoke on condition of anonymity, said C"; speaker labels "NAME: C" in
transcripts; author claims for sentences without a cue; hedges from the hedge lexicon (numbers
required after approximators); source types from head nouns, capitals and pronouns; later
mentions (pronouns, repeated surnames, "the <noun>") linked to their first mention. Fast enough
to pre-annotate Label Studio tasks.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import msgspec

from reportedly.baselines.lexicon import Match, find, phrases
from reportedly.document import Document, Relation, Span
from reportedly.sentences import sentences, tokens

SYSTEM = "rules"
VERSION = "1.0.0"

OPEN_QUOTES = {"“", '"', "‘"}
CLOSE_QUOTES = {"”", '"', "’"}
BOUNDARY = {",", ";", ":", "(", ")", "—", "–", "that", "and", "but", "while", "as", "when", *OPEN_QUOTES, *CLOSE_QUOTES}
PRONOUNS = {"he": "named_person", "she": "named_person", "they": "unnamed_group", "it": "named_organization"}
ANONYMITY = re.compile(
    r"anonymity|not authori[sz]ed|asked not to be (named|identified)|declined to be named|not allowed to|"
    r"were not permitted|was not permitted|because (he|she|they) (was|were) not",
    re.IGNORECASE,
)
DAY_WORDS = {
    "on",
    "in",
    "at",
    "last",
    "this",
    "late",
    "early",
    "yesterday",
    "today",
    "tuesday",
    "monday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "morning",
    "evening",
    "night",
    "week",
}
RECIPIENTS = {
    "reporters",
    "journalists",
    "lawmakers",
    "parliament",
    "the",
    "a",
    "an",
    "committee",
    "members",
    "staff",
    "workers",
    "us",
    "him",
    "her",
    "them",
    "councillors",
    "investors",
    "listeners",
    "viewers",
}
NUMBER_WORDS = {
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "dozen",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "billion",
    "half",
    "a",
    "third",
    "quarter",
}
POSTMODIFIERS = {"who", "which", "that", "of", "at", "in", "from", "with", "by", "familiar", "close", "for", "on"}
SPEAKER_LABEL = re.compile(r"^([A-Z][A-Z .'’-]{1,60}|Q|A):\s+(.+)$")


@dataclass
class _Sentence:
    start: int
    end: int
    first: int  # first token index
    last: int  # last token index (inclusive)


class _Builder:
    """Collects spans and relations for one document, with readable ids."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: list[Span] = []
        self.relations: list[Relation] = []
        self.counts: dict[str, int] = {}
        # per label: spans by offsets, and by start (only spans of one label may clash)
        self._by_offsets: dict[tuple[str, int, int], Span] = {}
        self._by_label: dict[str, list[Span]] = {}  # by start
        self._starts: dict[str, list[int]] = {}  # their starts
        self._longest: dict[str, int] = {}
        self._related: set[Relation] = set()

    def span(self, label: str, start: int, end: int, **attrs: str) -> Span | None:
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and (self.text[end - 1].isspace() or self.text[end - 1] in ",;:"):
            end -= 1
        if start >= end:
            return None
        same = self._by_offsets.get((label, start, end))
        if same is not None:
            return same
        starts = self._starts.setdefault(label, [])
        same_label = self._by_label.setdefault(label, [])
        # only a span starting less than the longest span's length before ``end`` can reach into it
        low = bisect_left(starts, start - self._longest.get(label, 0))
        for other in same_label[low : bisect_left(starts, end)]:
            if other.start < start < other.end < end or start < other.start < end < other.end:
                return None  # spans of one label never cross
        prefix = {"CUE": "U"}.get(label, label[0])
        self.counts[prefix] = self.counts.get(prefix, 0) + 1
        made = Span(f"{prefix}{self.counts[prefix]}", label, start, end, self.text[start:end], attrs)
        self.spans.append(made)
        at = bisect_right(starts, start)  # kept in order of start, for the range above
        starts.insert(at, start)
        same_label.insert(at, made)
        self._longest[label] = max(self._longest.get(label, 0), end - start)
        self._by_offsets[(label, start, end)] = made
        return made

    def relate(self, label: str, head: Span | None, tail: Span | None) -> None:
        if head is not None and tail is not None and head.id != tail.id:
            relation = Relation(label, head.id, tail.id)
            if relation not in self._related:
                self._related.add(relation)
                self.relations.append(relation)


def _trim_punct(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in '.,;:!?”"’ \n':
        end -= 1
    while start < end and text[start] in '“"‘ \n':
        start += 1
    return start, end


def _is_number(word: str) -> bool:
    return any(ch.isdigit() for ch in word) or word in NUMBER_WORDS


class RulesTagger:
    def __init__(self) -> None:
        self.cues = phrases("cues.txt")
        self.hedges = phrases("hedges.txt")
        self.nouns = phrases("source_nouns.txt")

    # --- source typing ----------------------------------------------------------------------
    def source_type(self, words: list[str], surface: list[str]) -> str:
        head = words[-1]
        if head in PRONOUNS:
            return PRONOUNS[head]
        # the head noun stands before post-modifiers ("analysts at the bank", "officials who …")
        cut = next((i for i, w in enumerate(words) if i and w in POSTMODIFIERS), len(words))
        words, surface = words[:cut], surface[:cut]
        capitals = [w for w in surface[1:] if w[:1].isupper()] + ([surface[0]] if surface[0][:1].isupper() else [])
        kind = None
        for word in reversed(words):
            kind = self.nouns.get((word,))
            if kind:
                break
        determiners = {"a", "an", "one", "two", "three", "several", "some", "many", "senior", "other"}
        if kind == "media_outlet" and capitals:
            return "media_outlet"
        if kind in {"document", "other_evidence"}:
            return kind
        if kind == "named_organization":
            return "named_organization" if capitals or words[0] == "the" else "unnamed_group"
        if kind in {"unnamed_person", "unnamed_group"}:
            named = len([w for w in surface if w[:1].isupper()]) >= 2 and words[0] not in determiners
            return "named_person" if named and surface[-1][:1].isupper() else kind
        if len(capitals) >= 2 or (capitals and surface[-1][:1].isupper()):
            return "named_person"
        return "unnamed_person"

    # --- one document -----------------------------------------------------------------------
    def tag(self, doc: Document) -> Document:
        text = doc.text
        offsets = tokens(text)
        surface = [text[s:e] for s, e in offsets]
        words = [w.lower() for w in surface]
        starts = [s for s, _ in offsets]
        out = _Builder(text)
        claims: list[tuple[Span, bool]] = []  # (claim, attributed)
        sources: list[Span] = []
        for sent_start, sent_end in sentences(text):
            first, stop = bisect_left(starts, sent_start), bisect_left(starts, sent_end)  # tokens in the sentence
            if first == stop:
                continue
            sentence = _Sentence(sent_start, sent_end, first, stop - 1)
            self._sentence(doc, sentence, offsets, surface, words, out, claims, sources)
        self._hedges(offsets, words, out, claims)
        self._coreference(out, sources)
        provenance = {"layer": "prediction", "system": SYSTEM, "version": VERSION}
        return Document(doc.id, text, doc.meta, tuple(out.spans), tuple(out.relations), provenance)

    def _source(
        self,
        out: _Builder,
        offsets: list[tuple[int, int]],
        surface: list[str],
        words: list[str],
        first: int,
        last: int,
        sentence_text: str,
    ) -> Span | None:
        while first <= last and words[first] in BOUNDARY:
            first += 1
        while last >= first and words[last] in BOUNDARY:
            last -= 1
        if first > last or last - first > 12:
            return None
        kind = self.source_type(words[first : last + 1], surface[first : last + 1])
        unnamed = kind in {"unnamed_person", "unnamed_group"}
        reason = ("given" if ANONYMITY.search(sentence_text) else "not_given") if unnamed else "not_applicable"
        return out.span("SOURCE", offsets[first][0], offsets[last][1], source_type=kind, anonymity_reason=reason)

    def _np_before(self, words: list[str], lo: int, cue: int) -> tuple[int, int] | None:
        """The noun phrase ending right before the cue (skipping ", who …," relative clauses)."""
        end = cue - 1
        if end >= lo and words[end] == ",":
            for j in range(end - 1, lo, -1):
                if words[j] in {"who", "which"} and words[j - 1] == ",":
                    end = j - 2
                    break
        begin = end
        while begin - 1 >= lo and words[begin - 1] not in BOUNDARY and end - begin < 10:
            begin -= 1
        return (begin, end) if begin <= end else None

    def _sentence(
        self,
        doc: Document,
        s: _Sentence,
        offsets: list[tuple[int, int]],
        surface: list[str],
        words: list[str],
        out: _Builder,
        claims: list[tuple[Span, bool]],
        sources: list[Span],
    ) -> None:
        text = doc.text
        sentence_text = text[s.start : s.end]
        label = SPEAKER_LABEL.match(sentence_text)
        if label and label.group(1) not in {"Q", "A"}:
            # a transcript turn: the speaker label is the source, the turn a direct claim
            source = out.span(
                "SOURCE",
                s.start,
                s.start + len(label.group(1)),
                source_type="named_person" if " " in label.group(1) else "unnamed_person",
                anonymity_reason="not_applicable" if " " in label.group(1) else "not_given",
            )
            begin, end = _trim_punct(text, s.start + label.start(2), s.end)
            claim = out.span("CLAIM", begin, end, quote="direct")
            if claim is not None and source is not None:
                sources.append(source)
                claims.append((claim, True))
                out.relate("attributed_to", claim, source)
            return
        if sentence_text.rstrip().endswith("?") or (label and label.group(1) == "Q"):
            return
        cues = [m for m in find(words, self.cues, s.first, s.last + 1)]
        for cue in cues:
            if self._attribution(text, s, cue, offsets, surface, words, out, claims, sources, sentence_text):
                return
        begin, end = _trim_punct(text, s.start, s.end)
        if label:
            begin = s.start + label.start(2)
        claim = out.span("CLAIM", begin, end, quote="none")
        if claim is not None:
            claims.append((claim, False))

    def _attribution(
        self,
        text: str,
        s: _Sentence,
        cue: Match,
        offsets: list[tuple[int, int]],
        surface: list[str],
        words: list[str],
        out: _Builder,
        claims: list[tuple[Span, bool]],
        sources: list[Span],
        sentence_text: str,
    ) -> bool:
        phrase = " ".join(words[cue.first : cue.last + 1])
        quote_open = next((i for i in range(s.first, cue.first) if words[i] in OPEN_QUOTES), None)
        quote_close = next((i for i in range(cue.first - 1, s.first - 1, -1) if words[i] in CLOSE_QUOTES), None)
        source_range: tuple[int, int] | None
        quote = "indirect"
        if phrase in {"according to", "as first reported by", "first reported by", "in the words of"}:
            end = cue.last + 1
            while end <= s.last and words[end] not in {",", ".", ";"}:
                end += 1
            source_range = (cue.last + 1, end - 1)
            if cue.first == s.first:  # According to X, C.
                claim_range = (offsets[min(end + 1, s.last)][0], s.end)
            else:  # C, according to X.
                claim_range = (s.start, offsets[cue.first][0])
        elif quote_open is not None and quote_close is not None and quote_open < quote_close < cue.first:
            # “C,” X said.  /  “C,” said X.
            quote = "direct"
            claim_range = (offsets[quote_open][1], offsets[quote_close][0])
            between = (quote_close + 1, cue.first - 1)
            if between[0] <= between[1] and words[between[0]] not in {","}:
                source_range = between
            else:
                after = cue.last + 1
                end = after
                while end <= s.last and words[end] not in {",", ".", ";"}:
                    end += 1
                source_range = (after, end - 1)
            if claim_range[0] > s.start + 1 and words[s.first] not in OPEN_QUOTES:
                claim_range = (offsets[quote_open][1], offsets[quote_close][0])
        else:
            found = self._np_before(words, s.first, cue.first)
            if found is None:
                return False
            source_range = found
            after = cue.last + 1
            if phrase in {"told", "tells"} and after <= s.last and words[after] in RECIPIENTS:
                while after <= s.last and words[after] not in {"that", ",", "."} and after - cue.last < 5:
                    after += 1
            while after <= s.last and words[after] in DAY_WORDS:
                after += 1
            if after <= s.last and words[after] == "that":
                after += 1
            if after <= s.last and words[after] in OPEN_QUOTES:
                quote = "direct"
            if after > s.last:
                return False
            claim_range = (offsets[after][0], s.end)
        begin, end = _trim_punct(text, *claim_range)
        if end - begin < 3:
            return False
        source = self._source(out, offsets, surface, words, *source_range, sentence_text)
        if source is None:
            return False
        claim = out.span("CLAIM", begin, end, quote=quote)
        cue_span = out.span("CUE", offsets[cue.first][0], offsets[cue.last][1])
        if claim is None:
            return False
        sources.append(source)
        claims.append((claim, True))
        out.relate("attributed_to", claim, source)
        out.relate("introduced_by", claim, cue_span)
        return True

    def _hedges(
        self, offsets: list[tuple[int, int]], words: list[str], out: _Builder, claims: list[tuple[Span, bool]]
    ) -> None:
        for match in find(words, self.hedges):
            if match.value == "approximator":
                following = words[match.last + 1] if match.last + 1 < len(words) else ""
                if not _is_number(following):
                    continue
            if words[match.first] == "could" and match.last + 1 < len(words) and words[match.last + 1] == "not":
                continue
            start, end = offsets[match.first][0], offsets[match.last][1]
            containing = [(c, attributed) for c, attributed in claims if c.start <= start and end <= c.end]
            if not containing:
                continue
            claim, attributed = min(containing, key=lambda item: item[0].end - item[0].start)
            hedge = out.span("HEDGE", start, end, hedge_type=match.value, holder="source" if attributed else "author")
            out.relate("hedges", hedge, claim)

    def _coreference(self, out: _Builder, sources: list[Span]) -> None:
        ordered = sorted(sources, key=lambda s: s.start)
        for index, mention in enumerate(ordered):
            earlier = ordered[:index]
            lowered = mention.text.lower()
            target = None
            if lowered in {"he", "she"}:
                target = next(
                    (
                        e
                        for e in reversed(earlier)
                        if e.attrs.get("source_type") == "named_person" and e.text.lower() not in {"he", "she"}
                    ),
                    None,
                )
            elif lowered.startswith("the ") and len(lowered.split()) <= 3:
                head = lowered.split()[-1]
                target = next(
                    (e for e in earlier if e.text.lower().split()[-1] == head and e.text != mention.text), None
                )
            elif mention.attrs.get("source_type") == "named_person" and " " not in mention.text:
                target = next(
                    (e for e in earlier if e.text.split()[-1] == mention.text and e.text != mention.text), None
                )
            if target is not None:
                first = _first_mention(target, out)
                if first.id != mention.id:
                    out.relate("same_source", mention, first)
                    if mention.attrs != first.attrs:
                        updated = msgspec.structs.replace(mention, attrs=dict(first.attrs))
                        out.spans[out.spans.index(mention)] = updated


def _first_mention(span: Span, out: _Builder) -> Span:
    for relation in out.relations:
        if relation.label == "same_source" and relation.head == span.id:
            return next(s for s in out.spans if s.id == relation.tail)
    return span


def predict(documents: Sequence[Document]) -> list[Document]:
    """Predict spans, attributes and relations for each document (text and meta kept)."""
    tagger = RulesTagger()
    return [tagger.tag(doc) for doc in documents]
