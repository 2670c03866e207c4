"""brat standoff (``<id>.txt`` + ``.ann``) to and from reportedly documents.

Offsets: brat offsets are read and written as Unicode code points of the ``.txt`` decoded as
UTF-8 with its line ends as written (a ``\\r`` of CRLF counts as one character), which is what
brat itself and Python's ``str`` count; astral characters (emoji) are one code point.

Lines understood: text-bound ``T`` (several fragments ``0 5;10 15`` are discontinuous spans,
reported, never merged silently), attributes ``A``/``M``, relations ``R``, events ``E`` (as
attribution corpora use them: an event with roles such as Source, Cue and Content), equivalences
``*``; notes ``#`` and normalizations ``N`` are ignored with a warning, except the
``reportedly:id=<span id>`` notes that :func:`document_to_ann` writes to keep span ids.

Labels come through a small YAML mapping (:class:`BratMapping`): brat type -> label, attribute
-> attribute, relation type or event role -> relation. Bundled: ``reportedly`` (brat types are
our own names; what the export writes) and ``attribution`` (Source/Cue/Content: Content becomes
a CLAIM attributed_to its Source and introduced_by its Cue).

Several annotators' ``.ann`` files for one text are told apart by a suffix,
``<id>.<annotator>.ann``, and become one annotation layer each (``corpus/layers/<annotator>``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

from reportedly.convert.issues import ConvertError, Issue
from reportedly.document import Document, Relation, Span, sorted_spans
from reportedly.schema import Schema

Discontinuous = Literal["error", "merge", "skip"]
DISCONTINUOUS_POLICIES: tuple[str, ...] = ("error", "merge", "skip")
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
ID_NOTE = "reportedly:id="
BUNDLED_DIR = "mappings"


# --- the label mapping ------------------------------------------------------------------------


@dataclass(frozen=True)
class AttributeMap:
    attribute: str  # our attribute name
    values: Mapping[str, str] = field(default_factory=dict)  # brat value -> ours; empty: the same names


@dataclass(frozen=True)
class RelationMap:
    relation: str
    reverse: bool = False  # brat's Arg1 is our tail (and Arg2 our head)


@dataclass(frozen=True)
class EventMap:
    head: str  # the role whose argument heads every relation (Content -> the CLAIM)
    roles: Mapping[str, str]  # other role -> relation from the head's span to the role's span
    trigger: str | None = None  # relation from the head's span to the trigger's span


@dataclass(frozen=True)
class BratMapping:
    name: str
    spans: Mapping[str, str]  # brat entity type -> our label
    attributes: Mapping[str, AttributeMap]
    relations: Mapping[str, RelationMap]  # R (and *) types
    events: Mapping[str, EventMap]
    defaults: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # label -> attribute -> value
    ignore: frozenset[str] = frozenset()
    source: str = ""

    # the export direction: our names -> brat names (the first brat name that maps to ours)
    def brat_type(self, label: str) -> str | None:
        if self.spans.get(label) == label:
            return label
        return next((t for t, ours in self.spans.items() if ours == label), None)

    def brat_attribute(self, attribute: str, value: str) -> tuple[str, str] | None:
        for name, amap in sorted(self.attributes.items(), key=lambda kv: kv[0] != attribute):
            if amap.attribute != attribute:
                continue
            if not amap.values:
                return name, value
            brat_value = next((b for b, ours in amap.values.items() if ours == value), None)
            if brat_value is not None:
                return name, brat_value
        return None

    def brat_relation(self, relation: str) -> tuple[str, bool] | None:
        candidates = sorted(self.relations.items(), key=lambda kv: (kv[1].reverse, kv[0] != relation))
        return next(((t, m.reverse) for t, m in candidates if m.relation == relation), None)


_MAPPING_KEYS = {"name", "description", "identity", "spans", "attributes", "relations", "events", "defaults", "ignore"}


def bundled_mappings() -> list[str]:
    """Names of the mappings shipped in ``reportedly/convert/mappings``."""
    folder = resources.files("reportedly.convert").joinpath(BUNDLED_DIR)
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_mapping(name_or_path: str | Path, schema: Schema) -> BratMapping:
    """A bundled mapping by name (``reportedly``, ``attribution``) or a YAML file; raises
    :class:`ConvertError` (RPT-BRAT-MAPPING) naming the key to fix."""
    text: str
    where = str(name_or_path)
    if isinstance(name_or_path, str) and name_or_path in bundled_mappings():
        resource = resources.files("reportedly.convert").joinpath(BUNDLED_DIR, f"{name_or_path}.yaml")
        text = resource.read_text(encoding="utf-8")
        where = f"reportedly/convert/mappings/{name_or_path}.yaml"
    else:
        path = Path(name_or_path)
        if not path.is_file():
            raise ConvertError(
                [
                    Issue(
                        "RPT-BRAT-MAPPING",
                        f"no such file, and not a bundled mapping ({', '.join(bundled_mappings())})",
                        where,
                    )
                ]
            )
        text = path.read_text(encoding="utf-8")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = exc.problem_mark.line + 1 if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark else None
        raise ConvertError([Issue("RPT-BRAT-MAPPING", f"invalid YAML: {exc}", where, line)]) from None
    return mapping_from_dict(raw, schema, where=where)


def mapping_from_dict(raw: Any, schema: Schema, *, where: str = "<mapping>") -> BratMapping:
    def fail(key: str, message: str) -> ConvertError:
        return ConvertError([Issue("RPT-BRAT-MAPPING", f"{key}: {message}", where)])

    def table(value: Any, key: str) -> Mapping[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
            raise fail(key, "must be a mapping with string keys")
        return value

    if not isinstance(raw, Mapping):
        raise fail("(top level)", "must be a mapping")
    unknown = set(raw) - _MAPPING_KEYS
    if unknown:
        raise fail("(top level)", f"unknown key(s) {sorted(unknown)}; allowed: {sorted(_MAPPING_KEYS)}")
    labels, relations = set(schema.label_names), set(schema.relation_names)
    attributes = {a.name: a for a in schema.attributes}

    spans: dict[str, str] = {}
    attr_maps: dict[str, AttributeMap] = {}
    rel_maps: dict[str, RelationMap] = {}
    if raw.get("identity", False) is True:
        spans.update({label: label for label in labels})
        attr_maps.update({name: AttributeMap(name) for name in attributes})
        rel_maps.update({name: RelationMap(name) for name in relations})
    elif raw.get("identity", False) is not False:
        raise fail("identity", "must be true or false")

    for brat_type, label in table(raw.get("spans"), "spans").items():
        if label not in labels:
            raise fail(f"spans.{brat_type}", f"unknown label {label!r}; known: {sorted(labels)}")
        spans[brat_type] = label

    for brat_name, value in table(raw.get("attributes"), "attributes").items():
        key = f"attributes.{brat_name}"
        if isinstance(value, str):
            value = {"attribute": value}
        entry = table(value, key)
        if set(entry) - {"attribute", "values"} or "attribute" not in entry:
            raise fail(key, "write the attribute name, or {attribute: NAME, values: {brat value: our value}}")
        ours = entry["attribute"]
        if ours not in attributes:
            raise fail(f"{key}.attribute", f"unknown attribute {ours!r}; known: {sorted(attributes)}")
        values = {str(k).lower() if isinstance(k, bool) else str(k): v for k, v in (entry.get("values") or {}).items()}
        for brat_value, our_value in values.items():
            if our_value not in attributes[ours].value_names:
                raise fail(
                    f"{key}.values.{brat_value}",
                    f"{our_value!r} is not a value of {ours} ({', '.join(attributes[ours].value_names)})",
                )
        attr_maps[brat_name] = AttributeMap(ours, values)

    for brat_type, value in table(raw.get("relations"), "relations").items():
        key = f"relations.{brat_type}"
        if isinstance(value, str):
            value = {"relation": value}
        entry = table(value, key)
        if set(entry) - {"relation", "reverse"} or "relation" not in entry:
            raise fail(key, "write the relation name, or {relation: NAME, reverse: true}")
        if entry["relation"] not in relations:
            raise fail(f"{key}.relation", f"unknown relation {entry['relation']!r}; known: {sorted(relations)}")
        rel_maps[brat_type] = RelationMap(entry["relation"], bool(entry.get("reverse", False)))

    events: dict[str, EventMap] = {}
    for brat_type, value in table(raw.get("events"), "events").items():
        key = f"events.{brat_type}"
        entry = table(value, key)
        if set(entry) - {"head", "roles", "trigger"} or not isinstance(entry.get("head"), str):
            raise fail(key, "write {head: ROLE, roles: {ROLE: relation}, trigger: relation or null}")
        roles = {role: rel for role, rel in table(entry.get("roles"), f"{key}.roles").items()}
        for role, rel in [*roles.items(), ("trigger", entry.get("trigger"))]:
            if rel is not None and rel not in relations:
                raise fail(f"{key}.roles.{role}", f"unknown relation {rel!r}; known: {sorted(relations)}")
        events[brat_type] = EventMap(entry["head"], roles, entry.get("trigger"))

    defaults: dict[str, dict[str, str]] = {}
    for label, values in table(raw.get("defaults"), "defaults").items():
        if label not in labels:
            raise fail(f"defaults.{label}", f"unknown label; known: {sorted(labels)}")
        for attr, value in table(values, f"defaults.{label}").items():
            if attr not in attributes or attributes[attr].label != label:
                raise fail(f"defaults.{label}.{attr}", f"{attr!r} is not an attribute of {label}")
            if value not in attributes[attr].value_names:
                raise fail(f"defaults.{label}.{attr}", f"{value!r} is not a value of {attr}")
            defaults.setdefault(label, {})[attr] = value

    ignore = raw.get("ignore") or []
    if not isinstance(ignore, list) or not all(isinstance(i, str) for i in ignore):
        raise fail("ignore", "must be a list of brat type, attribute or role names")
    name = raw.get("name", Path(where).stem)
    return BratMapping(str(name), spans, attr_maps, rel_maps, events, defaults, frozenset(ignore), where)


# --- parsing .ann -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TextBound:
    id: str
    type: str
    fragments: tuple[tuple[int, int], ...]
    text: str | None
    line: int


@dataclass(frozen=True)
class AttributeLine:
    id: str
    name: str
    target: str
    value: str | None
    line: int


@dataclass(frozen=True)
class RelationLine:
    id: str
    type: str
    args: tuple[tuple[str, str], ...]  # (role, id)
    line: int


@dataclass(frozen=True)
class EventLine:
    id: str
    type: str
    trigger: str
    args: tuple[tuple[str, str], ...]
    line: int


@dataclass(frozen=True)
class EquivLine:
    type: str
    ids: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class NoteLine:
    id: str
    type: str
    target: str
    text: str
    line: int


@dataclass(frozen=True)
class Ann:
    """The parsed lines of one ``.ann`` file, in file order per kind."""

    textbounds: tuple[TextBound, ...] = ()
    attributes: tuple[AttributeLine, ...] = ()
    relations: tuple[RelationLine, ...] = ()
    events: tuple[EventLine, ...] = ()
    equivs: tuple[EquivLine, ...] = ()
    notes: tuple[NoteLine, ...] = ()


_FRAGMENT = re.compile(r"^(\d+) (\d+)$")
_ROLE_ARG = re.compile(r"^([^:\s]+):(\S+)$")


def parse_ann(content: str, *, file: str = "<ann>") -> tuple[Ann, list[Issue]]:
    """Parse ``.ann`` text; every line that does not parse is an RPT-BRAT-PARSE issue."""
    issues: list[Issue] = []
    kinds: dict[str, list[Any]] = {k: [] for k in ("T", "A", "R", "E", "*", "#")}
    seen: dict[str, int] = {}
    for number, raw in enumerate(content.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue

        def bad(message: str, number: int = number, line: str = line) -> None:
            issues.append(Issue("RPT-BRAT-PARSE", f"{message}: {line[:80]!r}", file, number))

        parts = line.split("\t")
        ann_id = parts[0].strip()
        kind = ann_id[:1]
        if kind in "TAMREN#" and ann_id != "*" and kind:
            if ann_id in seen:
                issues.append(Issue("RPT-BRAT-DUPLICATE-ID", f"{ann_id} is also on line {seen[ann_id]}", file, number))
                continue
            seen[ann_id] = number
        body = parts[1].split() if len(parts) > 1 else []
        if kind == "T":
            if len(parts) < 2 or not body:
                bad("a T line needs 'T1<TAB>Type START END<TAB>text'")
                continue
            brat_type, _, offsets = parts[1].partition(" ")
            fragments = []
            for fragment in offsets.split(";"):
                match = _FRAGMENT.match(fragment.strip())
                if not match:
                    break
                fragments.append((int(match.group(1)), int(match.group(2))))
            else:
                kinds["T"].append(
                    TextBound(
                        ann_id, brat_type, tuple(fragments), "\t".join(parts[2:]) if len(parts) > 2 else None, number
                    )
                )
                continue
            bad("the offsets must be 'START END' pairs separated by ';'")
        elif kind in ("A", "M"):
            if len(body) not in (2, 3):
                bad(f"an {kind} line needs '{ann_id}<TAB>Name TARGET [VALUE]'")
                continue
            kinds["A"].append(AttributeLine(ann_id, body[0], body[1], body[2] if len(body) == 3 else None, number))
        elif kind == "R":
            args = [_ROLE_ARG.match(a) for a in body[1:]]
            if len(body) != 3 or not all(args):
                bad("an R line needs 'R1<TAB>Type Arg1:T1 Arg2:T2'")
                continue
            kinds["R"].append(RelationLine(ann_id, body[0], tuple((m.group(1), m.group(2)) for m in args if m), number))
        elif kind == "E":
            args = [_ROLE_ARG.match(a) for a in body]
            if not body or not all(args):
                bad("an E line needs 'E1<TAB>Type:TRIGGER Role:T1 Role:T2 ...'")
                continue
            pairs = [(m.group(1), m.group(2)) for m in args if m]
            kinds["E"].append(EventLine(ann_id, pairs[0][0], pairs[0][1], tuple(pairs[1:]), number))
        elif ann_id == "*":
            if len(body) < 3:
                bad("an equivalence line needs '*<TAB>Type T1 T2 ...'")
                continue
            kinds["*"].append(EquivLine(body[0], tuple(body[1:]), number))
        elif kind in ("#", "N"):
            if len(body) < 2:
                bad(f"a {kind} line needs '{ann_id}<TAB>Type TARGET ...<TAB>text'")
                continue
            kinds["#"].append(
                NoteLine(ann_id, body[0] if kind == "#" else "Normalization", body[1], "\t".join(parts[2:]), number)
            )
        else:
            bad("the id must start with T, A, M, R, E, N, # or be *")
    ann = Ann(
        tuple(kinds["T"]), tuple(kinds["A"]), tuple(kinds["R"]), tuple(kinds["E"]), tuple(kinds["*"]), tuple(kinds["#"])
    )
    return ann, issues


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
    for tb in parsed.textbounds:
        skipped.add(tb.id)  # until it becomes a span
        if tb.type in mapping.ignore:
            ignored[tb.type] = ignored.get(tb.type, 0) + 1
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

    def event_heads(event: EventLine) -> list[str]:
        emap = mapping.events.get(event.type)
        return [arg for role, arg in event.args if emap is not None and role.rstrip("0123456789") == emap.head]

    def known(ref: str, what: str, line: int) -> bool:
        if ref in spans:
            return True
        if ref not in skipped:
            issue("RPT-BRAT-REF", f"{what} names {ref!r}, which is not a converted text-bound annotation", line)
        return False

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
        targets = event_heads(events[attr.target]) if attr.target in events else [attr.target]
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
            if known(target, attr.id, attr.line):
                attrs[target][amap.attribute] = value

    relations: list[Relation] = []

    def relate(rmap: RelationMap, head: str, tail: str) -> None:
        if rmap.reverse:
            head, tail = tail, head
        relations.append(Relation(rmap.relation, head, tail))

    for rel in parsed.relations:
        if rel.type in mapping.ignore:
            ignored[rel.type] = ignored.get(rel.type, 0) + 1
            continue
        rmap = mapping.relations.get(rel.type)
        if rmap is None:
            issue(
                "RPT-BRAT-UNMAPPED",
                f"{rel.id}: relation type {rel.type!r} is not under relations: in {mapping.source}",
                rel.line,
            )
            continue
        (_, head), (_, tail) = rel.args
        if known(head, rel.id, rel.line) & known(tail, rel.id, rel.line):
            relate(rmap, head, tail)

    for event in parsed.events:
        if event.type in mapping.ignore:
            ignored[event.type] = ignored.get(event.type, 0) + 1
            continue
        emap = mapping.events.get(event.type)
        if emap is None:
            issue(
                "RPT-BRAT-UNMAPPED",
                f"{event.id}: event type {event.type!r} is not under events: in {mapping.source}",
                event.line,
            )
            continue
        heads = event_heads(event)
        if not heads:
            issue("RPT-BRAT-EVENT", f"{event.id} {event.type} has no {emap.head} argument", event.line)
            continue
        others: list[tuple[str | None, str]] = [(emap.trigger, event.trigger)] if emap.trigger else []
        for role, arg in event.args:
            base = role.rstrip("0123456789")
            if base == emap.head:
                continue
            if base in mapping.ignore:
                continue
            if base not in emap.roles:
                issue(
                    "RPT-BRAT-UNMAPPED",
                    f"{event.id}: role {role!r} of event {event.type!r} is not under "
                    f"events.{event.type}.roles in {mapping.source}",
                    event.line,
                )
                continue
            others.append((emap.roles[base], arg))
        for head in heads:
            if not known(head, event.id, event.line):
                continue
            for relation, arg in others:
                if relation is not None and arg != head and known(arg, event.id, event.line):
                    relations.append(Relation(relation, head, arg))

    for equiv in parsed.equivs:
        if equiv.type in mapping.ignore:
            ignored[equiv.type] = ignored.get(equiv.type, 0) + 1
            continue
        rmap = mapping.relations.get(equiv.type)
        if rmap is None:
            issue(
                "RPT-BRAT-UNMAPPED",
                f"equivalence type {equiv.type!r} is not under relations: in {mapping.source}",
                equiv.line,
            )
            continue
        members = sorted((spans[i].start, spans[i].end, i) for i in equiv.ids if known(i, "*", equiv.line))
        for _, _, later in members[1:]:
            relate(rmap, later, members[0][2])  # a later mention -> the first mention

    for name, count in sorted(ignored.items()):
        issue("RPT-BRAT-IGNORED", f"{count} annotation(s) of {name!r} (listed under ignore:)", None)

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


# --- document -> .ann -------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return re.sub(r"[\r\n\t]", " ", text)


def document_to_ann(doc: Document, mapping: BratMapping) -> tuple[str, list[Issue]]:
    """The ``.ann`` text of a document. Span ids of the form ``T<n>`` are kept; other ids get a
    ``T<n>`` and an ``AnnotatorNotes`` line ``reportedly:id=<id>`` so the import restores them."""
    issues: list[Issue] = []
    where = f"document {doc.id}"
    spans = sorted_spans(doc.spans)
    kept = {s.id for s in spans if re.fullmatch(r"T[1-9]\d*", s.id)}
    brat_ids: dict[str, str] = {}
    counter = 0
    for span in spans:
        if span.id in kept:
            brat_ids[span.id] = span.id
            continue
        counter += 1
        while f"T{counter}" in kept:
            counter += 1
        brat_ids[span.id] = f"T{counter}"
    lines: list[str] = []
    notes: list[str] = []
    attributes: list[str] = []
    for span in spans:
        brat_type = mapping.brat_type(span.label)
        if brat_type is None:
            issues.append(Issue("RPT-BRAT-EXPORT", f"{where}: label {span.label} has no brat type in {mapping.source}"))
            continue
        tb = brat_ids[span.id]
        lines.append(f"{tb}\t{brat_type} {span.start} {span.end}\t{_one_line(span.text)}")
        if tb != span.id:
            notes.append(f"#{len(notes) + 1}\tAnnotatorNotes {tb}\t{ID_NOTE}{span.id}")
        for name, value in span.attrs.items():
            brat_attr = mapping.brat_attribute(name, value)
            if brat_attr is None:
                issues.append(
                    Issue(
                        "RPT-BRAT-EXPORT",
                        f"{where}: attribute {name}={value} of {span.id} has no brat attribute in {mapping.source}",
                    )
                )
                continue
            attributes.append(f"A{len(attributes) + 1}\t{brat_attr[0]} {tb} {brat_attr[1]}")
    relations: list[str] = []
    for rel in doc.relations:
        brat_rel = mapping.brat_relation(rel.label)
        if brat_rel is None:
            issues.append(
                Issue("RPT-BRAT-EXPORT", f"{where}: relation {rel.label} has no brat relation type in {mapping.source}")
            )
            continue
        if rel.head not in brat_ids or rel.tail not in brat_ids:
            issues.append(
                Issue(
                    "RPT-BRAT-EXPORT",
                    f"{where}: relation {rel.label} {rel.head}->{rel.tail} names a span that does not exist",
                )
            )
            continue
        head, tail = brat_ids[rel.head], brat_ids[rel.tail]
        if brat_rel[1]:
            head, tail = tail, head
        relations.append(f"R{len(relations) + 1}\t{brat_rel[0]} Arg1:{head} Arg2:{tail}")
    return "".join(f"{line}\n" for line in [*lines, *attributes, *relations, *notes]), issues


def annotation_conf(schema: Schema, mapping: BratMapping) -> str:
    """brat's ``annotation.conf`` for the exported types, so the folder opens in brat as is."""
    out = ["# Generated by `reportedly convert brat-export`; do not edit.", "[entities]"]
    out += [t for t in (mapping.brat_type(label) for label in schema.label_names) if t]
    out.append("[relations]")
    for rel in schema.relations:
        found = mapping.brat_relation(rel.name)
        head, tail = mapping.brat_type(rel.head), mapping.brat_type(rel.tail)
        if found and head and tail:
            arg1, arg2 = (tail, head) if found[1] else (head, tail)
            out.append(f"{found[0]}\tArg1:{arg1}, Arg2:{arg2}")
    out += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "[events]", "[attributes]"]
    for attr in schema.attributes:
        pairs = [mapping.brat_attribute(attr.name, v) for v in attr.value_names]
        target = mapping.brat_type(attr.label)
        if target and all(pairs):
            name = pairs[0][0] if pairs[0] else attr.name
            out.append(f"{name}\tArg:{target}, Value:{'|'.join(p[1] for p in pairs if p)}")
    return "\n".join(out) + "\n"


