"""The three published configurations, their explicit ``datasets.Features``, rows and parquet files.

- ``default``: one row per document, exactly the corpus record (spans and relations as lists of
  structs, closed attributes as class labels); :func:`document_from_row` turns a row back into the
  :class:`~reportedly.document.Document` it came from.
- ``flat``: one row per span, with its attributes as columns and the sentence(s) around it.
- ``tokens``: one row per segment (the shortest run of sentences that no span crosses), with
  spaCy tokens (:mod:`reportedly.sentences`) and one BIO tag sequence per label. Spans of one label
  nested inside another span of that label cannot be told apart in BIO: the outermost is kept and
  the others are counted (:class:`TokenLoss`), so the card can say how many.

Offsets are half-open code points of the document text, as everywhere in reportedly.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportedly.document import Document, Relation, Span, span_to_dict
from reportedly.incidents import ReportedlyError
from reportedly.schema import Schema, features
from reportedly.sentences import Offsets, sentences, tokens

CONFIGS = ("default", "flat", "tokens")
ROW_GROUP_ROWS = 1000  # fixed, so the parquet layout does not depend on anything but the rows
OUTSIDE = "O"


def _datasets() -> Any:
    import datasets  # local: slow to import, and only publishing needs it

    return datasets


# --- features ---------------------------------------------------------------------------------


def provenance_features(schema: Schema) -> dict[str, Any]:
    """How a gold document was produced; every key a gold document may carry (see adjudicate.py)."""
    ds = _datasets()
    return {
        "layer": ds.ClassLabel(names=list(schema.layer_names)),
        "annotators": ds.List(ds.Value("string")),
        "method": ds.Value("string"),
        "schema_version": ds.Value("string"),
        "guidelines": ds.Value("string"),
        "adjudicated_items": ds.Value("int32"),
    }


def default_features(schema: Schema) -> Any:
    """The document features of :func:`reportedly.schema.features`, plus the provenance."""
    ds = _datasets()
    return ds.Features({**features(schema), "provenance": provenance_features(schema)})


FLAT_COLUMNS = ("doc_id", "span_id", "label", "start", "end", "text")
SENTENCE_COLUMNS = ("sentence", "sentence_start", "sentence_end")


def flat_features(schema: Schema) -> Any:
    ds = _datasets()
    taken = set(FLAT_COLUMNS) | set(SENTENCE_COLUMNS)
    clashes = sorted(a.name for a in schema.attributes if a.name in taken)
    if clashes:
        raise ReportedlyError.of("RPT-PUBLISH-SCHEMA", f"{schema.path}: attribute(s) {clashes} clash with flat columns")
    return ds.Features(
        {
            "doc_id": ds.Value("string"),
            "span_id": ds.Value("string"),
            "label": ds.ClassLabel(names=list(schema.label_names)),
            "start": ds.Value("int32"),
            "end": ds.Value("int32"),
            "text": ds.Value("string"),
            **{a.name: ds.ClassLabel(names=list(a.value_names)) for a in schema.attributes},
            "sentence": ds.Value("string"),
            "sentence_start": ds.Value("int32"),
            "sentence_end": ds.Value("int32"),
        }
    )


def tag_column(label: str) -> str:
    return f"{label.lower()}_tags"


def bio_names(label: str) -> list[str]:
    return [OUTSIDE, f"B-{label}", f"I-{label}"]


def tokens_features(schema: Schema) -> Any:
    ds = _datasets()
    return ds.Features(
        {
            "doc_id": ds.Value("string"),
            "segment": ds.Value("int32"),
            "start": ds.Value("int32"),
            "end": ds.Value("int32"),
            "tokens": ds.List(ds.Value("string")),
            "token_starts": ds.List(ds.Value("int32")),
            "token_ends": ds.List(ds.Value("int32")),
            **{tag_column(label): ds.List(ds.ClassLabel(names=bio_names(label))) for label in schema.label_names},
        }
    )


def config_features(schema: Schema) -> dict[str, Any]:
    return {"default": default_features(schema), "flat": flat_features(schema), "tokens": tokens_features(schema)}


# --- is every document representable? -----------------------------------------------------------


def _fits(value: Any, feature: Any) -> bool:
    """Whether ``value`` survives a trip through ``feature`` unchanged (None is never kept)."""
    ds = _datasets()
    if isinstance(feature, ds.ClassLabel):
        return isinstance(value, str) and value in feature.names
    if isinstance(feature, ds.Value):
        if feature.dtype == "string":
            return isinstance(value, str)
        return isinstance(value, int) and not isinstance(value, bool) and -(2**31) <= value < 2**31
    if isinstance(feature, ds.List):
        return isinstance(value, list) and all(_fits(item, feature.feature) for item in value)
    return False


def unrepresentable(doc: Document, schema: Schema) -> list[str]:
    """Meta and provenance entries the published features cannot hold exactly (one message each)."""
    found = default_features(schema)
    problems = []
    for part, mapping in (("meta", doc.meta), ("provenance", doc.provenance)):
        allowed = found[part]
        for key, value in mapping.items():
            if key not in allowed:
                problems.append(f"{part}.{key} is not a published field (published: {', '.join(allowed)})")
            elif not _fits(value, allowed[key]):
                problems.append(f"{part}.{key} = {value!r} does not fit the published type {allowed[key]}")
    return problems


# --- rows ---------------------------------------------------------------------------------------


def default_row(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id,
        "text": doc.text,
        "meta": dict(doc.meta),
        "spans": [span_to_dict(span) for span in doc.spans],
        "relations": [{"label": r.label, "head": r.head, "tail": r.tail} for r in doc.relations],
        "provenance": dict(doc.provenance),
    }


def _sentence_around(sents: Sequence[Offsets], span: Span) -> Offsets:
    if not sents:
        return span.start, span.end
    starts = [s for s, _ in sents]
    first = max(0, bisect_right(starts, span.start) - 1)
    last = max(0, bisect_right(starts, span.end - 1) - 1)
    return min(sents[first][0], span.start), max(sents[last][1], span.end)


def flat_rows(doc: Document, schema: Schema) -> list[dict[str, Any]]:
    sents = sentences(doc.text)
    rows = []
    for span in doc.spans:
        start, end = _sentence_around(sents, span)
        rows.append(
            {
                "doc_id": doc.id,
                "span_id": span.id,
                "label": span.label,
                "start": span.start,
                "end": span.end,
                "text": span.text,
                **{a.name: span.attrs.get(a.name) for a in schema.attributes},
                "sentence": doc.text[start:end],
                "sentence_start": start,
                "sentence_end": end,
            }
        )
    return rows


def segments(text: str, spans: Sequence[Span]) -> list[Offsets]:
    """Sentences, merged wherever a span runs from one sentence into the next."""
    merged: list[Offsets] = []
    for start, end in sentences(text):
        if merged:
            previous_end = merged[-1][1]
            if any(s.start < previous_end < s.end for s in spans):
                merged[-1] = (merged[-1][0], end)
                continue
        merged.append((start, end))
    return merged


@dataclass
class TokenLoss:
    """Per label: spans, and those the BIO tags of the ``tokens`` configuration do not reproduce."""

    spans: int = 0
    nested: int = 0  # inside another span of the same label: only the outermost is tagged
    lost: int = 0  # no token of its own (inside a token another span of the label already took)
    inexact: int = 0  # tagged, but a boundary falls inside a token, so the tags widen it


def _outermost(spans: Iterable[Span]) -> tuple[list[Span], int]:
    kept: list[Span] = []
    dropped = 0
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.id)):
        if kept and span.start < kept[-1].end:
            dropped += 1
        else:
            kept.append(span)
    return kept, dropped


def token_rows(doc: Document, schema: Schema, loss: dict[str, TokenLoss] | None = None) -> list[dict[str, Any]]:
    """One row per segment; ``loss`` (per label) is updated with what BIO cannot hold."""
    toks = tokens(doc.text)
    tags: dict[str, list[str]] = {label: [OUTSIDE] * len(toks) for label in schema.label_names}
    for label in schema.label_names:
        counts = loss.setdefault(label, TokenLoss()) if loss is not None else TokenLoss()
        of_label = [s for s in doc.spans if s.label == label]
        kept, nested = _outermost(of_label)
        counts.spans += len(of_label)
        counts.nested += nested
        for span in kept:
            covered = [i for i, (start, end) in enumerate(toks) if start < span.end and end > span.start]
            if not covered or any(tags[label][i] != OUTSIDE for i in covered):
                counts.lost += 1
                continue
            if toks[covered[0]][0] != span.start or toks[covered[-1]][1] != span.end:
                counts.inexact += 1
            tags[label][covered[0]] = f"B-{label}"
            for i in covered[1:]:
                tags[label][i] = f"I-{label}"
    segs = segments(doc.text, doc.spans)
    starts = [start for start, _ in segs]
    members: list[list[int]] = [[] for _ in segs]
    for index, (start, _) in enumerate(toks):
        if segs:
            members[max(0, bisect_right(starts, start) - 1)].append(index)
    rows = []
    for number, ((start, end), indices) in enumerate(zip(segs, members, strict=True)):
        if not indices:
            continue
        rows.append(
            {
                "doc_id": doc.id,
                "segment": number,
                "start": start,
                "end": end,
                "tokens": [doc.text[toks[i][0] : toks[i][1]] for i in indices],
                "token_starts": [toks[i][0] for i in indices],
                "token_ends": [toks[i][1] for i in indices],
                **{tag_column(label): [tags[label][i] for i in indices] for label in schema.label_names},
            }
        )
    return rows


def spans_from_tags(row: Mapping[str, Any], tags: Mapping[str, Sequence[str]]) -> list[tuple[str, int, int]]:
    """``(label, start, end)`` of the spans a ``tokens`` row's BIO tags describe (tag names, per label).

    An ``I-`` tag that does not continue a span of its label starts one (as conlleval does), so
    any tag sequence a model predicts gives spans; offsets are the document's code points.
    """
    found = []
    starts, ends = row["token_starts"], row["token_ends"]
    for label, sequence in tags.items():
        current: list[int] | None = None
        for index, tag in enumerate(sequence):
            if tag == f"B-{label}" or (tag == f"I-{label}" and current is None):
                if current is not None:
                    found.append((label, current[0], current[1]))
                current = [starts[index], ends[index]]
            elif tag == f"I-{label}" and current is not None:
                current[1] = ends[index]
            else:
                if current is not None:
                    found.append((label, current[0], current[1]))
                current = None
        if current is not None:
            found.append((label, current[0], current[1]))
    return sorted(found, key=lambda item: (item[1], -item[2], item[0]))


@dataclass
class Tables:
    """The rows of every configuration, per split, in split-file order."""

    rows: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)  # config -> split -> rows
    token_loss: dict[str, TokenLoss] = field(default_factory=dict)


def build_tables(splits: Mapping[str, Sequence[Document]], schema: Schema) -> Tables:
    tables = Tables({config: {} for config in CONFIGS})
    for split, docs in splits.items():
        tables.rows["default"][split] = [default_row(doc) for doc in docs]
        tables.rows["flat"][split] = [row for doc in docs for row in flat_rows(doc, schema)]
        tables.rows["tokens"][split] = [row for doc in docs for row in token_rows(doc, schema, tables.token_loss)]
    return tables


# --- rows back to documents -------------------------------------------------------------------


def decode(value: Any, feature: Any) -> Any:
    """Class-label integers back to their names, recursively."""
    ds = _datasets()
    if value is None:
        return None
    if isinstance(feature, ds.ClassLabel):
        return feature.int2str(value)
    if isinstance(feature, ds.List):
        return [decode(item, feature.feature) for item in value]
    if isinstance(feature, dict):
        return {key: decode(value.get(key), sub) for key, sub in feature.items()}
    return value


def _present(mapping: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if value is not None}


def document_from_row(row: Mapping[str, Any], row_features: Any) -> Document:
    """A ``default`` row (as ``load_dataset`` returns it) back to the corpus document."""
    record = decode(dict(row), dict(row_features))
    return Document(
        id=record["id"],
        text=record["text"],
        meta=_present(record["meta"]),
        spans=tuple(
            Span(s["id"], s["label"], s["start"], s["end"], s["text"], _present(s["attrs"])) for s in record["spans"]
        ),
        relations=tuple(Relation(r["label"], r["head"], r["tail"]) for r in record["relations"]),
        provenance=_present(record["provenance"]),
    )


# --- parquet ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    path: Path
    rows: int
    num_bytes: int  # the Arrow table in memory (what datasets calls num_bytes)


def write_parquet(rows: list[dict[str, Any]], row_features: Any, path: Path) -> Written:
    """One parquet file with the features in its schema metadata; same rows, same bytes."""
    import pyarrow.parquet as pq

    ds = _datasets()
    table = ds.Dataset.from_list(rows, features=row_features).data.table.combine_chunks()
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(  # type: ignore[no-untyped-call]
        table,
        path,
        row_group_size=ROW_GROUP_ROWS,
        compression="zstd",
        compression_level=9,
        use_dictionary=True,
        write_statistics=True,
        version="2.6",
    )
    return Written(path, table.num_rows, table.nbytes)
