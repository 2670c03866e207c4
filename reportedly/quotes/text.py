"""Normalised text and the small helpers every matching stage shares."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz.distance import Levenshtein

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
