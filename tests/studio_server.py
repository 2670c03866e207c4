"""Pytest plugin: one real Label Studio server per database per test session, for the tests marked ``studio``.

Every test that uses the ``studio`` fixture runs twice: against Label Studio on SQLite and on
PostgreSQL (``-k sqlite`` or ``-k postgresql`` picks one). A migrated, user-less SQLite data folder
and a stopped PostgreSQL cluster holding a migrated template database are cached in ``.cache/``
(git-ignored) and copied for each session, so a session starts each server in seconds; a clean
clone (CI) makes the caches first, about a minute each. The servers bind 127.0.0.1 on free ports,
get a fresh admin and token, and are stopped by pid when their group of tests ends. When a studio
test fails, the server log's tail is added to its report.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx
import pytest

from reportedly.document import Document, Relation, make_span
from reportedly.incidents import ReportedlyError
from reportedly.studio import server as studio_server
from reportedly.studio.client import Connection, connect
from reportedly.studio.cluster import LocalCluster, server_version
from reportedly.studio.database import Database, PostgresDatabase, migrate_database
from reportedly.studio.server import ServeResult, StudioPaths

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / ".cache" / f"labelstudio-{version('label-studio')}-template"
DATABASES = ("sqlite", "postgresql")
TEMPLATE_DATABASE = "labelstudio_template"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without anything that would steer Label Studio or our client."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LABEL_STUDIO_", "REPORTEDLY_STUDIO")) and k not in studio_server.LEAKY_ENV
    }
    env.update(extra)
    return env


@dataclass
class StudioServer:
    paths: StudioPaths
    result: ServeResult
    database: Database = None

    @property
    def url(self) -> str:
        return self.result.info.url

    @property
    def token(self) -> str:
        return self.result.credentials.token

    def connect(self) -> Connection:
        return connect(self.url, self.token)

    def log_tail(self, lines: int = 60) -> str:
        return studio_server.log_tail(self.paths.log, lines)


@pytest.fixture(scope="session")
def studio_template() -> Path:
    if not (TEMPLATE / "label_studio.sqlite3").exists():
        studio_server.migrate_template(TEMPLATE, env=clean_env())
    return TEMPLATE


def cached_cluster() -> Path:
    """A stopped PostgreSQL cluster with Label Studio's tables in its template database (made once)."""
    cached = ROOT / ".cache" / f"postgresql-{server_version()}-labelstudio-{version('label-studio')}-cluster"
    if (cached / "data" / "PG_VERSION").exists():
        return cached
    cached.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{cached.name}.", dir=cached.parent))
    os.chmod(building, 0o755)  # the cluster inside is private; under root its owner must get there
    cluster = LocalCluster.create(building / "cluster")
    try:
        cluster.start(free_port())
        migrate_database(cluster.create_database(TEMPLATE_DATABASE), env=clean_env())
    finally:
        cluster.stop()
    try:
        cluster.folder.rename(cached)
    except OSError:  # another session made it first
        if not cached.exists():
            raise
    shutil.rmtree(building, ignore_errors=True)
    return cached


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[LocalCluster]:
    """A throwaway PostgreSQL on 127.0.0.1 (a copy of the cached cluster, outside pytest's private
    temporary folder so that the ``postgres`` user can reach it when the tests run as root)."""
    source = cached_cluster()
    folder = Path(tempfile.mkdtemp(prefix="reportedly-test-postgresql-"))
    os.chmod(folder, 0o755)
    cluster = LocalCluster.copy_of(source, folder / "cluster")
    try:
        cluster.start(free_port())
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session", params=DATABASES)
def studio_database(request: pytest.FixtureRequest) -> Callable[[], Database]:
    """Makes a fresh Label Studio database of one kind: None (SQLite in the data folder) or a
    PostgreSQL database copied from the migrated template."""
    if request.param == "sqlite":
        return lambda: None
    cluster: LocalCluster = request.getfixturevalue("postgres_cluster")
    made = iter(range(1, 1000))

    def fresh() -> PostgresDatabase:
        return cluster.create_database(f"studio_{next(made)}", template=TEMPLATE_DATABASE)

    return fresh


_servers: list[StudioServer] = []


def start_server(root: Path, database: Database, template: Path, **options: Any) -> ServeResult:
    """A Label Studio server for ``root`` on ``database``, or the test fails with its log."""
    paths = StudioPaths(root)
    try:
        return studio_server.serve(
            paths, port=free_port(), template=template, env=clean_env(), timeout=240, database=database, **options
        )
    except ReportedlyError as exc:
        pytest.fail(f"Label Studio did not start: {exc}\n--- {paths.log} ---\n{studio_server.log_tail(paths.log)}")


