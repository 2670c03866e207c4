"""Label Studio tasks, annotations and predictions <-> reportedly documents. Pure: no server, no files.

The labeling config is the one :func:`reportedly.schema.labelstudio_xml` generates: a ``<Labels
name="label">`` on ``<Text name="text">``, one per-region ``<Choices>`` named after each attribute,
and ``<Relations>``. In Label Studio's JSON one span becomes:

- a ``labels`` result ``{"id": span.id, "from_name": "label", "value": {"start", "end", "text",
  "labels": [span.label]}}``;
- one ``choices`` result per attribute, sharing the span's ``id`` (that is how Label Studio ties a
  per-region choice to its region);
- and each relation a ``relation`` result ``{"from_id": head, "to_id": tail, "direction": "right",
  "labels": [relation.label]}``.

A task's data is ``{"text": document.text, "doc_id": document.id, "meta": document.meta}``: the
document id lives in the task, so pushing twice never duplicates a task and pulling names the layer.

**Offsets.** Ours are code points, and so are the Label Studio editor's. Other tools that write Label
Studio JSON (JavaScript, Java) often count UTF-16 code units, which differ after an astral character
such as an emoji. Every region is therefore checked: ``value.text`` must equal ``text[start:end]``.
When it does not, and the offsets read as UTF-16 units do give ``value.text``, they are converted
with a warning (``RPT-LS-UTF16``); otherwise the region is an error (``RPT-LS-OFFSET``) naming the
task, the annotation, the region and both texts, and that annotation is not converted.

Nothing is dropped silently: a result this schema cannot hold (another control's type, a relation
without a label) is reported as a warning and kept verbatim in ``provenance.unconverted_results``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportedly.document import Document, Relation, Span, codepoint_offset_from_utf16, sorted_spans
from reportedly.incidents import REGISTRY, ReportedlyError, Severity
from reportedly.schema import LABELS_NAME, TEXT_NAME, AttributeDef, RelationDef, Schema

DOC_ID_KEY = "doc_id"
META_KEY = "meta"
TOOL = "Label Studio"
METHOD_INDEPENDENT = "Label Studio annotation (independent pass)"
METHOD_FROM_PREDICTION = "model pre-annotation corrected in Label Studio"
METHOD_FROM_ANNOTATION = "Label Studio annotation started from another annotation (not independent)"
_SLUG = re.compile(r"[^a-z0-9._-]+")


@dataclass(frozen=True)
class Problem:
    """One thing found while converting, with the place in Label Studio terms."""

    code: str
    message: str
    task_id: int | None = None
    annotation_id: int | None = None
    region_id: str | None = None
    doc_id: str | None = None

    @property
    def severity(self) -> Severity:
        return REGISTRY[self.code].severity

    @property
    def fix(self) -> str:
        return REGISTRY[self.code].fix

    def location(self) -> str:
        parts = [
            f"task {self.task_id}" if self.task_id is not None else "",
            f"document {self.doc_id}" if self.doc_id else "",
            f"annotation {self.annotation_id}" if self.annotation_id is not None else "",
            f"region {self.region_id}" if self.region_id else "",
        ]
        return ", ".join(p for p in parts if p) or "export"

    def render(self) -> str:
        return f"{self.location()}: {self.severity.value} {self.code}: {self.message}. Fix: {self.fix}."


class ConversionError(ReportedlyError):
    """A document that cannot be expressed in this Label Studio config (e.g. an attribute it lacks)."""

    default_code = "RPT-LS-FORMAT"


@dataclass(frozen=True)
class _Where:
    task_id: int | None = None
    annotation_id: int | None = None
    doc_id: str | None = None

    def problem(self, code: str, message: str, region_id: str | None = None) -> Problem:
        return Problem(code, message, self.task_id, self.annotation_id, region_id, self.doc_id)


@dataclass(frozen=True)
class _Vocabulary:
    """The schema's names as sets and maps, computed once per schema (conversion asks per region)."""

    labels: frozenset[str]
    attributes: Mapping[str, AttributeDef]
    attributes_of: Mapping[str, frozenset[str]]
    relations: Mapping[str, RelationDef]


_VOCABULARIES: dict[int, tuple[Schema, _Vocabulary]] = {}


def _vocabulary(schema: Schema) -> _Vocabulary:
    kept = _VOCABULARIES.get(id(schema))
    if kept is None or kept[0] is not schema:
        vocabulary = _Vocabulary(
            frozenset(schema.label_names),
            {a.name: a for a in schema.attributes},
            {label: frozenset(a.name for a in schema.attributes_of(label)) for label in schema.label_names},
            {r.name: r for r in schema.relations},
        )
        kept = _VOCABULARIES[id(schema)] = (schema, vocabulary)
    return kept[1]


