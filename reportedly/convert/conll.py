"""CoNLL BIO files: one token per line, one tag column per label layer.

Sentences and tokens are spaCy's blank English ones (:mod:`reportedly.sentences`), so the files
line up with every other part of the project. Spans of different labels nest (a HEDGE inside a
CLAIM) and spans of one label may nest too, so the export writes one column per label and nesting
depth: ``CLAIM`` holds the outermost claims, ``CLAIM.2`` the claims inside them, and so on. The
first line names the columns (the CoNLL-U Plus convention)::

    # global.columns = TOKEN CLAIM SOURCE CUE HEDGE
    # newdoc id = wire-0007
    # sent_id = wire-0007:1
    Officials	O	B-SOURCE	O	O
    said	O	O	B-CUE	O
    ...

BIO keeps labels and offsets only: span ids, attributes and relations do not survive, and a span
that does not start and end on token boundaries cannot be written; the export reports each such
span (RPT-CONLL-NOT-TOKEN-ALIGNED). A span that runs over a sentence end (a quoted claim of two
sentences) goes on with I- tags in the next sentence, so every token-aligned span survives.

The import reads B-/I- (and E-/S-, L-/U-) tags in any tag column, aligns the tokens to the given
texts (or, without texts, rebuilds a text from the tokens) and reports every line it cannot read
with its number and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportedly.convert.issues import Issue
from reportedly.document import Document, Span, sorted_spans
from reportedly.sentences import sentence_index, sentences, tokens

COLUMNS_PREFIX = "# global.columns ="
TOKEN_COLUMN = "TOKEN"
_NEWDOC = re.compile(r"^#\s*newdoc id\s*=\s*(\S+)\s*$")
_TAG = re.compile(r"^([BIESLU])-(\S+)$")
_OUTSIDE = {"O", "_", "-"}
# what each tag prefix does: (starts a span, ends the span after this token)
_PREFIXES = {
    "B": (True, False),
    "I": (False, False),
    "E": (False, True),
    "L": (False, True),
    "S": (True, True),
    "U": (True, True),
}


# --- export -----------------------------------------------------------------------------------


def _depths(spans: Iterable[Span]) -> dict[str, int]:
    """Nesting depth (1 = outermost) of each span among the spans of its label."""
    depth: dict[str, int] = {}
    open_by_label: dict[str, list[Span]] = {}
    for span in sorted_spans(spans):
        stack = [s for s in open_by_label.get(span.label, []) if s.start <= span.start and span.end <= s.end]
        open_by_label[span.label] = [*stack, span]
        depth[span.id] = len(stack) + 1
    return depth


def _token_aligned(span: Span, starts: Mapping[int, int], ends: Mapping[int, int]) -> bool:
    return span.start in starts and span.end in ends


@dataclass(frozen=True)
class ConllExport:
    text: str
    columns: tuple[str, ...]
    issues: tuple[Issue, ...]
    exported: int  # spans written


def column_name(label: str, depth: int) -> str:
    return label if depth == 1 else f"{label}.{depth}"


def export_conll(documents: Sequence[Document], *, labels: Sequence[str]) -> ConllExport:
    """The CoNLL text of ``documents`` with a column per label in ``labels`` (and per nesting depth)."""
    issues: list[Issue] = []
    plans: list[tuple[Document, list[tuple[int, int]], list[tuple[int, int]], list[Span], dict[str, int]]] = []
    max_depth = dict.fromkeys(labels, 1)
    for doc in documents:
        toks = tokens(doc.text)
        starts = {s: i for i, (s, _) in enumerate(toks)}
        ends = {e: i for i, (_, e) in enumerate(toks)}
        sents = sentences(doc.text)
        kept = []
        for span in sorted_spans(doc.spans):
            if span.label not in max_depth:
                continue  # a label not asked for
            if not _token_aligned(span, starts, ends):
                issues.append(
                    Issue(
                        "RPT-CONLL-NOT-TOKEN-ALIGNED",
                        f"document {doc.id}: {span.label} {span.id} [{span.start}, {span.end}) {span.text!r} left out",
                    )
                )
            else:
                kept.append(span)
        depths = _depths(kept)
        for span in kept:
            max_depth[span.label] = max(max_depth[span.label], depths[span.id])
        plans.append((doc, toks, sents, kept, depths))
    columns = [column_name(label, d) for label in labels for d in range(1, max_depth[label] + 1)]
    index = {name: i for i, name in enumerate(columns)}
    out = [f"{COLUMNS_PREFIX} {' '.join([TOKEN_COLUMN, *columns])}"]
    exported = 0
    for doc, toks, sents, kept, depths in plans:
        tags = [["O"] * len(columns) for _ in toks]
        starts = {s: i for i, (s, _) in enumerate(toks)}
        ends = {e: i for i, (_, e) in enumerate(toks)}
        for span in kept:
            col = index[column_name(span.label, depths[span.id])]
            first, last = starts[span.start], ends[span.end]
            tags[first][col] = f"B-{span.label}"
            for i in range(first + 1, last + 1):
                tags[i][col] = f"I-{span.label}"
            exported += 1
        out.append(f"# newdoc id = {doc.id}")
        by_sentence: dict[int, list[int]] = {}
        for i, (start, _) in enumerate(toks):
            by_sentence.setdefault(sentence_index(sents, start), []).append(i)
        for number, (_, members) in enumerate(sorted(by_sentence.items()), start=1):
            out.append(f"# sent_id = {doc.id}:{number}")
            out += ["\t".join([doc.text[toks[i][0] : toks[i][1]], *tags[i]]) for i in members]
            out.append("")
    return ConllExport("\n".join(out) + "\n", tuple(columns), tuple(issues), exported)


# --- import -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    token: str
    tags: tuple[tuple[int, str], ...]  # (1-based column, tag)
    line: int


@dataclass(frozen=True)
class _Doc:
    id: str
    line: int
    sentences: tuple[tuple[_Row, ...], ...]


@dataclass(frozen=True)
class ConllImport:
    documents: tuple[Document, ...]
    issues: tuple[Issue, ...]


def _split(line: str) -> list[str]:
    return line.split("\t") if "\t" in line else line.split()


def _read(
    content: str, *, file: str, doc_prefix: str, tag_columns: Sequence[int] | None, issues: list[Issue]
) -> list[_Doc]:
    token_col, tag_cols = 1, list(tag_columns) if tag_columns else None
    width: int | None = None
    docs: list[_Doc] = []
    doc_id, doc_line = None, 1
    docstart = False
    sents: list[tuple[_Row, ...]] = []
    current: list[_Row] = []

    def close_sentence() -> None:
        nonlocal current
        if current:
            sents.append(tuple(current))
        current = []

    def close_doc() -> None:
        nonlocal sents
        close_sentence()
        if sents:
            docs.append(
                _Doc(doc_id or (f"{doc_prefix}-{len(docs) + 1}" if docstart else doc_prefix), doc_line, tuple(sents))
            )
        sents = []

    for number, raw in enumerate(content.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            close_sentence()
            continue
        if line.startswith("#") and "\t" not in line:
            if line.startswith(COLUMNS_PREFIX) and tag_columns is None:
                names = line[len(COLUMNS_PREFIX) :].split()
                if TOKEN_COLUMN not in names:
                    issues.append(
                        Issue("RPT-CONLL-PARSE", f"the columns line names no {TOKEN_COLUMN} column", file, number)
                    )
                    return []
                token_col = names.index(TOKEN_COLUMN) + 1
                tag_cols = [i + 1 for i, name in enumerate(names) if name != TOKEN_COLUMN]
                width = len(names)
            elif match := _NEWDOC.match(line):
                close_doc()
                doc_id, doc_line = match.group(1), number
            continue
        cells = _split(line)
        if cells[0] == "-DOCSTART-":
            close_doc()
            doc_id, doc_line, docstart = None, number, True
            continue
        if width is None:
            width = len(cells)
        if len(cells) != width:
            issues.append(Issue("RPT-CONLL-PARSE", f"{len(cells)} columns where the file has {width}", file, number))
            continue
        columns = tag_cols if tag_cols is not None else list(range(2, width + 1))
        if any(not 1 <= c <= width for c in [token_col, *columns]):
            issues.append(Issue("RPT-CONLL-PARSE", f"--tag-columns {columns} do not fit {width} columns", file, number))
            return []
        current.append(_Row(cells[token_col - 1], tuple((c, cells[c - 1]) for c in columns), number))
    close_doc()
    return docs


def _spans_of(
    doc: _Doc,
    offsets: Sequence[Sequence[tuple[int, int]]],
    labels: Collection[str],
    file: str,
    issues: list[Issue],
) -> list[tuple[str, int, int]]:
    """Spans from the tag columns; an I- tag at the start of a sentence continues the span of the
    sentence before (the export writes spans that cross sentence boundaries so)."""
    found: list[tuple[str, int, int]] = []
    open_spans: dict[int, tuple[str, int, int]] = {}  # column -> (label, start, end so far)
    for sentence, places in zip(doc.sentences, offsets, strict=True):
        for row, (start, end) in zip(sentence, places, strict=True):
            for column, tag in row.tags:
                if tag in _OUTSIDE:
                    if column in open_spans:
                        found.append(open_spans.pop(column))
                    continue
                match = _TAG.match(tag)
                if not match or match.group(2) not in labels:
                    issues.append(Issue("RPT-CONLL-TAG", f"column {column}: {tag!r}", file, row.line))
                    continue
                prefix, label = match.groups()
                begins, ends = _PREFIXES[prefix]
                current = open_spans.get(column)
                if not begins and (current is None or current[0] != label):
                    issues.append(
                        Issue(
                            "RPT-CONLL-BIO",
                            f"column {column}: {tag} follows {'O' if current is None else current[0]}",
                            file,
                            row.line,
                        )
                    )
                    begins = True
                if begins:
                    if current is not None:
                        found.append(current)
                    open_spans[column] = (label, start, end)
                else:
                    open_spans[column] = (label, open_spans[column][1], end)
                if ends:
                    found.append(open_spans.pop(column))
    found += open_spans.values()
    return found


def _align(doc: _Doc, text: str, file: str, issues: list[Issue]) -> list[list[tuple[int, int]]] | None:
    cursor = 0
    out: list[list[tuple[int, int]]] = []
    for sentence in doc.sentences:
        places = []
        for row in sentence:
            while cursor < len(text) and text[cursor].isspace():
                cursor += 1
            if not text.startswith(row.token, cursor):
                found = text[cursor : cursor + max(len(row.token), 10)]
                issues.append(
                    Issue(
                        "RPT-CONLL-TEXT",
                        f"document {doc.id}: token {row.token!r} is not at offset "
                        f"{cursor} of the text, which has {found!r} there",
                        file,
                        row.line,
                    )
                )
                return None
            places.append((cursor, cursor + len(row.token)))
            cursor += len(row.token)
        out.append(places)
    if text[cursor:].strip():
        issues.append(
            Issue(
                "RPT-CONLL-TEXT",
                f"document {doc.id}: the tokens end at offset {cursor} but the text "
                f"goes on with {text[cursor:].lstrip()[:20]!r}",
                file,
                doc.line,
            )
        )
        return None
    return out


def _rebuild(doc: _Doc) -> tuple[str, list[list[tuple[int, int]]]]:
    """A text from tokens alone: tokens joined by spaces, one sentence per line."""
    parts: list[str] = []
    position = 0
    out = []
    for number, sentence in enumerate(doc.sentences):
        if number:
            parts.append("\n")
            position += 1
        places = []
        for i, row in enumerate(sentence):
            if i:
                parts.append(" ")
                position += 1
            parts.append(row.token)
            places.append((position, position + len(row.token)))
            position += len(row.token)
        out.append(places)
    return "".join(parts), out


def import_conll(
    content: str,
    *,
    labels: Collection[str],
    file: str = "<conll>",
    sources: Mapping[str, Document] | None = None,
    tag_columns: Sequence[int] | None = None,
    provenance: Mapping[str, Any] | None = None,
    meta: Mapping[str, Any] | None = None,
) -> ConllImport:
    """Documents from CoNLL text. With ``sources`` (documents by id) the tokens are placed on each
    source's text and its meta is kept; without, the text is rebuilt from the tokens. Span ids are
    ``T1``, ``T2``, ... in document order; spans have no attributes (BIO carries none)."""
    issues: list[Issue] = []
    prefix = re.sub(r"[^A-Za-z0-9._-]+", "-", file.rsplit("/", 1)[-1].rsplit(".", 1)[0]).strip("-.") or "doc"
    raw_docs = _read(content, file=file, doc_prefix=prefix, tag_columns=tag_columns, issues=issues)
    documents = []
    seen: set[str] = set()
    for raw in raw_docs:
        if raw.id in seen:
            issues.append(Issue("RPT-CONLL-DOC", f"document {raw.id} appears twice", file, raw.line))
            continue
        seen.add(raw.id)
        if sources is not None:
            source = sources.get(raw.id)
            if source is None:
                issues.append(Issue("RPT-CONLL-DOC", f"document {raw.id} is not in the texts", file, raw.line))
                continue
            text, doc_meta = source.text, source.meta
            offsets = _align(raw, text, file, issues)
            if offsets is None:
                continue
        else:
            doc_meta = dict(meta or {})
            text, offsets = _rebuild(raw)
        found = _spans_of(raw, offsets, labels, file, issues)
        ordered = sorted(found, key=lambda s: (s[1], -s[2], s[0]))
        spans = tuple(Span(f"T{i}", label, s, e, text[s:e], {}) for i, (label, s, e) in enumerate(ordered, start=1))
        documents.append(Document(raw.id, text, dict(doc_meta), spans, (), dict(provenance or {})))
    return ConllImport(tuple(documents), tuple(_fewer_tag_issues(issues, file)))


def _fewer_tag_issues(issues: list[Issue], file: str, shown: int = 3) -> list[Issue]:
    """A column of something other than tags (POS, chunks) gives one issue per line; keep the
    first few per column and count the rest."""
    kept: list[Issue] = []
    seen: dict[str, int] = {}
    for issue in issues:
        column = issue.message.split(":", 1)[0] if issue.code == "RPT-CONLL-TAG" else ""
        if column:
            seen[column] = seen.get(column, 0) + 1
            if seen[column] > shown:
                continue
        kept.append(issue)
    return kept + [
        Issue("RPT-CONLL-TAG", f"{column}: {count - shown} more value(s) that are not tags", file)
        for column, count in seen.items()
        if count > shown
    ]
