"""Sentence and token boundaries, from spaCy's blank English pipeline (no model download).

Shared by scoring slices (in-sentence vs cross-sentence sources), CoNLL export and baselines, so
every part of the project agrees on where sentences and tokens are.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

Offsets = tuple[int, int]


@cache
def _tokenizer() -> tuple[Any, frozenset[int]]:
    """spaCy's blank English tokenizer, and the ids of the characters its sentencizer ends sentences on."""
    import spacy
    from spacy.pipeline.sentencizer import Sentencizer

    nlp = spacy.blank("en")
    return nlp.tokenizer, frozenset(nlp.vocab.strings.add(char) for char in Sentencizer.default_punct_chars)


def _sentence_starts(rows: list[list[int]], punct_chars: frozenset[int]) -> list[int]:
    """The token indices that start a sentence: spaCy's sentencizer rule (a sentence ends after a
    run of its punctuation characters, at the first token that is not punctuation), run over the
    token array instead of Token objects; ``tests/test_sentences.py`` checks it against spaCy's."""
    starts = [0]
    seen_period = False
    for i, (_idx, _length, _space, is_punct, orth) in enumerate(rows):
        ends_sentence = orth in punct_chars
        if seen_period and not is_punct and not ends_sentence:
            starts.append(i)
            seen_period = False
        elif ends_sentence:
            seen_period = True
    return starts


@lru_cache(maxsize=32)
def _segmented(text: str) -> tuple[tuple[Offsets, ...], tuple[Offsets, ...]]:
    """Sentences and non-space tokens of ``text`` from one tokenization per paragraph (blank lines
    always split). Kept for the last few texts: a system asks for both, often several times."""
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, ORTH

    tokenizer, punct_chars = _tokenizer()
    found_sentences: list[Offsets] = []
    found_tokens: list[Offsets] = []
    position = 0
    for block in text.split("\n\n"):
        rows = tokenizer(block).to_array([IDX, LENGTH, IS_SPACE, IS_PUNCT, ORTH]).tolist()
        found_tokens += [(position + idx, position + idx + length) for idx, length, space, _, _ in rows if not space]
        starts = _sentence_starts(rows, punct_chars) if rows else []
        for first, stop in zip(starts, [*starts[1:], len(rows)][: len(starts)], strict=True):
            start, end = position + rows[first][0], position + rows[stop - 1][0] + rows[stop - 1][1]
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start < end:
                found_sentences.append((start, end))
        position += len(block) + 2
    return tuple(found_sentences), tuple(found_tokens)


def sentences(text: str) -> list[Offsets]:
    """Half-open code-point offsets of each sentence; paragraphs (blank lines) always split."""
    return list(_segmented(text)[0])


def tokens(text: str) -> list[Offsets]:
    """Half-open code-point offsets of each non-space token."""
    return list(_segmented(text)[1])


def sentence_index(sentence_offsets: list[Offsets], position: int) -> int:
    """The index of the sentence containing ``position`` (or the last one starting before it)."""
    from bisect import bisect_right

    starts = [s for s, _ in sentence_offsets]
    return max(0, bisect_right(starts, position) - 1)
