"""Whole Label Studio exports: annotations to annotation layers, checked by Label Studio's own
``LabelInterface``, and the layers written to files."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reportedly.convert.labelstudio.from_studio import results_to_document, task_document
from reportedly.convert.labelstudio.problems import (
    _SLUG,
    METHOD_FROM_ANNOTATION,
    METHOD_FROM_PREDICTION,
    METHOD_INDEPENDENT,
    TOOL,
    Problem,
    Where,
)
from reportedly.document import Document, atomic_write_text, dumps_document
from reportedly.incidents import Incident, ReportedlyError, Severity
from reportedly.names import is_valid_name, join_inside
from reportedly.outputs import write_files as write_all
from reportedly.schema import Schema
from reportedly.validate import Role, check_document

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


def parse_annotator_map(pairs: Iterable[str] | None) -> dict[str, str]:
    """``USER=ID`` options (an e-mail or Label Studio user id, then an annotator id) as the
    ``overrides`` of :func:`annotator_ids`; refused (``RPT-CLI-OPTION``) when one is not that shape."""
    out = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key or not value:
            message = (
                f"--annotator takes USER=ID (an e-mail or Label Studio user id, then an annotator id), not {pair!r}"
            )
            raise ReportedlyError(Incident("RPT-CLI-OPTION", message), message)
        out[key.strip()] = value.strip()
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
        problems += config_problems(interface, results, Where(task_id, annotation_id, base.id))
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

    def __call__(self, results: Sequence[Any], where: Where | None = None) -> list[Problem]:
        where = where or Where()
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


def config_problems(interface: Any, results: Sequence[Any], where: Where | None = None) -> list[Problem]:
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
        where = Where(task_id, None, base.id if base else None)
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
                    Where(task_id, annotation.get("id"), where.doc_id).problem(
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
                    Where(task_id, annotation.get("id"), where.doc_id).problem(
                        "RPT-LS-DUPLICATE", f"{ids[key]} has {count[key]} annotations of this task; kept the newest"
                    )
                )
            if base is None:
                continue
            result.layers.append(
                annotation_to_layer(task, annotation, schema, ids[key], base=base, interface=interface)
            )
    return result


@dataclass
class WriteResult:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    kept_local: list[Path] = field(default_factory=list)  # edited locally since the last pull
    failed: list[str] = field(default_factory=list)  # annotations not converted (see the problems)
    problems: list[Problem] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)  # validation of the written layers
    seconds: float = 0.0
    convert_seconds: float = 0.0  # the pure conversion (export -> documents)
    local_seconds: float = 0.0  # validating and writing the layers

    @property
    def has_errors(self) -> bool:
        return (
            bool(self.failed)
            or any(p.severity is Severity.ERROR for p in self.problems)
            or any(i.severity.value == "error" for i in self.incidents)
        )


def _digest(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def write_layers(
    conversion: ExportConversion, out: Path, schema: Schema, *, state_path: Path | None, force: bool = False
) -> WriteResult:
    """Write each converted layer to ``out/<annotator>/<doc-id>.json``, atomically.

    A file equal to what would be written is left alone (a re-pull with no change rewrites nothing).
    A file that differs from what the last pull wrote (per ``state_path``), or that no pull wrote, was
    edited here: it is kept, and reported, unless ``force``.
    """
    result = WriteResult(problems=list(conversion.all_problems))
    state: dict[str, str] = {}
    if state_path is not None and state_path.exists():
        try:
            loaded = json.loads(state_path.read_text(encoding="utf-8"))
            layers = loaded.get("layers", {}) if isinstance(loaded, dict) else {}
            state = {k: v for k, v in layers.items() if isinstance(v, str)} if isinstance(layers, dict) else {}
        except (OSError, ValueError, RecursionError):  # a damaged state only costs the "edited here" check
            state = {}
    before = dict(state)
    _refuse_duplicates(conversion.layers)
    planned: dict[tuple[str, ...], str] = {}
    for layer in conversion.layers:
        where = f"task {layer.task_id}, annotation {layer.annotation_id} ({layer.annotator}, document {layer.doc_id})"
        if layer.document is None:
            result.failed.append(where)
            continue
        if not is_valid_name(layer.doc_id) or not is_valid_name(layer.annotator):
            result.failed.append(f"{where}: the annotator or document id cannot be a file name")
            continue
        path = join_inside(Path(out), layer.annotator, f"{layer.doc_id}.json")
        # the conversion admits only the schema's labels, attributes, values and relations, and writes
        # the provenance itself: what is left to check is the document's own consistency
        result.incidents += [
            replace(i, file=str(path)) for i in check_document(layer.document, schema, Role.ANNOTATION)
        ]
        content = dumps_document(layer.document)
        key = str(path.resolve())
        if path.exists():
            current = path.read_text(encoding="utf-8")
            if current == content:
                state[key] = _digest(content)
                result.unchanged.append(path)
                continue
            if not force and state.get(key) != _digest(current):
                result.kept_local.append(path)
                continue
        planned[(layer.annotator, f"{layer.doc_id}.json")] = content
        state[key] = _digest(content)
        result.written.append(path)
    if planned:  # every layer or none, with the folder locked against a second pull
        write_all(Path(out), planned)
    if state_path is not None and state != before:
        atomic_write_text(state_path, json.dumps({"layers": dict(sorted(state.items()))}, indent=2) + "\n")
    return result


def _refuse_duplicates(layers: Sequence[Any]) -> None:
    """Two tasks with one doc_id, or two users mapped to one annotator, would write one file twice,
    and one layer would silently replace the other: refuse before writing, naming both."""
    seen: dict[tuple[str, str], str] = {}
    clashes = []
    for layer in layers:
        where = f"task {layer.task_id}, annotation {layer.annotation_id}"
        key = (layer.annotator, layer.doc_id)
        if key in seen:
            message = f"{where} and {seen[key]} both give annotator {key[0]!r} a layer of document {key[1]!r}"
            clashes.append(Incident("RPT-DUPLICATE-INPUT", message, doc_id=key[1]))
        else:
            seen[key] = where
    if clashes:
        raise ReportedlyError(clashes)


def convert_export(
    tasks: Any, schema: Schema, config: str | None, *, annotators: Mapping[str, str] | None = None
) -> tuple[ExportConversion, float]:
    """The pure conversion of an export, timed (seconds) for the benchmark."""
    from label_studio_sdk.label_interface.interface import LabelInterface

    interface = LabelInterface(config) if config else None
    tick = time.perf_counter()
    conversion = export_to_layers(tasks, schema, annotators=annotators, interface=interface)
    return conversion, time.perf_counter() - tick


def read_export_file(path: Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportedlyError.of("RPT-LS-FORMAT", f"{path}: cannot read a Label Studio JSON export ({exc})") from None


def convert_export_files(
    paths: Sequence[Path],
    out: Path,
    schema: Schema,
    config: str | None,
    *,
    annotators: Mapping[str, str] | None = None,
    state_path: Path | None = None,
    force: bool = False,
) -> WriteResult:
    """Label Studio JSON export files to annotation layers under ``out``: what ``studio pull`` does
    with the export it downloads (:func:`write_export`)."""
    tasks: list[Any] = []
    for path in paths:
        data = read_export_file(path)
        tasks += data if isinstance(data, list) else [data]
    return write_export(tasks, out, schema, config, annotators=annotators, state_path=state_path, force=force)


def write_export(
    tasks: Any,
    out: Path,
    schema: Schema,
    config: str | None,
    *,
    annotators: Mapping[str, str] | None = None,
    state_path: Path | None = None,
    force: bool = False,
) -> WriteResult:
    """An export's tasks converted (:func:`convert_export`) and written as layers under ``out``
    (:func:`write_layers`), with the time each step took."""
    conversion, convert_seconds = convert_export(tasks, schema, config, annotators=annotators)
    tick = time.perf_counter()
    result = write_layers(conversion, out, schema, state_path=state_path, force=force)
    result.convert_seconds = convert_seconds
    result.local_seconds = time.perf_counter() - tick
    return result
