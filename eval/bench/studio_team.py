"""The team scenario of the studio benchmark: many annotators posting at once, on SQLite and PostgreSQL.

For each database, one Label Studio server on 127.0.0.1 gets a project of N tasks; A annotators sign
up through the invite link and each submits an annotation of every task, the way the editor does
(session cookie, CSRF token, same body), from A concurrent clients at most (a bounded thread pool,
loopback only). Reported: posts per second, median and p95 latency, failed posts (and how many
failed because SQLite said "database is locked"), then the time to pull every annotation as layers.

    .venv/bin/python eval/bench/studio.py --team [--annotators 10] [--tasks 500]
"""

from __future__ import annotations

import random
import shutil
import socket
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from reportedly.convert.labelstudio import document_to_results
from reportedly.document import Document
from reportedly.schema import Schema
from reportedly.studio import client, server
from reportedly.studio.cluster import LocalCluster
from reportedly.studio.database import Database, migrate_database

PASSWORD = "bench-annotator-password-42"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sign_up(url: str, invite: str, email: str) -> httpx.Client:
    """A logged-in browser-like session of a new annotator."""
    http = httpx.Client(base_url=url, follow_redirects=True, timeout=120)
    path = invite.removeprefix(url)
    http.get(path)
    http.post(path, data={"email": email, "password": PASSWORD, "csrfmiddlewaretoken": http.cookies["csrftoken"]})
    if "sessionid" not in http.cookies:
        raise RuntimeError(f"sign-up of {email} failed")
    return http


def post_all(
    http: httpx.Client, url: str, project_id: int, work: list[tuple[int, list[Any]]]
) -> list[tuple[float, str]]:
    """One annotator's posts, in order: (seconds, error or '') each."""
    headers = {"X-CSRFToken": http.cookies["csrftoken"], "Referer": url + "/"}
    out = []
    for task_id, result in work:
        body = {
            "lead_time": 30.0,
            "result": result,
            "draft_id": 0,
            "parent_prediction": None,
            "project": str(project_id),
        }
        tick = time.perf_counter()
        try:
            response = http.post(f"/api/tasks/{task_id}/annotations?project={project_id}", json=body, headers=headers)
            error = "" if response.status_code == 201 else f"HTTP {response.status_code} {response.text[:200]}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__} {exc}"
        out.append((time.perf_counter() - tick, error))
    return out


def run_one(
    label: str,
    database: Database,
    template: Path | None,
    docs: list[Document],
    schema: Schema,
    config: str,
    annotators: int,
    work: Path,
) -> dict[str, Any]:
    paths = server.StudioPaths(work / f"studio-{label}")
    started = server.serve(paths, port=free_port(), template=template, database=database)
    try:
        conn = client.connect(started.info.url, started.credentials.token)
        project = client.setup_project(
            conn, title="team bench", config=config, instructions="", overlap=annotators
        ).project
        client.push(conn, project, [Document(d.id, d.text, d.meta) for d in docs], schema)
        tasks = client.existing_tasks(conn, project)
        invite = client.invite_url(conn)
        sessions = [sign_up(conn.url, invite, f"annotator{i:02d}@example.org") for i in range(annotators)]
        results = {d.id: document_to_results(d, schema) for d in docs}
        plans = []
        for i in range(annotators):
            order = list(docs)
            random.Random(i).shuffle(order)  # annotators work through the tasks in different orders
            plans.append([(tasks[d.id].id, results[d.id]) for d in order])
        tick = time.perf_counter()
        with ThreadPoolExecutor(max_workers=annotators) as pool:
            timings = [
                t
                for done in pool.map(post_all, sessions, [conn.url] * annotators, [project.id] * annotators, plans)
                for t in done
            ]
        wall = time.perf_counter() - tick
        for http in sessions:
            http.close()
        latencies = sorted(t for t, _ in timings)
        errors = [e for _, e in timings if e]
        tick = time.perf_counter()
        pulled = client.pull(conn, project, schema, work / f"layers-{label}", config=config, state_path=None)
        pull_s = time.perf_counter() - tick
        log = paths.log.read_text(encoding="utf-8", errors="replace")
        return {
            "label": label,
            "posts": len(timings),
            "wall": wall,
            "throughput": len(timings) / wall,
            "median_ms": 1000 * statistics.median(latencies),
            "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
            "failed": len(errors),
            "locked": sum("database is locked" in e for e in errors),
            "locked_in_log": log.count("database is locked"),
            "first_error": errors[0] if errors else "",
            "pull_s": pull_s,
            "layers": len(pulled.written),
        }
    finally:
        server.stop(paths)


def run_team(docs: list[Document], schema: Schema, config: str, *, annotators: int, sqlite_template: Path) -> int:
    work = Path(tempfile.mkdtemp(prefix="reportedly-bench-team-"))
    cluster_home = Path(tempfile.mkdtemp(prefix="reportedly-bench-postgresql-"))
    cluster_home.chmod(0o755)  # under root, the postgres user must reach the cluster inside
    cluster = LocalCluster.create(cluster_home / "cluster")
    try:
        cluster.start(free_port())
        tick = time.perf_counter()
        database = cluster.create_database("labelstudio_team")
        migrate_database(database)
        print(f"team: PostgreSQL cluster made and Label Studio's tables created in {time.perf_counter() - tick:.1f} s")
        print(f"team: {annotators} annotators x {len(docs)} tasks, {annotators} concurrent clients on 127.0.0.1")
        rows = [
            run_one("sqlite", None, sqlite_template, docs, schema, config, annotators, work),
            run_one("postgresql", database, None, docs, schema, config, annotators, work),
        ]
    finally:
        cluster.stop()
        shutil.rmtree(cluster_home, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    print("| database | posts | posts/s | median ms | p95 ms | failed (database is locked) | pull s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['label']} | {r['posts']} | {r['throughput']:.1f} | {r['median_ms']:.0f} | {r['p95_ms']:.0f} | "
            f"{r['failed']} ({r['locked']}; {r['locked_in_log']} in the server log) | {r['pull_s']:.1f} |"
        )
    for r in rows:
        if r["first_error"]:
            print(f"{r['label']}: first failed post: {r['first_error']}")
        if r["layers"] != r["posts"] - r["failed"]:
            print(f"{r['label']}: pulled {r['layers']} layers for {r['posts'] - r['failed']} stored annotations")
    return 0 if rows[1]["failed"] == 0 else 1
