"""BIO tags per span layer over tokens, and spans back from tags.

Layers nest (a HEDGE inside a CLAIM), so each label has its own tag sequence; within one label,
nested spans keep the outermost (BIO cannot say more).
"""

from __future__ import annotations

from collections.abc import Sequence

from reportedly.document import Span


def outermost(spans: Sequence[Span]) -> list[Span]:
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if not any(k.start <= span.start and span.end <= k.end for k in kept) and not any(
            k.overlaps(span) for k in kept
        ):
            kept.append(span)
    return kept


def encode(offsets: Sequence[tuple[int, int]], spans: Sequence[Span]) -> list[str]:
    """``B``/``I``/``O`` for one label's spans; a token belongs to a span when it lies inside it."""
    tags = ["O"] * len(offsets)
    for span in outermost(spans):
        inside = [i for i, (s, e) in enumerate(offsets) if span.start <= s and e <= span.end]
        for n, i in enumerate(inside):
            tags[i] = "B" if n == 0 else "I"
    return tags


def decode(offsets: Sequence[tuple[int, int]], tags: Sequence[str]) -> list[tuple[int, int]]:
    """Character ranges of the tagged spans (an ``I`` without a ``B`` starts a span)."""
    ranges: list[tuple[int, int]] = []
    current: list[int] | None = None
    for (start, end), tag in zip(offsets, tags, strict=True):
        if tag == "B" or (tag == "I" and current is None):
            if current is not None:
                ranges.append((current[0], current[1]))
            current = [start, end]
        elif tag == "I" and current is not None:
            current[1] = end
        else:
            if current is not None:
                ranges.append((current[0], current[1]))
            current = None
    if current is not None:
        ranges.append((current[0], current[1]))
    return ranges
