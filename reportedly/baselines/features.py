"""Token, span and pair features shared by the trained baselines (crf, encoder)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property

from reportedly.baselines.lexicon import find, phrases
from reportedly.document import Document, Span
from reportedly.sentences import sentences, tokens

QUOTE_MARKS = {"“", "”", '"', "‘", "’"}
ANONYMITY = re.compile(r"anonymity|not authori[sz]ed|not to be (named|identified)|not permitted|not allowed", re.I)


def shape(word: str) -> str:
    out = re.sub(r"[A-Z]", "X", word)
    out = re.sub(r"[a-z]", "x", out)
    out = re.sub(r"[0-9]", "d", out)
    return re.sub(r"(.)\1{2,}", r"\1\1", out)


@dataclass
class Tokenized:
    """A document's tokens with their sentences, lexicon hits and quotation state."""

    doc: Document

    @cached_property
    def offsets(self) -> list[tuple[int, int]]:
        return tokens(self.doc.text)

    @cached_property
    def words(self) -> list[str]:
        return [self.doc.text[s:e] for s, e in self.offsets]

    @cached_property
    def lower(self) -> list[str]:
        return [w.lower() for w in self.words]

    @cached_property
    def sentence_of(self) -> list[int]:
        starts = [s for s, _ in sentences(self.doc.text)]
        return [max(0, bisect_right(starts, s) - 1) for s, _ in self.offsets]

    @cached_property
    def lexicon(self) -> list[str]:
        tags = ["O"] * len(self.words)
        for name, prefix in (("cues.txt", "cue"), ("hedges.txt", "hedge"), ("source_nouns.txt", "src")):
            for match in find(self.lower, phrases(name)):
                for i in range(match.first, match.last + 1):
                    if tags[i] == "O":
                        tags[i] = f"{prefix}:{match.value}" if prefix != "cue" else "cue"
        return tags

    @cached_property
    def in_quote(self) -> list[bool]:
        inside, state = [], False
        for word in self.words:
            if word in {"“"}:
                state = True
            elif word in {"”"}:
                inside.append(state)
                state = False
                continue
            elif word == '"':
                state = not state
            inside.append(state)
        return inside

    @cached_property
    def cue_distance(self) -> list[str]:
        cues_in_sentence: dict[int, list[int]] = {}
        for i, tag in enumerate(self.lexicon):
            if tag == "cue":
                cues_in_sentence.setdefault(self.sentence_of[i], []).append(i)
        out = []
        for i in range(len(self.words)):
            same = cues_in_sentence.get(self.sentence_of[i], [])
            if not same:
                out.append("none")
                continue
            nearest = min(same, key=lambda c: abs(c - i))
            gap = i - nearest
            bucket = "0" if gap == 0 else ("near" if abs(gap) <= 3 else "far")
            out.append(f"{'before' if gap < 0 else 'after'}:{bucket}")
        return out

    @cached_property
    def _token_bounds(self) -> tuple[list[int], list[int]]:
        return [s for s, _ in self.offsets], [e for _, e in self.offsets]

    def token_span(self, span: Span) -> tuple[int, int] | None:
        """First and last token overlapping ``span`` (None when it covers no token); tokens are in
        order and never overlap, so both ends are found by bisection."""
        starts, ends = self._token_bounds
        first, last = bisect_right(ends, span.start), bisect_left(starts, span.end) - 1
        return (first, last) if first <= last else None


