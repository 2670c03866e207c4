"""CoNLL-2010 / Szeged uncertainty XML to documents: typed ``<ccue>`` cues become HEDGE spans.

The shape read (element names as the corpora write them; other elements are walked through)::

    <Annotation><DocumentSet>
      <Document><DocID>doc-1</DocID><DocumentPart>
        <Sentence id="S1.1">The plan <ccue type="speculation_modal_probable_">may</ccue> fail.</Sentence>
    ...

Each ``<Document>`` becomes one document (a file without ``<Document>`` elements is one document);
its text is its sentences' texts, exactly as written between the tags (entities decoded), joined
by a line break; ``provenance.sentences`` keeps each sentence's id and code-point range. A cue is
the text inside its ``<ccue>`` (nested cues included), so cues may nest or overlap.

Cue types go through :data:`CUE_TYPES` (the reasons are in docs/corpora.md): a hedge type of our
schema, or ``skip`` for cue types our guidelines (LABELING.md, section 8) do not count as hedges.
A type is compared in a normal form: lower case, runs of spaces and underscores as one ``_``, a
leading ``speculation_`` and trailing ``_`` dropped (``speculation_hypo_doxastic _`` is
``hypo_doxastic``). A type the table does not know is an error until the caller maps it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportedly.convert.issues import Issue
from reportedly.convert.output import Planned, check_before_writing, document_files
from reportedly.document import Document, Span
from reportedly.incidents import Incident, ReportedlyError, has_errors
from reportedly.manifest import MANIFEST, manifest_text, scope_of
from reportedly.names import join_inside
from reportedly.schema import Schema

SKIP = "skip"
UNTYPED = "(untyped)"  # the normal form of a <ccue> without a type (the CoNLL-2010 shared task)

# normal form of a cue type -> our hedge_type, or skip (docs/corpora.md gives every reason)
CUE_TYPES: Mapping[str, str] = {
    # epistemic modality, probable and possible (may, might, probably, likely): LABELING.md H-3 modal
    "modal_probable": "modal",
    "modal_possible": "modal",
    "epistemic": "modal",
    "epistemic_probable": "modal",
    "epistemic_possible": "modal",
    # belief and opinion (believe, think, suppose, expect): the belief verbs of H-4, speculative
    "hypo_doxastic": "speculative",
    "doxastic": "speculative",
    # a condition (if, unless, provided that): H-3 conditional
    "hypo_condition": "conditional",
    "condition": "conditional",
    # questions and inquiry (whether, investigate, test if): asking is no lowered commitment (H-3: if = whether)
    "hypo_investigation": SKIP,
    "investigation": SKIP,
    # discourse-level cues of the Wikipedia part
    "weasel": SKIP,  # a vague source (some experts say): our SOURCE (unnamed_group), not a hedge
    "peacock": SKIP,  # praise and boosters (legendary, clearly): never hedges (H-1)
    "hedge": "approximator",  # fuzziness (mostly, largely, roughly): H-3 approximators
    # no type at all (CoNLL-2010): a hedge of unknown kind; hedge_type stays empty and is not scored
    UNTYPED: "",
    # written by export_uncertainty_xml for our evidential hedges, which the corpora have no type for
    "evidential": "evidential",
}
# our hedge_type -> the cue type export_uncertainty_xml writes (read back by CUE_TYPES to the same value)
EXPORT_TYPES: Mapping[str, str] = {
    "modal": "epistemic",
    "speculative": "doxastic",
    "conditional": "condition",
    "approximator": "hedge",
    "evidential": "evidential",
}

_ID_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


def normal_type(cue_type: str | None) -> str:
    """The form cue types are compared in.

    >>> normal_type("speculation_hypo_doxastic _"), normal_type(" Epistemic  possible"), normal_type(None)
    ('hypo_doxastic', 'epistemic_possible', '(untyped)')
    """
    if cue_type is None or not cue_type.strip():
        return UNTYPED
    form = re.sub(r"[\s_]+", "_", cue_type.strip().lower()).strip("_")
    return form.removeprefix("speculation_") or UNTYPED


@dataclass(frozen=True)
class UncertaintyImport:
    documents: tuple[Document, ...]
    issues: tuple[Issue, ...]
    cues: Mapping[str, int]  # cue type as written -> how many
    skipped: Mapping[str, int]  # cue type as written -> how many were left out (skip)

    @property
    def typed(self) -> bool:
        """True when every imported hedge has a hedge_type (so hedge_type can be scored)."""
        return all("hedge_type" in s.attrs for d in self.documents for s in d.spans)


@dataclass
class _Walk:
    """One sentence's text and cues, collected in document order."""

    parts: list[str]
    cues: list[tuple[int, int, str | None]]  # start, end (in the sentence), type
    length: int = 0

    def visit(self, element: ET.Element) -> None:
        start = self.length
        self.add(element.text)
        for child in element:
            self.visit(child)
            self.add(child.tail)
        if _local(element.tag) == "ccue":
            self.cues.append((start, self.length, element.get("type")))

    def add(self, piece: str | None) -> None:
        if piece:
            self.parts.append(piece)
            self.length += len(piece)


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _doc_id(element: ET.Element, stem: str, number: int) -> str:
    found = next((c for c in element.iter() if _local(c.tag) == "DocID" and (c.text or "").strip()), None)
    raw = (found.text or "").strip() if found is not None else element.get("id", "")
    cleaned = _ID_CHARS.sub("-", raw).strip("-._")
    return cleaned or f"{_ID_CHARS.sub('-', stem).strip('-._') or 'doc'}-{number:04d}"


