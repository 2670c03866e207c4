"""Corpus statistics, computed (never typed) for the terminal, the dataset card and the demo."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from reportedly.document import Document


@dataclass(frozen=True)
class CorpusStats:
    documents: int
    words: int
    spans: Counter[str] = field(default_factory=Counter)
    attribute_values: dict[str, Counter[str]] = field(default_factory=dict)
    relations: Counter[str] = field(default_factory=Counter)
    genres: Counter[str] = field(default_factory=Counter)
    topics: Counter[str] = field(default_factory=Counter)

    @property
    def total_spans(self) -> int:
        return sum(self.spans.values())


def corpus_stats(docs: Sequence[Document]) -> CorpusStats:
    spans: Counter[str] = Counter()
    attrs: dict[str, Counter[str]] = {}
    relations: Counter[str] = Counter()
    for doc in docs:
        for span in doc.spans:
            spans[span.label] += 1
            for name, value in span.attrs.items():
                attrs.setdefault(name, Counter())[value] += 1
        relations.update(r.label for r in doc.relations)
    return CorpusStats(
        documents=len(docs),
        words=sum(len(doc.text.split()) for doc in docs),
        spans=spans,
        attribute_values=attrs,
        relations=relations,
        genres=Counter(str(doc.meta.get("genre", "?")) for doc in docs),
        topics=Counter(str(doc.meta.get("topic", "?")) for doc in docs),
    )


def stats_markdown(stats: CorpusStats, label_order: Sequence[str], relation_order: Sequence[str]) -> str:
    """Markdown tables of the statistics (labels and relations in schema order)."""

    def per_doc(count: int) -> str:
        return f"{count / stats.documents:.1f}" if stats.documents else "0"

    lines = [
        f"{stats.documents} documents, {stats.words:,} words, {stats.total_spans:,} spans, "
        f"{sum(stats.relations.values()):,} relations.",
        "",
        "| label | spans | per document |",
        "|---|---:|---:|",
    ]
    lines += [f"| {label} | {stats.spans[label]} | {per_doc(stats.spans[label])} |" for label in label_order]
    lines += ["", "| relation | count | per document |", "|---|---:|---:|"]
    lines += [f"| {rel} | {stats.relations[rel]} | {per_doc(stats.relations[rel])} |" for rel in relation_order]
    lines += ["", "| attribute | value | count |", "|---|---|---:|"]
    for name in sorted(stats.attribute_values):
        for value, count in sorted(stats.attribute_values[name].items()):
            lines.append(f"| {name} | {value} | {count} |")
    lines += ["", "| genre | documents |", "|---|---:|"]
    lines += [f"| {genre} | {count} |" for genre, count in sorted(stats.genres.items())]
    lines += ["", "| topic | documents |", "|---|---:|"]
    lines += [f"| {topic} | {count} |" for topic, count in sorted(stats.topics.items())]
    return "\n".join(lines) + "\n"