def token_features(t: Tokenized, i: int) -> dict[str, str | float | bool]:
    word, low = t.words[i], t.lower[i]
    feats: dict[str, str | float | bool] = {
        "bias": 1.0,
        "low": low,
        "suf3": low[-3:],
        "suf2": low[-2:],
        "shape": shape(word),
        "title": word[:1].isupper(),
        "upper": word.isupper(),
        "digit": any(ch.isdigit() for ch in word),
        "punct": not any(ch.isalnum() for ch in word),
        "lex": t.lexicon[i],
        "quote": t.in_quote[i],
        "cue": t.cue_distance[i],
        "sent_first": i == 0 or t.sentence_of[i - 1] != t.sentence_of[i],
        "sent_last": i == len(t.words) - 1 or t.sentence_of[i + 1] != t.sentence_of[i],
    }
    for offset in (-2, -1, 1, 2):
        j = i + offset
        if 0 <= j < len(t.words) and t.sentence_of[j] == t.sentence_of[i]:
            feats[f"{offset}:low"] = t.lower[j]
            feats[f"{offset}:lex"] = t.lexicon[j]
            feats[f"{offset}:title"] = t.words[j][:1].isupper()
        else:
            feats[f"{offset}:edge"] = True
    return feats


def span_features(t: Tokenized, span: Span, claims: list[Span]) -> dict[str, str | float | bool]:
    """Features for attribute classifiers."""
    bounds = t.token_span(span)
    words = t.lower[bounds[0] : bounds[1] + 1] if bounds else span.text.lower().split()
    surface = t.words[bounds[0] : bounds[1] + 1] if bounds else span.text.split()
    first, last = bounds if bounds else (-1, -1)
    feats: dict[str, str | float | bool] = {
        "label": span.label,
        "first": words[0] if words else "",
        "last": words[-1] if words else "",
        "n_tokens": float(min(len(words), 20)),
        "n_title": float(sum(1 for w in surface if w[:1].isupper())),
        "all_title": all(w[:1].isupper() for w in surface if w.isalpha()),
        "quoted": bounds is not None and t.in_quote[first],
        "before_quote": bounds is not None and first > 0 and t.words[first - 1] in QUOTE_MARKS,
        "after_quote": bounds is not None and last + 1 < len(t.words) and t.words[last + 1] in QUOTE_MARKS,
        "inside_claim": any(
            (c.start <= span.start and span.end <= c.end) and (c.start, c.end) != (span.start, span.end) for c in claims
        ),
    }
    for word in words[:12]:
        feats[f"w:{word}"] = True
    if bounds:
        for i in range(bounds[0], bounds[1] + 1):
            if t.lexicon[i] != "O":
                feats[f"lex:{t.lexicon[i]}"] = True
        sentence = t.sentence_of[bounds[0]]
        context = " ".join(w for w, s in zip(t.words, t.sentence_of, strict=True) if s == sentence)
        feats["anonymity_phrase"] = bool(ANONYMITY.search(context))
    return feats


def pair_features(t: Tokenized, head: Span, tail: Span) -> dict[str, str | float | bool]:
    """Features for relation classifiers over a candidate (head, tail) pair."""
    hb, tb = t.token_span(head), t.token_span(tail)
    if hb is None or tb is None:
        return {"missing": True}
    gap = tb[0] - hb[1] if tb[0] > hb[1] else hb[0] - tb[1]
    sentence_gap = abs(t.sentence_of[hb[0]] - t.sentence_of[tb[0]])
    between = range(min(hb[1], tb[1]) + 1, max(hb[0], tb[0]))
    feats: dict[str, str | float | bool] = {
        "bias": 1.0,
        "tail_first": tb[0] < hb[0],
        "contains": tail.start <= head.start and head.end <= tail.end,
        "contained": head.start <= tail.start and tail.end <= head.end,
        "gap": float(min(max(gap, 0), 60)) / 60,
        "gap_bucket": "0" if gap <= 1 else ("near" if gap <= 4 else ("mid" if gap <= 12 else "far")),
        "sentence_gap": str(min(sentence_gap, 3)),
        "cue_between": any(t.lexicon[i] == "cue" for i in between),
        "quote_between": any(t.words[i] in QUOTE_MARKS for i in between),
        "comma_between": any(t.words[i] == "," for i in between),
        "head_last": t.lower[hb[1]],
        "tail_last": t.lower[tb[1]],
        "tail_first_word": t.lower[tb[0]],
        "head_first_word": t.lower[hb[0]],
        "tail_title": t.words[tb[0]][:1].isupper(),
        "head_quoted": t.in_quote[hb[0]],
    }
    return feats
