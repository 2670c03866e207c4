"""Sentence and token boundaries, from spaCy's blank English pipeline (no model download).

Shared by scoring slices (in-sentence vs cross-sentence sources), CoNLL export and baselines, so
every part of the project agrees on where sentences and tokens are.
"""

from __future__ import annotations

from functools import cache
from typing import Any

Offsets = tuple[int, int]


@cache
def _pipeline() -> Any:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _parse(text: str) -> Any:
    return _pipeline()(text)


def sentences(text: str) -> list[Offsets]:
    """Half-open code-point offsets of each sentence; paragraphs (blank lines) always split."""
    result: list[Offsets] = []
    position = 0
    for block in text.split("\n\n"):
        for sent in _parse(block).sents:
            start, end = position + sent.start_char, position + sent.end_char
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start < end:
                result.append((start, end))
        position += len(block) + 2
    return result


def tokens(text: str) -> list[Offsets]:
    """Half-open code-point offsets of each non-space token."""
    return [(t.idx, t.idx + len(t.text)) for t in _parse(text) if not t.is_space]


def sentence_index(sentence_offsets: list[Offsets], position: int) -> int:
    """The index of the sentence containing ``position`` (or the last one starting before it)."""
    from bisect import bisect_right

    starts = [s for s, _ in sentence_offsets]
    return max(0, bisect_right(starts, position) - 1)
