"""Label Studio tasks and results as our documents, every region checked against the text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reportedly.convert.labelstudio.problems import DOC_ID_KEY, META_KEY, Problem, Where, vocabulary_of
from reportedly.document import Document, Relation, Span, codepoint_offset_from_utf16, sorted_spans
from reportedly.incidents import Severity
from reportedly.names import is_valid_name
from reportedly.schema import LABELS_NAME, TEXT_NAME, Schema

# --- Label Studio -> ours ---------------------------------------------------------------------


def task_document(task: Mapping[str, Any]) -> tuple[Document | None, list[Problem]]:
    """The unannotated document a task holds (id from ``data.doc_id``, else ``ls-task-<id>``)."""
    task_id = task.get("id") if isinstance(task.get("id"), int) else None
    data = task.get("data")
    where = Where(task_id)
    if not isinstance(data, Mapping) or not isinstance(data.get(TEXT_NAME), str):
        return None, [where.problem("RPT-LS-TASK", f"task data has no string {TEXT_NAME!r} field")]
    problems = []
    doc_id = data.get(DOC_ID_KEY)
    if not isinstance(doc_id, str) or not doc_id:
        doc_id = f"ls-task-{task_id}"
        problems.append(
            where.problem(
                "RPT-LS-TASK-ID", f"task data has no {DOC_ID_KEY!r} (imported outside reportedly?); named {doc_id}"
            )
        )
    if not is_valid_name(doc_id):  # it becomes a file name: THE id rule
        return None, [*problems, where.problem("RPT-ID-INVALID", f"task doc_id {doc_id!r} cannot be a file name")]
    meta = data.get(META_KEY)
    return Document(id=doc_id, text=data[TEXT_NAME], meta=dict(meta) if isinstance(meta, Mapping) else {}), problems


def _region_offsets(
    text: str, value: Mapping[str, Any], where: Where, region_id: str
) -> tuple[tuple[int, int] | None, list[Problem]]:
    """Code-point ``(start, end)`` of a region, checked against ``value.text`` (see the module doc)."""
    start, end = value.get("start"), value.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        return None, [
            where.problem(
                "RPT-LS-RANGE", f"start/end are {start!r}/{end!r}, not integer offsets into the text", region_id
            )
        ]
    quoted = value.get("text")
    if not isinstance(quoted, str):
        if 0 <= start < end <= len(text):
            return (start, end), [
                where.problem(
                    "RPT-LS-NO-TEXT",
                    f"no value.text; [{start}, {end}) taken as code points: {text[start:end]!r}",
                    region_id,
                )
            ]
        return None, [
            where.problem("RPT-LS-RANGE", f"[{start}, {end}) is outside the text (length {len(text)})", region_id)
        ]
    if 0 <= start < end <= len(text) and text[start:end] == quoted:
        return (start, end), []
    try:
        cp_start, cp_end = codepoint_offset_from_utf16(text, start), codepoint_offset_from_utf16(text, end)
    except ValueError:
        cp_start = cp_end = -1
    if 0 <= cp_start < cp_end and text[cp_start:cp_end] == quoted:
        return (cp_start, cp_end), [
            where.problem(
                "RPT-LS-UTF16",
                f"offsets [{start}, {end}) are UTF-16 code units; converted to code points [{cp_start}, {cp_end})",
                region_id,
            )
        ]
    actual = text[start:end] if 0 <= start <= end <= len(text) else f"<outside the text of length {len(text)}>"
    return None, [
        where.problem(
            "RPT-LS-OFFSET",
            f"value.text is {quoted!r} but text[{start}:{end}] is {actual!r} (not UTF-16 offsets either); "
            "fix the region in Label Studio or the offsets in the file",
            region_id,
        )
    ]


def _single(values: Any) -> str | None:
    if isinstance(values, list) and len(values) == 1 and isinstance(values[0], str):
        return values[0]
    return None


def results_to_document(
    base: Document,
    results: Sequence[Any],
    schema: Schema,
    *,
    task_id: int | None = None,
    annotation_id: int | None = None,
) -> tuple[Document | None, list[Problem], list[Any]]:
    """Spans and relations of one result list on ``base``'s text.

    Returns ``(document, problems, unconverted)``: ``document`` is None when any problem is an error;
    ``unconverted`` holds the results the schema cannot hold (each also reported as a warning).
    """
    where = Where(task_id, annotation_id, base.id)
    problems: list[Problem] = []
    unconverted: list[Any] = []
    vocabulary = vocabulary_of(schema)
    attribute_names = vocabulary.attributes
    regions: dict[str, dict[str, Any]] = {}
    choices: list[tuple[str, str, Any]] = []
    relations: list[Mapping[str, Any]] = []
    notes: dict[str, str] = {}

    for index, item in enumerate(results):
        if not isinstance(item, Mapping):
            problems.append(where.problem("RPT-LS-UNCONVERTED", f"result {index} is not an object: {item!r}"))
            unconverted.append(item)
            continue
        kind, name, region_id = item.get("type"), item.get("from_name"), item.get("id")
        if kind == "relation":
            relations.append(item)
            continue
        value = item.get("value")
        if kind == "labels" and name == LABELS_NAME and isinstance(value, Mapping) and isinstance(region_id, str):
            if region_id in regions:
                problems.append(where.problem("RPT-LS-LABEL", "two label results share this region id", region_id))
                continue
            label = _single(value.get("labels"))
            if label is None or label not in vocabulary.labels:
                problems.append(
                    where.problem(
                        "RPT-LS-LABEL",
                        f"labels {value.get('labels')!r}: a region takes exactly one of {list(schema.label_names)}",
                        region_id,
                    )
                )
                continue
            offsets, found = _region_offsets(base.text, value, where, region_id)
            problems += found
            if offsets is not None:
                regions[region_id] = {"label": label, "start": offsets[0], "end": offsets[1], "attrs": {}}
            meta = item.get("meta")
            if isinstance(meta, Mapping) and meta.get("text"):
                note = meta["text"]
                notes[region_id] = "\n".join(note) if isinstance(note, list) else str(note)
            continue
        if kind == "choices" and name in attribute_names and isinstance(value, Mapping) and isinstance(region_id, str):
            choices.append((region_id, str(name), value.get("choices")))
            continue
        problems.append(
            where.problem(
                "RPT-LS-UNCONVERTED",
                f"result of type {kind!r} from {name!r} is not part of this schema; "
                "kept in provenance.unconverted_results",
                region_id if isinstance(region_id, str) else None,
            )
        )
        unconverted.append(item)

    for region_id, name, picked in choices:
        attr = attribute_names[name]
        region = regions.get(region_id)
        if region is None:
            if not any(p.region_id == region_id for p in problems):
                problems.append(
                    where.problem("RPT-LS-CHOICE", f"{name} is set on a region that has no label", region_id)
                )
            continue
        if picked in (None, []):
            continue
        choice = _single(picked)
        if attr.label != region["label"]:
            problems.append(
                where.problem(
                    "RPT-LS-CHOICE", f"{name} belongs to {attr.label} spans, not to a {region['label']} span", region_id
                )
            )
        elif choice is None or choice not in attr.value_names:
            problems.append(
                where.problem(
                    "RPT-LS-CHOICE", f"{name} is {picked!r}; it takes one of {list(attr.value_names)}", region_id
                )
            )
        else:
            region["attrs"][name] = choice

    converted: list[Relation] = []
    for item in relations:
        from_id, to_id = item.get("from_id"), item.get("to_id")
        if not (isinstance(from_id, str) and from_id in regions and isinstance(to_id, str) and to_id in regions):
            missing = [rid for rid in (from_id, to_id) if not isinstance(rid, str) or rid not in regions]
            if not any(p.region_id in missing for p in problems):
                problems.append(
                    where.problem(
                        "RPT-LS-RELATION", f"relation {from_id} -> {to_id} points to no labelled region {missing}"
                    )
                )
            continue
        labels = item.get("labels") or []
        if not labels:
            problems.append(
                where.problem(
                    "RPT-LS-UNCONVERTED",
                    f"relation {from_id} -> {to_id} has no label; pick one of {list(schema.relation_names)} "
                    "in Label Studio (kept in provenance.unconverted_results)",
                )
            )
            unconverted.append(item)
            continue
        for label in labels:
            relation = _orient(label, from_id, to_id, item.get("direction", "right"), regions, schema, where, problems)
            if relation is not None:
                converted.append(relation)

    if any(p.severity is Severity.ERROR for p in problems):
        return None, problems, unconverted
    spans = tuple(
        Span(rid, r["label"], r["start"], r["end"], base.text[r["start"] : r["end"]], dict(r["attrs"]))
        for rid, r in regions.items()
    )
    provenance: dict[str, Any] = {}
    if notes:
        provenance["notes"] = notes
    if unconverted:
        provenance["unconverted_results"] = unconverted
    doc = Document(base.id, base.text, dict(base.meta), tuple(sorted_spans(spans)), tuple(converted), provenance)
    return doc, problems, unconverted


def _orient(
    label: Any,
    from_id: str,
    to_id: str,
    direction: Any,
    regions: Mapping[str, Mapping[str, Any]],
    schema: Schema,
    where: Where,
    problems: list[Problem],
) -> Relation | None:
    """The relation ``label`` between two regions, with head and tail the way the schema reads them.

    An arrow drawn from tail to head (or a bidirectional one) is turned round when only the reverse
    reading fits the relation's head and tail labels; otherwise it is kept as drawn, and the
    validator reports a wrong argument type.
    """
    definition = vocabulary_of(schema).relations.get(label) if isinstance(label, str) else None
    if definition is None:
        problems.append(
            where.problem("RPT-LS-RELATION", f"relation label {label!r} is not one of {list(schema.relation_names)}")
        )
        return None
    wanted = (definition.head, definition.tail)
    head, tail = (to_id, from_id) if direction == "left" else (from_id, to_id)
    forward = (regions[head]["label"], regions[tail]["label"]) == wanted
    backward = (regions[tail]["label"], regions[head]["label"]) == wanted
    if direction == "bi" and forward and backward:
        problems.append(
            where.problem(
                "RPT-LS-RELATION", f"{label} {from_id} <-> {to_id} is bidirectional; draw it from head to tail"
            )
        )
        return None
    if backward and not forward:
        if direction != "bi":
            problems.append(
                where.problem(
                    "RPT-LS-RELATION-FLIPPED",
                    f"{label} drawn from {regions[head]['label']} {head} to {regions[tail]['label']} {tail}; "
                    f"read as {tail} -> {head}",
                )
            )
        head, tail = tail, head
    return Relation(label, head, tail)