@pytest.fixture(scope="session")
def studio(
    tmp_path_factory: pytest.TempPathFactory, studio_template: Path, studio_database: Callable[[], Database]
) -> Iterator[StudioServer]:
    """A running Label Studio with its own data folder, database, admin and token; model backends on
    this machine may connect to it."""
    paths = StudioPaths(tmp_path_factory.mktemp("studio") / ".studio")
    database = studio_database()
    result = start_server(paths.root, database, studio_template, loopback_backends=True)
    server = StudioServer(paths, result, database)
    _servers.append(server)
    try:
        yield server
    finally:
        _servers.remove(server)
        studio_server.stop(paths)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report: Any = outcome.get_result()
    if report.failed and item.get_closest_marker("studio") is not None:
        for server in _servers:
            report.sections.append((f"Label Studio log ({server.paths.log})", server.log_tail()))


# --- a corpus-like document -------------------------------------------------------------

# Emoji (astral, one with a skin-tone modifier and a flag of two code points), a combining accent, CRLF.
TEXT = (
    "Officials 👍🏽 at the ministry confirmed that the plan was reportedly cafe\u0301-approved.\r\n"
    "A senior official 🇺🇦 said costs may rise by about 40 percent."
)


def sample_document(text: str = TEXT) -> Document:
    """A corpus-like gold document: emoji, a combining accent and CRLF in its text."""

    def at(fragment: str, after: int = 0) -> tuple[int, int]:
        start = text.index(fragment, after)
        return start, start + len(fragment)

    s1, c1, u1, h1 = (
        at("Officials 👍🏽 at the ministry"),
        at("the plan was reportedly cafe\u0301-approved"),
        at("confirmed"),
        at("reportedly"),
    )
    s2, c2, u2, h2, h3 = (
        at("A senior official 🇺🇦"),
        at("costs may rise by about 40 percent"),
        at("said"),
        at("may"),
        at("about"),
    )
    spans = (
        make_span(text, "S1", "SOURCE", *s1, source_type="named_organization", anonymity_reason="not_applicable"),
        make_span(text, "C1", "CLAIM", *c1, quote="indirect"),
        make_span(text, "U1", "CUE", *u1),
        make_span(text, "H1", "HEDGE", *h1, hedge_type="evidential", holder="author"),
        make_span(text, "S2", "SOURCE", *s2, source_type="unnamed_person", anonymity_reason="not_given"),
        make_span(text, "C2", "CLAIM", *c2, quote="indirect"),
        make_span(text, "U2", "CUE", *u2),
        make_span(text, "H2", "HEDGE", *h2, hedge_type="modal", holder="source"),
        make_span(text, "H3", "HEDGE", *h3, hedge_type="approximator", holder="source"),
    )
    relations = (
        Relation("attributed_to", "C1", "S1"),
        Relation("introduced_by", "C1", "U1"),
        Relation("hedges", "H1", "C1"),
        Relation("attributed_to", "C2", "S2"),
        Relation("introduced_by", "C2", "U2"),
        Relation("hedges", "H2", "C2"),
        Relation("hedges", "H3", "C2"),
    )
    return Document(
        "wire-0001",
        text,
        {"genre": "wire", "topic": "defense", "origin": "constructed"},
        spans,
        relations,
        {"layer": "gold", "annotators": ["a1"], "method": "test", "schema_version": "1.0.0"},
    )


# --- people at the editor -------------------------------------------------------------------


class Annotator:
    """A person signed up through the invite link, logged in with a browser session, who saves
    annotations the way the Label Studio editor does (session cookie + CSRF token, same body)."""

    def __init__(self, url: str, invite: str, email: str, password: str = "annotate-with-care-42") -> None:
        self.url, self.email = url, email
        self.http = httpx.Client(base_url=url, follow_redirects=True, timeout=60)
        path = invite.removeprefix(url)
        self.http.get(path)
        response = self.http.post(
            path, data={"email": email, "password": password, "csrfmiddlewaretoken": self.http.cookies["csrftoken"]}
        )
        if "sessionid" not in self.http.cookies:
            raise AssertionError(f"sign-up of {email} failed: HTTP {response.status_code} {response.text[:300]}")
        self.password = password

    def headers(self) -> dict[str, str]:
        return {"X-CSRFToken": self.http.cookies["csrftoken"], "Referer": self.url + "/"}

    def annotate(
        self,
        project_id: int,
        task_id: int,
        result: list[dict[str, Any]],
        *,
        parent_prediction: int | None = None,
        lead_time: float = 61.5,
    ) -> dict[str, Any]:
        body = {
            "lead_time": lead_time,
            "result": result,
            "draft_id": 0,
            "parent_prediction": parent_prediction,
            "parent_annotation": None,
            "started_at": "2025-05-01T09:00:00.000Z",
            "project": str(project_id),
        }
        response = self.http.post(
            f"/api/tasks/{task_id}/annotations?project={project_id}", json=body, headers=self.headers()
        )
        response.raise_for_status()
        return dict(response.json())

    def close(self) -> None:
        self.http.close()


def editor_region_id() -> str:
    """Region ids as the editor makes them: ten characters from a random alphabet."""
    return re.sub(r"[^A-Za-z0-9_-]", "", uuid.uuid4().hex)[:10]
