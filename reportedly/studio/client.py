"""Talk to a Label Studio server: connect, set up the project, push tasks (+ predictions), pull layers.

The conversion itself is :mod:`reportedly.convert.labelstudio` (pure); this module moves its input
and output over the API and onto disk. Every failure is a :class:`ReportedlyError` whose message names
the fix: server not reachable, token refused, project missing, config drift.
"""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportedly.convert.labelstudio import (
    DOC_ID_KEY,
    WriteResult,
    check_predictions,
    document_to_prediction,
    document_to_task,
    write_export,
)
from reportedly.document import Document
from reportedly.incidents import Incident, ReportedlyError
from reportedly.schema import TEXT_NAME, Schema, labelstudio_xml
from reportedly.studio.connection import (
    CONNECT_TIMEOUT as CONNECT_TIMEOUT,
)
from reportedly.studio.connection import (
    DEFAULT_URL as DEFAULT_URL,
)
from reportedly.studio.connection import (
    Connection as Connection,
)
from reportedly.studio.connection import (
    Settings as Settings,
)
from reportedly.studio.connection import (
    api_error_text as _api_error_text,
)
from reportedly.studio.connection import (
    call_timeout as call_timeout,
)
from reportedly.studio.connection import (
    connect as connect,
)
from reportedly.studio.connection import (
    resolve_settings as resolve_settings,
)
from reportedly.studio.defaults import DEFAULT_PROJECT as DEFAULT_PROJECT
from reportedly.studio.instructions import as_label_studio_stores as as_label_studio_stores
from reportedly.studio.instructions import instructions_html as instructions_html

Progress = Callable[[int, int], None]


# --- connection: reportedly.studio.connection ----------------------------------------------------


# --- project ---------------------------------------------------------------------------------------


def canonical_config(config: str) -> str:
    """A labeling config without comments and layout whitespace, to compare two configs."""
    try:
        return ET.canonicalize(xml_data=config, strip_text=True, with_comments=False)
    except ET.ParseError as exc:
        raise ReportedlyError.of("RPT-STUDIO-CONFIG", f"labeling config is not well-formed XML: {exc}") from None


def read_config(path: Path, schema: Schema) -> str:
    """The labeling config file, checked fresh against the schema (pull reads results by the schema):
    refused when missing (``RPT-STUDIO-CONFIG``) or not the one the schema generates (``RPT-GENERATED-STALE``)."""
    if not path.exists():
        raise _refusal("RPT-STUDIO-CONFIG", f"{path} does not exist; run `reportedly schema build`", path)
    config = path.read_text(encoding="utf-8")
    if canonical_config(config) != canonical_config(labelstudio_xml(schema)):
        raise _refusal(
            "RPT-GENERATED-STALE", f"{path} is stale against {schema.path}; run `reportedly schema build`", path
        )
    return config


def _refusal(code: str, message: str, path: Path) -> ReportedlyError:
    """An error whose text is the message alone: the message already says what to run."""
    return ReportedlyError(Incident(code, message, str(path)), message)


def _first_difference(ours: str, theirs: str) -> str:
    a = canonical_config(ours).replace("><", ">\n<").splitlines()
    b = canonical_config(theirs).replace("><", ">\n<").splitlines()
    for index, (left, right) in enumerate(zip(a, b, strict=False)):
        if left != right:
            return f"element {index + 1}: ours {left[:160]!r}, the server's {right[:160]!r}"
    return f"ours has {len(a)} elements, the server's {len(b)}"


@dataclass(frozen=True)
class Project:
    id: int
    title: str
    label_config: str
    raw: Mapping[str, Any]


def _project(item: Any) -> Project:
    data = item.dict() if hasattr(item, "dict") else dict(item)
    return Project(int(data["id"]), str(data.get("title") or ""), str(data.get("label_config") or ""), data)


def project_by_id(conn: Connection, project_id: int) -> Project:
    return _project(conn.client.projects.get(project_id))


