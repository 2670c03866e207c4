"""Gold against prediction, span by span, for the document view (one-to-one, order-free).

Each span gets a status: ``correct`` (same label and offsets), ``boundary`` (same label,
overlapping, other offsets), ``label`` (same offsets, other label), ``missed`` (gold only) or
``spurious`` (prediction only). Exact pairs are taken first, then the largest overlaps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportedly.document import Document, Span

STATUSES = ("correct", "boundary", "label", "missed", "spurious")


@dataclass(frozen=True)
class Pair:
    status: str
    gold: Span | None
    predicted: Span | None


@dataclass(frozen=True)
class Comparison:
    pairs: tuple[Pair, ...]

    def status_of(self, side: str) -> dict[str, str]:
        """Span id -> status, for the ``gold`` or the ``predicted`` side."""
        out = {}
        for pair in self.pairs:
            span = pair.gold if side == "gold" else pair.predicted
            if span is not None:
                out[span.id] = pair.status
        return out

    def count(self, status: str) -> int:
        return sum(1 for p in self.pairs if p.status == status)

    @property
    def strict_f1(self) -> float:
        """Strict span F1 of this document (1.0 when neither side has a span)."""
        gold = sum(1 for p in self.pairs if p.gold is not None)
        predicted = sum(1 for p in self.pairs if p.predicted is not None)
        return 2 * self.count("correct") / (gold + predicted) if gold + predicted else 1.0


def compare(gold: Document, predicted: Document) -> Comparison:
    pairs: list[Pair] = []
    free_gold = list(gold.spans)
    free_pred = list(predicted.spans)

    def take(status: str, matches: Sequence[tuple[int, Span, Span]]) -> None:
        for _, g, p in sorted(matches, key=lambda m: (-m[0], m[1].start, m[2].start)):
            if g in free_gold and p in free_pred:
                free_gold.remove(g)
                free_pred.remove(p)
                pairs.append(Pair(status, g, p))

    take(
        "correct",
        [(0, g, p) for g in free_gold for p in free_pred if (g.label, g.start, g.end) == (p.label, p.start, p.end)],
    )
    take(
        "boundary",
        [
            (min(g.end, p.end) - max(g.start, p.start), g, p)
            for g in free_gold
            for p in free_pred
            if g.label == p.label and g.overlaps(p)
        ],
    )
    take("label", [(0, g, p) for g in free_gold for p in free_pred if (g.start, g.end) == (p.start, p.end)])
    pairs += [Pair("missed", g, None) for g in free_gold]
    pairs += [Pair("spurious", None, p) for p in free_pred]
    return Comparison(tuple(pairs))