# --- ours -> Label Studio ---------------------------------------------------------------------


def task_data(doc: Document) -> dict[str, Any]:
    """The ``data`` of the task for ``doc``."""
    return {TEXT_NAME: doc.text, DOC_ID_KEY: doc.id, META_KEY: dict(doc.meta)}


def document_to_results(doc: Document, schema: Schema) -> list[dict[str, Any]]:
    """The result list of ``doc``'s spans, attributes and relations (code-point offsets)."""
    results: list[dict[str, Any]] = []
    vocabulary = _vocabulary(schema)
    for span in sorted_spans(doc.spans):
        if span.label not in vocabulary.labels:
            raise ConversionError(f"document {doc.id}, span {span.id}: label {span.label!r} is not in the schema")
        value = {"start": span.start, "end": span.end, "text": span.text}
        results.append(
            {
                "id": span.id,
                "from_name": LABELS_NAME,
                "to_name": TEXT_NAME,
                "type": "labels",
                "value": {**value, "labels": [span.label]},
            }
        )
        for name, choice in span.attrs.items():
            if name not in vocabulary.attributes_of[span.label]:
                raise ConversionError(
                    f"document {doc.id}, span {span.id}: {span.label} has no attribute {name!r} in the schema"
                )
            results.append(
                {
                    "id": span.id,
                    "from_name": name,
                    "to_name": TEXT_NAME,
                    "type": "choices",
                    "value": {**value, "choices": [choice]},
                }
            )
    for rel in doc.relations:
        results.append(
            {"from_id": rel.head, "to_id": rel.tail, "type": "relation", "direction": "right", "labels": [rel.label]}
        )
    return results


def document_to_prediction(
    doc: Document, schema: Schema, model_version: str, score: float | None = None
) -> dict[str, Any]:
    """A Label Studio prediction (pre-annotation) of ``doc``; ``model_version`` names the system."""
    prediction: dict[str, Any] = {"model_version": model_version, "result": document_to_results(doc, schema)}
    if score is not None:
        prediction["score"] = score
    return prediction


def document_to_task(
    doc: Document, schema: Schema, *, predictions: Sequence[tuple[str, Document]] = ()
) -> dict[str, Any]:
    """A task to import; ``predictions`` are ``(model_version, document)`` pairs on the same text."""
    task: dict[str, Any] = {"data": task_data(doc)}
    if predictions:
        task["predictions"] = []
        for model_version, pred in predictions:
            if pred.id != doc.id or pred.text != doc.text:
                raise ConversionError(f"prediction {pred.id} ({model_version}) is not on the text of document {doc.id}")
            task["predictions"].append(document_to_prediction(pred, schema, model_version))
    return task


# --- Label Studio -> ours ---------------------------------------------------------------------


def task_document(task: Mapping[str, Any]) -> tuple[Document | None, list[Problem]]:
    """The unannotated document a task holds (id from ``data.doc_id``, else ``ls-task-<id>``)."""
    task_id = task.get("id") if isinstance(task.get("id"), int) else None
    data = task.get("data")
    where = _Where(task_id)
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
    meta = data.get(META_KEY)
    return Document(id=doc_id, text=data[TEXT_NAME], meta=dict(meta) if isinstance(meta, Mapping) else {}), problems


def _region_offsets(
    text: str, value: Mapping[str, Any], where: _Where, region_id: str
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
    where = _Where(task_id, annotation_id, base.id)
    problems: list[Problem] = []
    unconverted: list[Any] = []
    vocabulary = _vocabulary(schema)
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
    where: _Where,
    problems: list[Problem],
) -> Relation | None:
    """The relation ``label`` between two regions, with head and tail the way the schema reads them.

    An arrow drawn from tail to head (or a bidirectional one) is turned round when only the reverse
    reading fits the relation's head and tail labels; otherwise it is kept as drawn, and the
    validator reports a wrong argument type.
    """
    definition = _vocabulary(schema).relations.get(label) if isinstance(label, str) else None
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


# --- annotations and whole exports -------------------------------------------------------------


def slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-.")


def user_key(completed_by: Any) -> str:
    """A stable key of the Label Studio user: the e-mail when the export has it, else ``#<id>``."""
    if isinstance(completed_by, Mapping):
        if isinstance(completed_by.get("email"), str) and completed_by["email"]:
            return str(completed_by["email"]).lower()
        completed_by = completed_by.get("id")
    return f"#{completed_by}"