def require_project(conn: Connection, title: str) -> Project:
    """The one project with this exact title; an error naming the fix when there is none."""
    project = find_project(conn, title)
    if project is None:
        raise ReportedlyError.of(
            "RPT-STUDIO-PROJECT",
            f"no project titled {title!r} on {conn.url}; create it with `reportedly studio "
            "setup` (or pass --project TITLE)",
        )
    return project


def find_project(conn: Connection, title: str) -> Project | None:
    """The one project with this exact title, or None."""
    found = [
        p
        for p in conn.request("GET", "api/projects", params={"title": title, "page_size": 1000}).get("results", [])
        if p.get("title") == title
    ]
    if len(found) > 1:
        ids = ", ".join(str(p["id"]) for p in found)
        raise ReportedlyError.of(
            "RPT-STUDIO-PROJECT",
            f"{len(found)} projects on {conn.url} are titled {title!r} (ids {ids}); rename or delete all but one",
        )
    if not found:
        return None
    return _project(conn.client.projects.get(found[0]["id"]))


def check_config(conn: Connection, project: Project, config: str) -> None:
    """Raise when the server's labeling config is not ``config`` (comments and layout aside)."""
    if canonical_config(project.label_config) != canonical_config(config):
        raise ReportedlyError.of(
            "RPT-STUDIO-DRIFT",
            f"the labeling config of project {project.title!r} (id {project.id}) on {conn.url} differs from "
            f"schema/labelstudio.xml ({_first_difference(config, project.label_config)}); run `reportedly "
            "studio setup` to update the project",
        )


@dataclass(frozen=True)
class SetupResult:
    project: Project
    created: bool
    changed: tuple[str, ...]


def setup_project(
    conn: Connection, *, title: str, config: str, instructions: str, description: str = "", overlap: int = 2
) -> SetupResult:
    """Create the project, or bring an existing one (matched by title) up to date; idempotent."""
    from label_studio_sdk.core.api_error import ApiError
    from label_studio_sdk.label_interface.interface import LabelInterface

    try:
        interface: Any = LabelInterface(config)
        interface.validate()
    except Exception as exc:  # the SDK raises several kinds for an invalid config
        raise ReportedlyError.of(
            "RPT-STUDIO-CONFIG", f"the labeling config is invalid for Label Studio: {exc}"
        ) from None
    wanted: dict[str, Any] = {
        "label_config": config,
        "expert_instruction": instructions,
        "show_instruction": True,
        "description": description,
        "maximum_annotations": overlap,
        "show_skip_button": True,
    }
    project = find_project(conn, title)
    try:
        if project is None:
            created = conn.client.projects.create(title=title, **wanted)
            return SetupResult(_project(conn.client.projects.get(created.id)), True, tuple(wanted))
        changed = {
            key: value
            for key, value in wanted.items()
            if (
                canonical_config(project.label_config) != canonical_config(config)
                if key == "label_config"
                else project.raw.get(key) != value
            )
        }
        if changed:
            conn.client.projects.update(project.id, **changed)
            project = _project(conn.client.projects.get(project.id))
        return SetupResult(project, False, tuple(changed))
    except ApiError as exc:
        raise ReportedlyError.of(
            "RPT-STUDIO-CONFIG",
            f"Label Studio refused the project settings (HTTP {exc.status_code}): "
            f"{_api_error_text(exc)}. A config that drops labels already used by annotations is "
            "refused: adjudicate or delete those annotations first",
        ) from None


def invite_url(conn: Connection) -> str:
    """The sign-up link annotators use to join this server's organisation."""
    invite = conn.request("GET", "api/invite")
    return f"{conn.url}{invite['invite_url']}"


# --- push ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExistingTask:
    id: int
    text: str


