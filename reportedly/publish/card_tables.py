"""The card's tables of the data itself: rows per split and configuration, the columns of each
configuration and what the token configuration cannot tag. :mod:`reportedly.publish.card`
assembles them; ``splits_markdown`` is also written into corpus/README.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reportedly.publish.corpus import Release
from reportedly.publish.dataset import CONFIGS, Tables, TokenLoss, tag_column
from reportedly.schema import Schema

CONFIG_ROWS = {
    "default": "one document: text, meta, spans, relations and provenance, exactly as in corpus/documents/",
    "flat": "one span: its label, offsets, text, attributes and the sentence(s) around it",
    "tokens": "one segment (sentences that no span crosses): tokens with one BIO tag sequence per label",
}
FIELD_DOCS: dict[str, dict[str, str]] = {
    "default": {
        "id": "document id (the file name in corpus/documents/)",
        "text": "the document text; all offsets are half-open [start, end) in Unicode code points of it",
        "meta": "title, genre, topic, origin, language and licence of the text",
        "spans": "annotated spans: id, label, start, end, text (== text[start:end]) and attributes",
        "relations": "labelled links between two span ids (head, tail)",
        "provenance": "how the gold annotation was made: layer, annotator ids, method, schema version",
    },
    "flat": {
        "doc_id": "the document id",
        "span_id": "the span id within its document",
        "label": "the span label",
        "start": "start offset in the document text (code points)",
        "end": "end offset (exclusive) in the document text",
        "text": "the span text",
        "sentence": "the sentence(s) containing the span (document text from sentence_start to sentence_end)",
        "sentence_start": "start offset of that sentence text in the document",
        "sentence_end": "end offset of that sentence text in the document",
    },
    "tokens": {
        "doc_id": "the document id",
        "segment": "index of the segment (its sentence group) within the document",
        "start": "start offset of the segment in the document text",
        "end": "end offset of the segment in the document text",
        "tokens": "spaCy blank-English tokens (reportedly.sentences.tokens), whitespace dropped",
        "token_starts": "start offset of each token in the document text",
        "token_ends": "end offset of each token in the document text",
    },
}


@dataclass(frozen=True)
class SplitFigures:
    documents: int
    tokens: int
    spans: Counter[str]
    relations: int
    rows: Mapping[str, int]  # config -> rows


def split_figures(release: Release, tables: Tables) -> dict[str, SplitFigures]:
    out = {}
    for split, docs in release.splits.items():
        out[split] = SplitFigures(
            documents=len(docs),
            tokens=sum(len(row["tokens"]) for row in tables.rows["tokens"][split]),
            spans=Counter(span.label for doc in docs for span in doc.spans),
            relations=sum(len(doc.relations) for doc in docs),
            rows={config: len(tables.rows[config][split]) for config in CONFIGS},
        )
    return out


def cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def feature_type(feature: Any) -> str:
    import datasets

    if isinstance(feature, datasets.ClassLabel):
        return "class label: " + ", ".join(f"{i} = {name}" for i, name in enumerate(feature.names))
    if isinstance(feature, datasets.Value):
        return str(feature.dtype)
    if isinstance(feature, datasets.List):
        inner = feature.feature
        if isinstance(inner, dict):
            return "list of {" + ", ".join(inner) + "}"
        if isinstance(inner, datasets.ClassLabel):
            return "list of class label: " + ", ".join(inner.names)
        return f"list of {feature_type(inner)}"
    if isinstance(feature, dict):
        return "{" + ", ".join(feature) + "}"
    return type(feature).__name__


def fields_table(config: str, features: Any, schema: Schema) -> list[str]:
    docs = FIELD_DOCS.get(config, {})
    lines = ["| column | type | description |", "|---|---|---|"]
    for name, feature in features.items():
        description = docs.get(name, "")
        if not description and name in {a.name for a in schema.attributes}:
            attr = schema.attribute(name)
            description = f"{attr.label} attribute (empty for other labels): {attr.description}"
        if not description and name.endswith("_tags"):
            label = name.removesuffix("_tags").upper()
            description = f"BIO tag of each token for {label} spans"
        lines.append(f"| `{name}` | {cell(feature_type(feature))} | {cell(description)} |")
    return lines


def _split_tables(release: Release, figures: Mapping[str, SplitFigures], schema: Schema) -> list[str]:
    splits = list(figures)
    total = SplitFigures(
        documents=sum(f.documents for f in figures.values()),
        tokens=sum(f.tokens for f in figures.values()),
        spans=sum((f.spans for f in figures.values()), Counter()),
        relations=sum(f.relations for f in figures.values()),
        rows={c: sum(f.rows[c] for f in figures.values()) for c in CONFIGS},
    )
    columns = [*splits, "total"]
    table = [*figures.values(), total]
    lines = [
        "| | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * len(columns),
        "| documents | " + " | ".join(f"{f.documents:,}" for f in table) + " |",
        "| tokens | " + " | ".join(f"{f.tokens:,}" for f in table) + " |",
    ]
    for label in schema.label_names:
        lines.append(f"| {label} spans | " + " | ".join(f"{f.spans[label]:,}" for f in table) + " |")
    lines.append("| relations | " + " | ".join(f"{f.relations:,}" for f in table) + " |")
    lines += ["", "Rows per configuration:", "", "| configuration | one row per | " + " | ".join(columns) + " |"]
    lines.append("|---|---|" + "---:|" * len(columns))
    for config in CONFIGS:
        cells = " | ".join(f"{f.rows[config]:,}" for f in table)
        lines.append(f"| `{config}` | {cell(CONFIG_ROWS[config])} | {cells} |")
    return lines


def splits_markdown(release: Release, tables: Tables, schema: Schema) -> str:
    """Documents, tokens, spans and rows per split (also written into corpus/README.md)."""
    figures = split_figures(release, tables)
    head = f"Corpus version {release.version}, schema version {schema.version}."
    return "\n".join([head, "", *_split_tables(release, figures, schema)]) + "\n"


def token_loss_lines(loss: Mapping[str, TokenLoss], schema: Schema) -> list[str]:
    lines = [
        "| label | spans | tag column | nested in a span of the same label (not tagged) "
        "| no token of their own (not tagged) | boundary inside a token (tags widen it) |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for label in schema.label_names:
        item = loss.get(label, TokenLoss())
        lines.append(
            f"| {label} | {item.spans:,} | `{tag_column(label)}` | {item.nested:,} | {item.lost:,} | {item.inexact:,} |"
        )
    return lines
