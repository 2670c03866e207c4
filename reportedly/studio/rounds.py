"""Annotation rounds whose independence is enforced: one Label Studio server per annotator.

Label Studio Community runs a single organisation: every sign-up joins the first organisation
(``users/functions/common.py: save_user``, whatever the invite token), and a project admits every
member (``projects/mixins.py: ProjectMixin.has_permission`` rejects only revoked memberships). Any
annotator's token can therefore read every project on a server through the API. So a round gives
each annotator a server of their own (their own data folder, and SQLite file or PostgreSQL
database), all from the same config and tasks: an annotator's account and token exist only on
their server, and the other annotators' work is not on it::

    .studio/rounds/<round>/round.json         the annotators, the database and when it was made
    .studio/rounds/<round>/<annotator>/       one server folder (data, credentials, pid, log)

The coordinator is the admin of every server (one token each, kept in its folder, 0600).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reportedly.convert import labelstudio
from reportedly.document import Document
from reportedly.incidents import ReportedlyError
from reportedly.schema import Schema
from reportedly.studio import client
from reportedly.studio.database import Database
from reportedly.studio.server import ServeResult, StudioPaths, running_server, serve, stop, write_private

NAME_PATTERN = r"[a-z0-9][a-z0-9_-]{0,30}"
DEFAULT_ROUND_PORT = 8101


@dataclass(frozen=True)
class Round:
    root: Path  # the studio folder (.studio)
    name: str
    annotators: tuple[str, ...]

    @property
    def folder(self) -> Path:
        return self.root / "rounds" / self.name

    @property
    def state(self) -> Path:
        return self.folder / "round.json"

    def paths(self, annotator: str) -> StudioPaths:
        return StudioPaths(self.folder / annotator)

    def title(self, annotator: str) -> str:
        return f"{self.name} / {annotator}"


def check_names(name: str, annotators: Sequence[str]) -> None:
    bad = [n for n in (name, *annotators) if not re.fullmatch(NAME_PATTERN, n)]
    if bad:
        raise ReportedlyError.of(
            "RPT-STUDIO-ROUND",
            f"{bad[0]!r} cannot name a round or an annotator: use 1 to 31 lower-case letters, digits, '_' or '-'",
        )
    if len(set(annotators)) != len(annotators) or len(annotators) < 2:
        raise ReportedlyError.of(
            "RPT-STUDIO-ROUND", f"a round needs two or more different annotators, not {list(annotators)}"
        )


def open_round(root: Path, name: str) -> Round:
    """The round made by :func:`serve_round` in this studio folder."""
    state = Path(root) / "rounds" / name / "round.json"
    if not state.exists():
        raise ReportedlyError.of(
            "RPT-STUDIO-ROUND",
            f"no round {name!r} in {root}; make it with `reportedly studio setup --round {name} --annotators a1,a2`",
        )
    data = json.loads(state.read_text(encoding="utf-8"))
    return Round(Path(root), name, tuple(data["annotators"]))


def serve_round(
    root: Path,
    name: str,
    annotators: Sequence[str],
    *,
    database_for: Callable[[str], Database],
    port: int = DEFAULT_ROUND_PORT,
    template: Path | None = None,
    env: Mapping[str, str] | None = None,
    loopback_backends: bool = False,
    on_progress: Callable[[str], None] | None = None,
) -> dict[str, ServeResult]:
    """Start (or find running) one server per annotator, on ports from ``port`` up."""
    check_names(name, annotators)
    found = Round(Path(root), name, tuple(annotators))
    if found.state.exists():
        known = open_round(root, name).annotators
        if known != found.annotators:
            raise ReportedlyError.of(
                "RPT-STUDIO-ROUND",
                f"round {name!r} has the annotators {', '.join(known)}, not {', '.join(annotators)}; "
                "start a new round for another team",
            )
    found.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    started: dict[str, ServeResult] = {}
    for index, annotator in enumerate(found.annotators):
        database = database_for(annotator)
        started[annotator] = serve(
            found.paths(annotator),
            port=port + index,
            template=template,
            env=env,
            database=database,
            loopback_backends=loopback_backends,
            on_progress=on_progress,
        )
    if not found.state.exists():
        record = {
            "round": name,
            "annotators": list(found.annotators),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "databases": {a: r.info.database for a, r in started.items()},
        }
        write_private(found.state, json.dumps(record, indent=2) + "\n")
    return started


def connections(found: Round) -> dict[str, client.Connection]:
    """The coordinator's connection to each annotator's running server."""
    out = {}
    for annotator in found.annotators:
        paths = found.paths(annotator)
        info = running_server(paths)
        if info is None:
            raise ReportedlyError.of(
                "RPT-STUDIO-ROUND",
                f"the server of annotator {annotator} (round {found.name}) is not running; start the round's "
                f"servers with `reportedly studio setup --round {found.name} --annotators "
                f"{','.join(found.annotators)}`",
            )
        settings = client.resolve_settings(paths, url=info.url, env={})
        out[annotator] = client.connect(settings.url, settings.token, token_source=settings.token_source)
    return out


@dataclass(frozen=True)
class RoundProject:
    annotator: str
    url: str
    project: client.Project
    invite: str  # the sign-up link of this annotator's server only


def setup_round(found: Round, *, config: str, instructions: str, description: str = "") -> list[RoundProject]:
    """The same project (config, instructions) on every annotator's server; one annotation per task."""
    out = []
    for annotator, conn in connections(found).items():
        result = client.setup_project(
            conn,
            title=found.title(annotator),
            config=config,
            instructions=instructions,
            description=description,
            overlap=1,
        )
        out.append(RoundProject(annotator, conn.url, result.project, client.invite_url(conn)))
    return out


