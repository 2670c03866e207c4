"""Lexicons (data files under ``lexicons/``) and longest-first phrase matching over tokens."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Match:
    first: int  # token index, inclusive
    last: int  # token index, inclusive
    value: str  # the lexicon's type (or the phrase itself for untyped lexicons)


def _lines(name: str) -> list[str]:
    raw = resources.files("reportedly.baselines").joinpath("lexicons", name).read_text(encoding="utf-8")
    return [line.strip() for line in raw.splitlines() if line.strip() and not line.startswith("#")]


@cache
def phrases(name: str) -> dict[tuple[str, ...], str]:
    """``phrase tokens -> type``; untyped lexicons map each phrase to itself."""
    table: dict[tuple[str, ...], str] = {}
    for line in _lines(name):
        kind, _, phrase = line.partition("\t") if "\t" in line else (line, "", line)
        table[tuple(phrase.split())] = kind
    return table


_FIRST_WORDS: dict[int, tuple[dict[tuple[str, ...], str], dict[str, int]]] = {}


def _first_words(table: dict[tuple[str, ...], str]) -> dict[str, int]:
    """For each word that starts a phrase, the length of the longest phrase it starts; computed
    once per table (kept alive here, so its id stays its own)."""
    known = _FIRST_WORDS.get(id(table))
    if known is None or known[0] is not table:
        longest: dict[str, int] = {}
        for phrase in table:
            if phrase:
                longest[phrase[0]] = max(longest.get(phrase[0], 0), len(phrase))
        known = _FIRST_WORDS[id(table)] = (table, longest)
    return known[1]


def find(words: list[str], table: dict[tuple[str, ...], str], lo: int = 0, hi: int | None = None) -> list[Match]:
    """Non-overlapping matches in ``words[lo:hi]``, longest phrase first at each position."""
    hi = len(words) if hi is None else hi
    starts = _first_words(table)
    found: list[Match] = []
    taken_until = lo  # a match covers words up to here; no match starts inside it
    # most words start no phrase: find the few that do in one pass, then try only those
    for i in [j for j in range(lo, hi) if words[j] in starts]:
        if i < taken_until:
            continue
        for size in range(min(starts[words[i]], hi - i), 0, -1):
            kind = table.get(tuple(words[i : i + size]))
            if kind is not None:
                found.append(Match(i, i + size - 1, kind))
                taken_until = i + size
                break
    return found
