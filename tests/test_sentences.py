"""Sentences and tokens: the fast path against spaCy's own sentencizer and tokenizer as the oracle."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from reportedly.document import read_documents
from reportedly.sentences import sentences, tokens

ROOT = Path(__file__).resolve().parent.parent
TRICKY = [
    "",
    "\n\n",
    "No full stop at the end",
    "Dr. Hale said so. “It is done.” Then — silence!! Really?! Yes…",
    "Line one\n\nLine two.\n\n\nLine three ?! ok",
    "Zoe\u0308 said \U0001f6a2 ok.\r\nEnd. 1.5 million. U.S. officials said (roughly) 40%.",
    "Q: Will it close?\nA: No. Not this year.",
    "  leading space. trailing space.   ",
    "。日本語の文。次の文！ Ende.",
]


@cache
def _spacy() -> Any:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _oracle(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """spaCy's blank English pipeline with its sentencizer, paragraph by paragraph."""
    nlp = _spacy()
    found_sentences, position = [], 0
    for block in text.split("\n\n"):
        for sent in nlp(block).sents:
            start, end = position + sent.start_char, position + sent.end_char
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start < end:
                found_sentences.append((start, end))
        position += len(block) + 2
    found_tokens = [(t.idx, t.idx + len(t.text)) for t in nlp(text) if not t.is_space]
    return found_sentences, found_tokens


def _corpus_texts() -> list[str]:
    folders = [ROOT / "corpus" / "documents", ROOT / "corpus" / "round2" / "documents"]
    return [doc.text for folder in folders if folder.is_dir() for doc in read_documents(folder)]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_texts_split_as_spacy_splits_them(text: str) -> None:
    assert (sentences(text), tokens(text)) == _oracle(text)


def test_every_corpus_text_splits_as_spacy_splits_it() -> None:
    texts = _corpus_texts()
    assert len(texts) >= 65
    for text in texts:
        assert (sentences(text), tokens(text)) == _oracle(text)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .!?…。\n\"”“'’()-1:")), max_size=80))
def test_generated_texts_split_as_spacy_splits_them(text: str) -> None:
    assert (sentences(text), tokens(text)) == _oracle(text)


def test_results_are_fresh_lists() -> None:
    first = sentences("One. Two.")
    first.append((0, 0))
    assert sentences("One. Two.") == [(0, 4), (5, 9)]