def annotator_ids(keys: Iterable[str], overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Annotator ids for user keys: the e-mail's local part (``alice@x.org`` -> ``alice``), the whole
    e-mail when two users would share one, ``ls-user-<id>`` for a bare user id; ``overrides`` maps a
    key (e-mail, or ``#<id>``, or the bare id) to the id to use."""
    overrides = {k.lower().lstrip("#") if not k.startswith("#") else k: v for k, v in (overrides or {}).items()}
    keys = sorted(set(keys))
    guess: dict[str, str] = {}
    for key in keys:
        if key.startswith("#"):
            guess[key] = f"ls-user-{slug(key[1:]) or 'unknown'}"
        else:
            guess[key] = slug(key.split("@", 1)[0]) or slug(key)
    counts = Counter(guess.values())
    out = {}
    for key in keys:
        chosen = overrides.get(key) or overrides.get(key.lstrip("#"))
        out[key] = chosen or (guess[key] if counts[guess[key]] == 1 else slug(key))
    return out


@dataclass(frozen=True)
class Layer:
    """One annotator's annotation of one task, converted (``document`` None when it could not be)."""

    annotator: str
    doc_id: str
    task_id: int | None
    annotation_id: int | None
    document: Document | None
    problems: tuple[Problem, ...]


@dataclass
class ExportConversion:
    layers: list[Layer] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # not tied to one converted layer

    @property
    def all_problems(self) -> list[Problem]:
        return self.problems + [p for layer in self.layers for p in layer.problems]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.all_problems if p.severity is Severity.ERROR]


def _method(annotation: Mapping[str, Any], predictions: Mapping[Any, Mapping[str, Any]]) -> tuple[str, dict[str, Any]]:
    parent = annotation.get("parent_prediction")
    if parent is not None:
        prediction = predictions.get(parent, {})
        version = prediction.get("model_version") if isinstance(prediction, Mapping) else None
        extra: dict[str, Any] = {"prediction": parent}
        if version:
            extra["pre_annotation"] = version
            return f"model pre-annotation ({version}) corrected in Label Studio", extra
        return METHOD_FROM_PREDICTION, extra
    if annotation.get("parent_annotation") is not None:
        return METHOD_FROM_ANNOTATION, {"parent_annotation": annotation["parent_annotation"]}
    return METHOD_INDEPENDENT, {}


def annotation_to_layer(
    task: Mapping[str, Any],
    annotation: Mapping[str, Any],
    schema: Schema,
    annotator: str,
    *,
    base: Document | None = None,
    interface: Any = None,
) -> Layer:
    """One annotation as an annotation layer of ``annotator`` (truthful provenance, see module doc).

    ``interface`` is an optional ``LabelInterface`` of the project's config: its complaints about a
    result are errors (``RPT-LS-CONFIG``).
    """
    task_id = task.get("id") if isinstance(task.get("id"), int) else None
    annotation_id = annotation.get("id") if isinstance(annotation.get("id"), int) else None
    problems: list[Problem] = []
    if base is None:
        base, problems = task_document(task)
    if base is None:
        return Layer(annotator, f"ls-task-{task_id}", task_id, annotation_id, None, tuple(problems))
    results = annotation.get("result") or []
    if not isinstance(results, list):
        results = [results]
    doc, found, _ = results_to_document(base, results, schema, task_id=task_id, annotation_id=annotation_id)
    problems += found
    if doc is not None and interface is not None:
        problems += config_problems(interface, results, _Where(task_id, annotation_id, base.id))
    if doc is None or any(p.severity is Severity.ERROR for p in problems):
        return Layer(annotator, base.id, task_id, annotation_id, None, tuple(problems))
    predictions = {p.get("id"): p for p in task.get("predictions") or [] if isinstance(p, Mapping)}
    method, extra = _method(annotation, predictions)
    provenance: dict[str, Any] = {
        "layer": "annotation",
        "annotators": [annotator],
        "method": method,
        "schema_version": schema.version,
        "tool": TOOL,
        "lead_time": annotation.get("lead_time"),
        "created_at": annotation.get("created_at"),
        "updated_at": annotation.get("updated_at"),
        "label_studio": {"task": task_id, "annotation": annotation_id, **extra},
        **doc.provenance,
    }
    return Layer(
        annotator,
        base.id,
        task_id,
        annotation_id,
        Document(doc.id, doc.text, doc.meta, doc.spans, doc.relations, provenance),
        tuple(problems),
    )


class ConfigCheck:
    """Label Studio's own ``LabelInterface`` check of region results against the project config.

    The verdict on a region depends only on its control, type, value keys and labels or choices,
    not on its offsets, so each distinct signature is asked once (an export repeats few of them).
    """

    def __init__(self, interface: Any) -> None:
        self.interface = interface
        self._seen: dict[tuple[Any, ...], list[str]] = {}

    def __call__(self, results: Sequence[Any], where: _Where | None = None) -> list[Problem]:
        where = where or _Where()
        problems = []
        for item in results:
            if not isinstance(item, Mapping) or item.get("type") not in ("labels", "choices"):
                continue
            value = item.get("value")
            value = value if isinstance(value, Mapping) else {}
            key = (
                item.get("type"),
                item.get("from_name"),
                item.get("to_name"),
                tuple(sorted(value)),
                tuple(value.get("labels") or ()),
                tuple(value.get("choices") or ()),
                type(value.get("start")).__name__,
                type(value.get("end")).__name__,
            )
            if key not in self._seen:
                self._seen[key] = [
                    re.sub(r"^Region \d+: ", "", str(m))
                    for m in self.interface.validate_region(dict(item), return_errors=True) or []
                ]
            region_id = item.get("id") if isinstance(item.get("id"), str) else None
            problems += [where.problem("RPT-LS-CONFIG", message, region_id) for message in self._seen[key]]
        return problems


def config_problems(interface: Any, results: Sequence[Any], where: _Where | None = None) -> list[Problem]:
    """What Label Studio's ``LabelInterface`` (or a :class:`ConfigCheck`) says against the results."""
    check = interface if isinstance(interface, ConfigCheck) else ConfigCheck(interface)
    return check(results, where)


def check_export_format(tasks: Any) -> list[Problem]:
    """Problems that make ``tasks`` unreadable as a Label Studio JSON export (empty when fine)."""
    if not isinstance(tasks, list):
        return [Problem("RPT-LS-FORMAT", "the file must hold a JSON list of tasks (Label Studio's 'JSON' export)")]
    for index, task in enumerate(tasks):
        if not isinstance(task, Mapping):
            return [Problem("RPT-LS-FORMAT", f"item {index} is not a task object")]
        if "data" not in task and "annotations" not in task:
            hint = (
                " This looks like a JSON_MIN export, which drops relations and region ids: export as JSON."
                if "text" in task or "label" in task
                else ""
            )
            return [Problem("RPT-LS-FORMAT", f"item {index} has neither 'data' nor 'annotations'.{hint}")]
    return []


def export_to_layers(
    tasks: Any, schema: Schema, *, annotators: Mapping[str, str] | None = None, interface: Any = None
) -> ExportConversion:
    """Every submitted annotation of a Label Studio JSON export as one layer per annotator and task.

    Skipped annotations and drafts are reported, not converted; when one user has several
    annotations of a task, the most recently updated one is kept (reported).
    """
    result = ExportConversion()
    if interface is not None and not isinstance(interface, ConfigCheck):
        interface = ConfigCheck(interface)
    result.problems += check_export_format(tasks)
    if result.problems:
        return result
    keys = [
        user_key(a.get("completed_by"))
        for task in tasks
        for a in task.get("annotations") or []
        if isinstance(a, Mapping)
    ]
    ids = annotator_ids(keys, annotators)
    for task in tasks:
        base, found = task_document(task)
        result.problems += found
        task_id = task.get("id") if isinstance(task.get("id"), int) else None
        where = _Where(task_id, None, base.id if base else None)
        drafts = task.get("drafts") or []
        if drafts:
            result.problems.append(where.problem("RPT-LS-DRAFT", f"{len(drafts)} draft(s) not yet submitted"))
        newest: dict[str, Mapping[str, Any]] = {}
        count: defaultdict[str, int] = defaultdict(int)
        for annotation in task.get("annotations") or []:
            if not isinstance(annotation, Mapping):
                continue
            key = user_key(annotation.get("completed_by"))
            if annotation.get("was_cancelled"):
                result.problems.append(
                    _Where(task_id, annotation.get("id"), where.doc_id).problem(
                        "RPT-LS-SKIPPED", f"skipped by {ids[key]}"
                    )
                )
                continue
            count[key] += 1
            if key not in newest or str(annotation.get("updated_at") or "") >= str(newest[key].get("updated_at") or ""):
                newest[key] = annotation
        for key, annotation in sorted(newest.items()):
            if count[key] > 1:
                result.problems.append(
                    _Where(task_id, annotation.get("id"), where.doc_id).problem(
                        "RPT-LS-DUPLICATE", f"{ids[key]} has {count[key]} annotations of this task; kept the newest"
                    )
                )
            if base is None:
                continue
            result.layers.append(
                annotation_to_layer(task, annotation, schema, ids[key], base=base, interface=interface)
            )
    return result