def push_round(
    found: Round,
    documents: Sequence[Document],
    schema: Schema,
    *,
    config: str,
    predictions: Sequence[Document] = (),
    system: str | None = None,
) -> dict[str, client.PushResult]:
    """The same tasks (and pre-annotations) into every annotator's project."""
    out = {}
    for annotator, conn in connections(found).items():
        project = client.require_project(conn, found.title(annotator))
        client.check_config(conn, project, config)
        out[annotator] = client.push(conn, project, documents, schema, predictions=predictions, system=system)
    return out


@dataclass
class Progress:
    annotator: str
    accounts: tuple[str, ...]  # who signed up on this annotator's server (the admin aside)
    done: int = 0
    skipped: int = 0
    remaining: int = 0


def _accounts(conn: client.Connection) -> dict[int, str]:
    """The server's users other than the coordinator: id -> e-mail."""
    users = conn.request("GET", "api/users/")
    listed = users.get("results", users) if isinstance(users, dict) else users
    return {int(u["id"]): str(u.get("email") or u["id"]) for u in listed if int(u["id"]) != int(conn.user["id"])}


def _progress(annotator: str, accounts: Mapping[int, str], tasks: Sequence[Mapping[str, Any]]) -> Progress:
    progress = Progress(annotator, tuple(sorted(accounts.values())))
    for task in tasks:
        total, cancelled = int(task.get("total_annotations") or 0), int(task.get("cancelled_annotations") or 0)
        if total > 0:
            progress.done += 1
        elif cancelled > 0:
            progress.skipped += 1
        else:
            progress.remaining += 1
    return progress


def round_status(found: Round) -> list[Progress]:
    """Per annotator: tasks done (submitted), skipped, remaining."""
    out = []
    for annotator, conn in connections(found).items():
        project = client.require_project(conn, found.title(annotator))
        tasks: list[Mapping[str, Any]] = []
        page = 1
        while True:
            batch = conn.request(
                "GET",
                "api/tasks",
                params={
                    "project": project.id,
                    "page": page,
                    "page_size": 1000,
                    "include": "id,total_annotations,cancelled_annotations",
                },
            )
            tasks += batch.get("tasks", [])
            if not batch.get("tasks") or len(tasks) >= int(batch.get("total", 0)):
                break
            page += 1
        out.append(_progress(annotator, _accounts(conn), tasks))
    return out


@dataclass
class RoundPull:
    progress: list[Progress] = field(default_factory=list)
    results: dict[str, labelstudio.WriteResult] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return any(r.has_errors for r in self.results.values())


def pull_round(found: Round, schema: Schema, out: Path, *, config: str, force: bool = False) -> RoundPull:
    """Every annotator's submitted annotations into ``out/<annotator>/<doc-id>.json``.

    On an annotator's server only their own account may have annotated: annotations by anyone else
    (a second account, or the coordinator trying the project out) are an error, and nothing of that
    annotator is written.
    """
    pulled = RoundPull()
    for annotator, conn in connections(found).items():
        project = client.require_project(conn, found.title(annotator))
        client.check_config(conn, project, config)
        accounts = _accounts(conn)
        tasks = client.fetch_export(conn, project)
        authors = {
            int(a["completed_by"]["id"] if isinstance(a["completed_by"], dict) else a["completed_by"])
            for task in tasks
            for a in task.get("annotations", [])
            if a.get("completed_by") is not None
        }
        if len(authors) > 1 or (authors and not authors <= set(accounts)):
            names = sorted(accounts.get(i, "the coordinator (admin)") for i in authors)
            raise ReportedlyError.of(
                "RPT-STUDIO-ROUND",
                f"on the server of annotator {annotator} ({conn.url}), {len(authors)} accounts annotated "
                f"({', '.join(names)}); only the annotator's own account may: delete the others' annotations "
                "there, then pull again",
            )
        summary = [
            {
                "total_annotations": sum(1 for a in t.get("annotations", []) if not a.get("was_cancelled")),
                "cancelled_annotations": sum(1 for a in t.get("annotations", []) if a.get("was_cancelled")),
            }
            for t in tasks
        ]
        pulled.progress.append(_progress(annotator, accounts, summary))
        owners = {e: annotator for e in accounts.values()}
        state = found.paths(annotator).pull_state
        result = labelstudio.write_export(tasks, out, schema, config, annotators=owners, state_path=state, force=force)
        pulled.results[annotator] = replace(result)
    return pulled


def stop_round(found: Round) -> list[str]:
    return [f"{annotator}: {stop(found.paths(annotator)).message}" for annotator in found.annotators]