def existing_tasks(conn: Connection, project: Project) -> dict[str, ExistingTask]:
    """The project's tasks by ``data.doc_id`` (tasks without one are ignored)."""
    found: dict[str, ExistingTask] = {}
    page, seen = 1, 0
    while True:
        batch = conn.request(
            "GET", "api/tasks", params={"project": project.id, "page_size": 1000, "page": page, "include": "id,data"}
        )
        tasks = batch.get("tasks", [])
        for task in tasks:
            data = task.get("data") or {}
            doc_id = data.get(DOC_ID_KEY)
            if isinstance(doc_id, str):
                found.setdefault(doc_id, ExistingTask(int(task["id"]), str(data.get(TEXT_NAME, ""))))
        seen += len(tasks)
        if not tasks or seen >= int(batch.get("total", 0)):
            return found
        page += 1


@dataclass
class PushResult:
    created: int = 0
    already_there: int = 0
    conflicts: list[str] = field(default_factory=list)
    predictions_created: int = 0
    predictions_updated: int = 0
    predictions_unchanged: int = 0
    seconds: float = 0.0
    convert_seconds: float = 0.0  # our own conversion (documents -> tasks), for the benchmark
    check_seconds: float = 0.0  # checking the predictions before anything is sent


def push(
    conn: Connection,
    project: Project,
    documents: Sequence[Document],
    schema: Schema,
    *,
    predictions: Sequence[Document] = (),
    system: str | None = None,
    batch_size: int = 500,
    on_progress: Progress | None = None,
) -> PushResult:
    """Import ``documents`` as tasks, skipping those already there (matched by document id).

    ``predictions`` (documents of ``system``) go in as pre-annotations with ``model_version =
    system``; on a task already there, a prediction of ``system`` is added or updated in place.
    """
    from label_studio_sdk.core.api_error import ApiError
    from label_studio_sdk.label_interface.interface import LabelInterface

    began = time.perf_counter()
    result = PushResult()
    ids = [doc.id for doc in documents]
    repeated = sorted({i for i in ids if ids.count(i) > 1}) if len(set(ids)) != len(ids) else []
    if repeated:
        raise ReportedlyError.of("RPT-STUDIO-PUSH", f"document id(s) given twice: {', '.join(repeated[:10])}")
    if predictions and not system:
        raise ReportedlyError.of(
            "RPT-STUDIO-PUSH", "predictions need a system name (--system), used as Label Studio's model_version"
        )
    by_id = {doc.id: doc for doc in documents}
    orphans = [p.id for p in predictions if p.id not in by_id]
    if orphans:
        raise ReportedlyError.of(
            "RPT-STUDIO-PUSH",
            f"prediction(s) for document(s) not being pushed: {', '.join(orphans[:10])}; push those documents too",
        )
    tick = time.perf_counter()
    errors = check_predictions(documents, predictions, schema, LabelInterface(project.label_config))
    result.check_seconds = time.perf_counter() - tick
    if errors:
        more = f" (and {len(errors) - 20} more)" if len(errors) > 20 else ""
        raise ReportedlyError.of(
            "RPT-STUDIO-PUSH",
            "predictions are not valid pre-annotations; nothing pushed:\n" + "\n".join(errors[:20]) + more,
        )
    predicted = {p.id: p for p in predictions}
    existing = existing_tasks(conn, project)
    fresh: list[Document] = []
    for doc in documents:
        known = existing.get(doc.id)
        if known is None:
            fresh.append(doc)
        elif known.text != doc.text:
            result.conflicts.append(
                f"document {doc.id}: its text differs from task {known.id}'s; not pushed "
                "(annotations are tied to the text: change it in a new document id)"
            )
        else:
            result.already_there += 1
    total = len(fresh) + sum(1 for p in predictions if p.id in existing)
    done = 0
    for start in range(0, len(fresh), batch_size):
        batch = fresh[start : start + batch_size]
        tick = time.perf_counter()
        tasks = [
            document_to_task(doc, schema, predictions=[(str(system), predicted[doc.id])] if doc.id in predicted else ())
            for doc in batch
        ]
        result.convert_seconds += time.perf_counter() - tick
        try:
            conn.client.projects.import_tasks(project.id, request=tasks, return_task_ids=True)
        except ApiError as exc:
            raise ReportedlyError.of(
                "RPT-STUDIO-PUSH",
                f"Label Studio refused tasks {batch[0].id} .. {batch[-1].id} (HTTP {exc.status_code}): "
                f"{_api_error_text(exc)}; {result.created} task(s) were imported before",
            ) from None
        result.created += len(batch)
        result.predictions_created += sum(1 for doc in batch if doc.id in predicted)
        done += len(batch)
        if on_progress:
            on_progress(done, total)
    if predictions:
        _push_predictions_on_existing(conn, project, existing, predicted, schema, str(system), result)
        if on_progress:
            on_progress(total, total)
        if project.raw.get("model_version") != system or not project.raw.get("show_collab_predictions"):
            conn.client.projects.update(project.id, model_version=system, show_collab_predictions=True)
    result.seconds = time.perf_counter() - began
    return result


