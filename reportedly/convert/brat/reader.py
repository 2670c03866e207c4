"""brat to documents: one ``.ann`` on its ``.txt``, and a folder of them as annotation layers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportedly.convert.brat.events import References, relations_of
from reportedly.convert.brat.mapping import ID_NOTE, BratMapping, Discontinuous
from reportedly.convert.brat.parse import Ann, parse_ann
from reportedly.convert.issues import Issue
from reportedly.document import Document, Relation, Span, sorted_spans
from reportedly.names import NAME_PATTERN as ID_PATTERN
from reportedly.schema import Schema

# --- .ann -> document -------------------------------------------------------------------------


@dataclass(frozen=True)
class BratDocument:
    """One converted ``.ann``: the document (None when it has errors), its issues, and the
    ``.ann`` line of each span id (so validation incidents can name the line)."""

    document: Document | None
    issues: tuple[Issue, ...]
    lines: Mapping[str, int] = field(default_factory=dict)


def _diagnose(text: str, start: int, end: int, expected: str) -> str:
    """Say which other offset unit would have put ``expected`` at ``start``/``end``."""
    checks = {
        "UTF-8 bytes": text.encode("utf-8"),
        "UTF-16 code units": text.encode("utf-16-le"),
    }
    if expected and text.replace("\r\n", "\n")[start:end] == expected:
        return "; they fit the text with CRLF line ends counted as one character"
    for unit, data in checks.items():
        width = 2 if unit.startswith("UTF-16") else 1
        try:
            piece = data[start * width : end * width].decode("utf-16-le" if width == 2 else "utf-8")
        except UnicodeDecodeError:
            continue
        if expected and piece == expected:
            return f"; they look like {unit}, not code points"
    return ""


def _same_text(found: str, written: str) -> bool:
    return found == written or " ".join(found.split()) == " ".join(written.split())


def _only_triggers(parsed: Ann) -> set[str]:
    """T ids that are event triggers and nothing else (no role, relation or equivalence argument)."""
    arguments = {arg for event in parsed.events for _, arg in event.args}
    arguments |= {arg for rel in parsed.relations for _, arg in rel.args}
    arguments |= {i for equiv in parsed.equivs for i in equiv.ids}
    return {event.trigger for event in parsed.events} - arguments


def ann_to_document(
    text: str,
    ann: str,
    *,
    doc_id: str,
    mapping: BratMapping,
    ann_file: str = "<ann>",
    meta: Mapping[str, Any] | None = None,
    provenance: Mapping[str, Any] | None = None,
    discontinuous: Discontinuous = "error",
) -> BratDocument:
    """Convert one ``.ann`` on its ``.txt`` text. Errors (unparsable lines, offsets outside the
    text, unmapped types, discontinuous spans under the ``error`` policy, dangling references)
    are all collected; the document is None when there is any."""
    parsed, issues = parse_ann(ann, file=ann_file)

    def issue(code: str, message: str, line: int | None) -> None:
        issues.append(Issue(code, message, ann_file, line))

    ignored: dict[str, int] = {}
    spans: dict[str, Span] = {}  # brat T id -> span (with the brat id for now)
    lines: dict[str, int] = {}
    skipped: set[str] = set()  # T ids left out on purpose, or already reported: no further issues
    triggers: dict[str, tuple[int, int]] = {}  # triggers: skip: trigger T id -> offsets
    only_triggers = _only_triggers(parsed) if mapping.skip_triggers else set()
    marked = {
        (min(s for s, _ in tb.fragments), max(e for _, e in tb.fragments))
        for tb in parsed.textbounds
        if tb.id not in only_triggers and tb.type in mapping.spans
    }
    for tb in parsed.textbounds:
        skipped.add(tb.id)  # until it becomes a span
        if tb.type in mapping.ignore:
            ignored[tb.type] = ignored.get(tb.type, 0) + 1
            continue
        place = (min(s for s, _ in tb.fragments), max(e for _, e in tb.fragments))
        if tb.id in only_triggers and (tb.type not in mapping.spans or place in marked):
            triggers[tb.id] = place  # a second mark of a span (the cue): its relation goes to that span
            continue
        bad = [(s, e) for s, e in tb.fragments if not 0 <= s < e <= len(text)]
        if bad:
            s, e = bad[0]
            hint = _diagnose(text, s, e, tb.text or "")
            issue(
                "RPT-BRAT-OFFSET",
                f"{tb.id} [{s}, {e}) is not a non-empty range inside the .txt ({len(text)} code points){hint}",
                tb.line,
            )
            continue
        found = " ".join(text[s:e] for s, e in tb.fragments)
        if tb.text is not None and not _same_text(found, tb.text):
            s, e = tb.fragments[0]
            hint = _diagnose(text, s, tb.fragments[-1][1], tb.text) if len(tb.fragments) == 1 else ""
            issue("RPT-BRAT-TEXT", f"{tb.id} says {tb.text!r} but the .txt has {found!r} there{hint}", tb.line)
            continue
        label = mapping.spans.get(tb.type)
        if label is None:
            issue(
                "RPT-BRAT-UNMAPPED",
                f"{tb.id}: entity type {tb.type!r} is not under spans: in {mapping.source}",
                tb.line,
            )
            continue
        start, end = min(s for s, _ in tb.fragments), max(e for _, e in tb.fragments)
        if len(tb.fragments) > 1:
            fragments = ";".join(f"{s} {e}" for s, e in tb.fragments)
            if discontinuous == "error":
                issue("RPT-BRAT-DISCONTINUOUS", f"{tb.id} {tb.type} has fragments {fragments}", tb.line)
                continue
            if discontinuous == "skip":
                issue(
                    "RPT-BRAT-SKIPPED",
                    f"{tb.id} {tb.type} is discontinuous ({fragments}); left out with "
                    "the relations and attributes that use it",
                    tb.line,
                )
                continue
            issue("RPT-BRAT-MERGED", f"{tb.id} {tb.type} fragments {fragments} became [{start}, {end})", tb.line)
        spans[tb.id] = Span(tb.id, label, start, end, text[start:end], {})
        lines[tb.id] = tb.line
        skipped.discard(tb.id)

    # notes: our span ids come back; anything else is reported and ignored
    renamed: dict[str, str] = {}
    for note in parsed.notes:
        if note.type == "AnnotatorNotes" and note.text.startswith(ID_NOTE) and note.target in spans:
            renamed[note.target] = note.text[len(ID_NOTE) :].strip()
        else:
            issue("RPT-BRAT-NOTE", f"{note.id} {note.type} on {note.target} ignored", note.line)

    events = {e.id: e for e in parsed.events}
    refs = References(spans, skipped, mapping, issue, triggers)

    attrs: dict[str, dict[str, str]] = {tb_id: {} for tb_id in spans}
    for attr in parsed.attributes:
        if attr.name in mapping.ignore:
            ignored[attr.name] = ignored.get(attr.name, 0) + 1
            continue
        amap = mapping.attributes.get(attr.name)
        if amap is None:
            issue(
                "RPT-BRAT-UNMAPPED",
                f"{attr.id}: attribute {attr.name!r} is not under attributes: in {mapping.source}",
                attr.line,
            )
            continue
        targets = refs.event_heads(events[attr.target]) if attr.target in events else [attr.target]
        if attr.target in events and not targets:
            if events[attr.target].type not in mapping.ignore:  # else: left out with its event
                issue(
                    "RPT-BRAT-REF",
                    f"{attr.id}: event {attr.target} has no head-role argument to carry {attr.name}",
                    attr.line,
                )
            continue
        brat_value = attr.value if attr.value is not None else "true"
        value = amap.values.get(brat_value) if amap.values else attr.value
        if value is None:
            issue(
                "RPT-BRAT-UNMAPPED",
                f"{attr.id}: value {brat_value!r} of {attr.name!r} is not under "
                f"attributes.{attr.name}.values in {mapping.source}",
                attr.line,
            )
            continue
        for target in targets:
            if refs.known(target, attr.id, attr.line):
                attrs[target][amap.attribute] = value

    relations = relations_of(parsed, refs, ignored)

    for name, count in sorted(ignored.items()):
        issue("RPT-BRAT-IGNORED", f"{count} annotation(s) of {name!r} (listed under ignore:)", None)
    if triggers:
        issue("RPT-BRAT-IGNORED", f"{len(triggers)} event trigger(s) not imported as spans (triggers: skip)", None)

    new_ids = {tb_id: renamed.get(tb_id, tb_id) for tb_id in spans}
    if len(set(new_ids.values())) != len(new_ids):
        issue("RPT-BRAT-DUPLICATE-ID", "two spans get the same id from reportedly:id= notes", None)
    if any(i.level == "error" for i in issues):
        return BratDocument(None, tuple(issues), {})
    final = []
    for tb_id, span in spans.items():
        values = dict(mapping.defaults.get(span.label, {}))
        values.update(attrs[tb_id])
        final.append(Span(new_ids[tb_id], span.label, span.start, span.end, span.text, values))
    unique: dict[Relation, None] = {}
    for made in relations:
        unique.setdefault(Relation(made.label, new_ids[made.head], new_ids[made.tail]), None)
    document = Document(
        doc_id, text, dict(meta or {}), tuple(sorted_spans(final)), tuple(unique), dict(provenance or {})
    )
    return BratDocument(document, tuple(issues), {new_ids[k]: v for k, v in lines.items()})


# --- a folder of .txt/.ann --------------------------------------------------------------------


@dataclass(frozen=True)
class BratLayer:
    annotator: str
    document: Document
    ann_file: Path
    lines: Mapping[str, int]


@dataclass(frozen=True)
class BratImport:
    layers: tuple[BratLayer, ...]
    issues: tuple[Issue, ...]
    unannotated: tuple[Path, ...] = ()  # .txt files without any .ann


def read_txt(path: Path) -> tuple[str | None, list[Issue]]:
    """A ``.txt`` as code points, line ends untouched (brat counts ``\\r``)."""
    try:
        return path.read_bytes().decode("utf-8"), []
    except UnicodeDecodeError as exc:
        return None, [Issue("RPT-ENCODING", f"byte {exc.start}: {exc.reason}", str(path))]


def brat_files(
    folder: Path, *, annotator: str | None = None, separator: str = "."
) -> tuple[list[tuple[str, str, Path, Path]], list[Issue], list[Path]]:
    """Pair each ``.ann`` with its ``.txt``: ``(doc id, annotator, txt, ann)``.

    ``<id>.ann`` belongs to ``annotator`` (which must then be given); ``<id><separator><name>.ann``
    belongs to annotator ``name``."""
    folder = Path(folder)
    texts = {p.name[:-4]: p for p in folder.glob("*.txt")}
    pairs: list[tuple[str, str, Path, Path]] = []
    issues: list[Issue] = []
    used: set[str] = set()
    for ann in sorted(folder.glob("*.ann")):
        name = ann.name[:-4]
        if name in texts:
            if annotator is None:
                issues.append(
                    Issue(
                        "RPT-BRAT-FILES",
                        f"{ann.name} does not say whose annotations it holds; name it "
                        f"{name}{separator}<annotator>.ann or pass --annotator",
                        str(ann),
                    )
                )
                continue
            doc_id, who = name, annotator
        else:
            doc_id, sep, who = name.rpartition(separator)
            if not sep or doc_id not in texts:
                issues.append(
                    Issue(
                        "RPT-BRAT-FILES",
                        f"no {name}.txt, and no <id>.txt for a name <id>{separator}<annotator>.ann",
                        str(ann),
                    )
                )
                continue
        for kind, value in (("document id", doc_id), ("annotator", who)):
            if not ID_PATTERN.match(value):
                issues.append(
                    Issue(
                        "RPT-BRAT-FILES",
                        f"{kind} {value!r} from the file name is not valid (letters, digits, '.', '_', '-')",
                        str(ann),
                    )
                )
                break
        else:
            pairs.append((doc_id, who, texts[doc_id], ann))
            used.add(doc_id)
    seen: dict[tuple[str, str], Path] = {}
    for doc_id, who, _, ann in pairs:
        if (doc_id, who) in seen:
            issues.append(
                Issue(
                    "RPT-BRAT-FILES",
                    f"{ann.name} and {seen[doc_id, who].name} are both {who}'s annotations of {doc_id}",
                    str(ann),
                )
            )
        seen[doc_id, who] = ann
    unannotated = sorted(p for stem, p in texts.items() if stem not in used)
    return pairs, issues, unannotated


def import_brat_folder(
    folder: Path,
    *,
    schema: Schema,
    mapping: BratMapping,
    annotator: str | None = None,
    separator: str = ".",
    gold: Mapping[str, Document] | None = None,
    discontinuous: Discontinuous = "error",
) -> BratImport:
    """Every ``.ann`` of ``folder`` as an annotation layer (provenance layer ``annotation``, one
    annotator, method ``imported from brat standoff (<file>)``). With ``gold``, each ``.txt``
    must equal its gold document's text, and the gold meta is copied."""
    pairs, issues, unannotated = brat_files(folder, annotator=annotator, separator=separator)
    layers: list[BratLayer] = []
    texts: dict[Path, str | None] = {}
    for doc_id, who, txt, ann in pairs:
        if txt not in texts:
            texts[txt], problems = read_txt(txt)
            issues += problems
            known = gold.get(doc_id) if gold is not None else None
            if texts[txt] is not None and known is not None and known.text != texts[txt]:
                issues.append(
                    Issue("RPT-BRAT-GOLD-TEXT", f"{txt.name} differs from the text of gold document {doc_id}", str(txt))
                )
                texts[txt] = None
        text = texts[txt]
        ann_text, problems = read_txt(ann)
        issues += problems
        if text is None or ann_text is None:
            continue
        gold_doc = gold.get(doc_id) if gold is not None else None
        provenance = {
            "layer": "annotation",
            "annotators": [who],
            "method": f"imported from brat standoff ({ann.name})",
            "schema_version": schema.version,
        }
        result = ann_to_document(
            text,
            ann_text,
            doc_id=doc_id,
            mapping=mapping,
            ann_file=str(ann),
            meta=gold_doc.meta if gold_doc else {},
            provenance=provenance,
            discontinuous=discontinuous,
        )
        issues += result.issues
        if result.document is not None:
            layers.append(BratLayer(who, result.document, ann, result.lines))
    return BratImport(tuple(layers), tuple(issues), tuple(unannotated))