def visual_conf(schema: Schema, mapping: BratMapping) -> str:
    """brat's ``visual.conf`` with the schema's colours."""
    out = ["# Generated by `reportedly convert brat-export`; do not edit.", "[labels]", "[drawing]"]
    for label in schema.labels:
        if brat_type := mapping.brat_type(label.name):
            out.append(f"{brat_type}\tbgColor:{label.color}")
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class BratExport:
    files: Mapping[str, str]  # file name inside the output folder -> content
    issues: tuple[Issue, ...]


def export_brat(
    documents: Iterable[Document],
    *,
    schema: Schema,
    mapping: BratMapping,
    by_annotator: bool = False,
    separator: str = ".",
) -> BratExport:
    """``<id>.txt`` and ``<id>.ann`` per document, plus ``annotation.conf`` and ``visual.conf``.
    With ``by_annotator`` each document must be one annotator's layer and its annotations go to
    ``<id><separator><annotator>.ann``, so several layers of one text sit side by side."""
    files: dict[str, str] = {}
    issues: list[Issue] = []
    for doc in documents:
        txt_name = f"{doc.id}.txt"
        if files.get(txt_name, doc.text) != doc.text:
            issues.append(Issue("RPT-BRAT-EXPORT", f"document {doc.id}: two inputs have this id with different texts"))
            continue
        files[txt_name] = doc.text
        ann_name = f"{doc.id}.ann"
        if by_annotator:
            annotators = doc.provenance.get("annotators")
            if not (
                isinstance(annotators, list)
                and len(annotators) == 1
                and isinstance(annotators[0], str)
                and ID_PATTERN.match(annotators[0])
            ):
                issues.append(
                    Issue(
                        "RPT-BRAT-EXPORT",
                        f"document {doc.id}: --by-annotator needs provenance."
                        f"annotators to hold one annotator id, not {annotators!r}",
                    )
                )
                continue
            ann_name = f"{doc.id}{separator}{annotators[0]}.ann"
        if ann_name in files:
            issues.append(
                Issue(
                    "RPT-BRAT-EXPORT",
                    f"document {doc.id}: {ann_name} would be written twice "
                    "(pass --by-annotator for several layers of one text)",
                )
            )
            continue
        content, problems = document_to_ann(doc, mapping)
        issues += problems
        files[ann_name] = content
    files["annotation.conf"] = annotation_conf(schema, mapping)
    files["visual.conf"] = visual_conf(schema, mapping)
    return BratExport(files, tuple(issues))


def brat_round_trip(doc: Document, *, schema: Schema, mapping: BratMapping) -> Document:
    """``doc`` written as brat and read back (for tests and for checking a mapping); raises
    :class:`ConvertError` when either direction has errors."""
    ann, issues = document_to_ann(doc, mapping)
    if issues:
        raise ConvertError(issues)
    result = ann_to_document(doc.text, ann, doc_id=doc.id, mapping=mapping, meta=doc.meta, provenance=doc.provenance)
    if result.document is None:
        raise ConvertError(result.issues)
    return result.document


__all__: Sequence[str] = (
    "DISCONTINUOUS_POLICIES",
    "AttributeMap",
    "BratDocument",
    "BratExport",
    "BratImport",
    "BratLayer",
    "BratMapping",
    "EventMap",
    "RelationMap",
    "ann_to_document",
    "bundled_mappings",
    "document_to_ann",
    "export_brat",
    "import_brat_folder",
    "load_mapping",
    "mapping_from_dict",
    "parse_ann",
)