def import_uncertainty_xml(
    content: str | bytes,
    *,
    file: str = "<xml>",
    cue_types: Mapping[str, str] | None = None,
    schema_version: str = "",
) -> UncertaintyImport:
    """Convert one XML file. ``cue_types`` (normal form -> hedge type or ``skip``) extends and
    overrides :data:`CUE_TYPES`. Every problem is an issue; no document is returned when any is an error."""
    table = {**CUE_TYPES, **{normal_type(k): v for k, v in (cue_types or {}).items()}}
    issues: list[Issue] = []
    try:
        root = ET.fromstring(content)
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        return UncertaintyImport((), (Issue("RPT-XML-PARSE", f"not well-formed XML: {exc}", file, line),), {}, {})
    stem = Path(file).stem
    units = [e for e in root.iter() if _local(e.tag) == "Document"] or [root]
    documents: list[Document] = []
    cues: dict[str, int] = {}
    skipped: dict[str, int] = {}
    unknown: dict[str, int] = {}
    seen: set[str] = set()
    for number, unit in enumerate(units, start=1):
        doc_id = _doc_id(unit, stem, number)
        if doc_id in seen:
            message = f"two <Document>s get the id {doc_id!r}; give them distinct DocIDs"
            issues.append(Issue("RPT-XML-PARSE", message, file))
            continue
        seen.add(doc_id)
        text_parts: list[str] = []
        sentences: list[list[Any]] = []
        spans: list[Span] = []
        offset = 0
        for index, sentence in enumerate(e for e in unit.iter() if _local(e.tag) == "Sentence"):
            if text_parts:
                text_parts.append("\n")
                offset += 1
            walk = _Walk([], [])
            walk.visit(sentence)
            sentence_text = "".join(walk.parts)
            text_parts.append(sentence_text)
            sentences.append([sentence.get("id") or f"S{index + 1}", offset, offset + len(sentence_text)])
            for start, end, cue_type in sorted(walk.cues):
                written = cue_type if cue_type is not None else UNTYPED
                cues[written] = cues.get(written, 0) + 1
                value = table.get(normal_type(cue_type))
                if value is None:
                    unknown[written] = unknown.get(written, 0) + 1
                    continue
                if value == SKIP:
                    skipped[written] = skipped.get(written, 0) + 1
                    continue
                if start == end:
                    where = f"document {doc_id}, sentence {sentences[-1][0]}"
                    issues.append(Issue("RPT-XML-PARSE", f"{where}: an empty <ccue type={written!r}>", file))
                    continue
                s, e = offset + start, offset + end
                attrs = {"hedge_type": value} if value else {}
                spans.append(Span(f"H{len(spans) + 1}", "HEDGE", s, e, sentence_text[start:end], attrs))
            offset += len(sentence_text)
        if not sentences:
            continue
        provenance = {
            "layer": "gold",
            "method": f"imported from CoNLL-2010/Szeged uncertainty XML ({Path(file).name})",
            "schema_version": schema_version,
            "sentences": sentences,
        }
        meta = {"origin": "user_supplied"}
        documents.append(Document(doc_id, "".join(text_parts), meta, tuple(spans), (), provenance))
    for written, count in sorted(unknown.items()):
        issues.append(
            Issue(
                "RPT-XML-CUE",
                f"{count} cue(s) of type {written!r} (normal form {normal_type(written)!r}) are in no mapping; "
                f"known: {', '.join(sorted(CUE_TYPES))}",
                file,
            )
        )
    if not documents and not issues:
        issues.append(Issue("RPT-XML-PARSE", "no <Sentence> element with text", file))
    if any(i.level == "error" for i in issues):
        return UncertaintyImport((), tuple(issues), cues, skipped)
    return UncertaintyImport(tuple(documents), tuple(issues), cues, skipped)