def _push_predictions_on_existing(
    conn: Connection,
    project: Project,
    existing: Mapping[str, ExistingTask],
    predicted: Mapping[str, Document],
    schema: Schema,
    system: str,
    result: PushResult,
) -> None:
    targets = {existing[doc_id].id: pred for doc_id, pred in predicted.items() if doc_id in existing}
    if not targets:
        return
    current: dict[int, Any] = {}
    for item in conn.client.predictions.list(project=project.id):
        if item.model_version == system and item.task in targets:
            current[int(item.task)] = item
    for task_id, pred in targets.items():
        tick = time.perf_counter()
        body = document_to_prediction(pred, schema, system)
        result.convert_seconds += time.perf_counter() - tick
        old = current.get(task_id)
        if old is None:
            conn.client.predictions.create(task=task_id, model_version=system, result=body["result"])
            result.predictions_created += 1
        elif list(old.result or []) != body["result"]:
            conn.client.predictions.update(old.id, result=body["result"])
            result.predictions_updated += 1
        else:
            result.predictions_unchanged += 1


# --- pull ---------------------------------------------------------------------------------------


def fetch_export(conn: Connection, project: Project, *, timeout: float = 600.0) -> list[Any]:
    """A snapshot export of every annotation, with full prediction bodies and annotator e-mails."""
    exports = conn.client.projects.exports
    snapshot = exports.create(
        project.id,
        title="reportedly studio pull",
        serialization_options={"predictions": {"only_id": False}, "annotations__completed_by": {"only_id": False}},
    )
    deadline = time.monotonic() + timeout
    while snapshot.status not in ("completed", "failed"):
        if time.monotonic() > deadline:
            raise ReportedlyError.of(
                "RPT-STUDIO-EXPORT", f"export {snapshot.id} of project {project.id} did not finish in {timeout:.0f} s"
            )
        time.sleep(0.5)
        snapshot = exports.get(project.id, snapshot.id)
    if snapshot.status == "failed":
        raise ReportedlyError.of(
            "RPT-STUDIO-EXPORT",
            f"Label Studio failed to export project {project.id} (export {snapshot.id}); see the server log",
        )
    try:
        data = b"".join(exports.download(project.id, snapshot.id, export_type="JSON"))
    finally:
        exports.delete(project.id, snapshot.id)
    tasks = json.loads(data)
    if not isinstance(tasks, list):
        raise ReportedlyError.of("RPT-STUDIO-EXPORT", f"export {snapshot.id} is not a list of tasks")
    return tasks


def pull(
    conn: Connection,
    project: Project,
    schema: Schema,
    out: Path,
    *,
    config: str,
    state_path: Path | None,
    force: bool = False,
    annotators: Mapping[str, str] | None = None,
) -> WriteResult:
    """Export the project's annotations and write them as layers (see :func:`write_layers`)."""
    began = time.perf_counter()
    check_config(conn, project, config)
    tasks = fetch_export(conn, project)
    result = write_export(tasks, out, schema, config, annotators=annotators, state_path=state_path, force=force)
    result.seconds = time.perf_counter() - began
    return result