@dataclass(kw_only=True)
class UncertaintyPlan(Planned):
    documents: int = 0
    hedges: int = 0
    cues: int = 0  # cues read, of any type
    skipped: Mapping[str, int] = field(default_factory=dict)  # cue type as written -> how many were left out


def plan_uncertainty_import(
    file: Path, out: Path, *, schema: Schema, cue_types: Mapping[str, str] | None = None
) -> UncertaintyPlan:
    """``convert uncertainty-xml``: the gold documents of one XML file, checked (required attributes
    may be missing: the corpora have none), as the files of ``out``; a folder also gets a
    ``corpus.yaml`` saying it annotates HEDGE only (with hedge_type when every cue was typed), so
    ``reportedly eval`` scores hedges alone."""
    try:
        content = Path(file).read_bytes()
    except OSError as exc:
        message = f"{file}: {exc.strerror or exc}"
        raise ReportedlyError(Incident("RPT-PATH-MISSING", message, str(file)), message) from None
    result = import_uncertainty_xml(content, file=str(file), cue_types=cue_types, schema_version=schema.version)
    plan = UncertaintyPlan(
        issues=result.issues,
        documents=len(result.documents),
        hedges=sum(len(d.spans) for d in result.documents),
        cues=sum(result.cues.values()),
        skipped=dict(result.skipped),
    )
    if has_errors(plan.issues):
        return plan
    plan.checked = check_before_writing(
        [(doc, str(file), {}) for doc in result.documents], schema, allow_missing_attrs=True
    )
    if not plan.writable:
        return plan
    plan.files = document_files(result.documents, out)
    scope = scope_of(schema, ["HEDGE"], attributes=["hedge_type"] if result.typed else [], name=Path(file).stem)
    if out.suffix != ".jsonl":
        plan.files[join_inside(out, MANIFEST)] = manifest_text(scope)
    return plan


def export_uncertainty_xml(documents: Sequence[Document]) -> str:
    """HEDGE spans as typed ``<ccue>`` elements, one ``<Sentence>`` per range of
    ``provenance.sentences`` (or one per document): what :func:`import_uncertainty_xml` reads back
    to the same documents (texts, ids, offsets, hedge types; other labels are not written).

    >>> from reportedly.document import make_span
    >>> text = "It may rain."
    >>> doc = Document("d1", text, spans=(make_span(text, "H1", "HEDGE", 3, 6, hedge_type="modal"),))
    >>> export_uncertainty_xml([doc]).splitlines()[3]
    '<Sentence id="S1">It <ccue type="epistemic">may</ccue> rain.</Sentence>'
    """
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<Annotation><DocumentSet>"]
    for doc in documents:
        ranges = doc.provenance.get("sentences") or [["S1", 0, len(doc.text)]]
        lines.append(f"<Document><DocID>{escape(doc.id)}</DocID>")
        for sentence_id, start, end in ranges:
            hedges = sorted(
                (s for s in doc.spans if s.label == "HEDGE" and start <= s.start and s.end <= end),
                key=lambda s: (s.start, -s.end),
            )
            marks: list[tuple[int, int, str]] = []  # position, order (closing first), tag
            for span in hedges:
                kind = EXPORT_TYPES.get(span.attrs.get("hedge_type", ""))
                opening = f'<ccue type="{kind}">' if kind else "<ccue>"
                marks += [(span.start, 1, opening), (span.end, 0, "</ccue>")]
            out, position = [], start
            for at, _, tag in sorted(marks, key=lambda m: (m[0], m[1])):
                out += [escape(doc.text[position:at]), tag]
                position = at
            out.append(escape(doc.text[position:end]))
            lines.append(f'<Sentence id="{escape(str(sentence_id), {chr(34): "&quot;"})}">{"".join(out)}</Sentence>')
        lines.append("</Document>")
    return "\n".join([*lines, "</DocumentSet></Annotation>"]) + "\n"
