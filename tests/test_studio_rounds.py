"""A three-annotator round on real Label Studio servers: setup, push, annotate, isolation, status, pull, agree."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from studio_server import Annotator, clean_env, free_port, sample_document
from typer.testing import CliRunner

from reportedly.cli import app
from reportedly.convert.labelstudio import document_to_results
from reportedly.document import Document, read_document, write_jsonl
from reportedly.schema import Schema
from reportedly.studio import rounds
from reportedly.studio.database import Database

pytestmark = [pytest.mark.studio, pytest.mark.slow]
ANNOTATORS = ("a1", "a2", "a3")


def _cli(root: Path, *args: str) -> Any:
    return CliRunner().invoke(app, [*args, "--dir", str(root)], env=clean_env())


@pytest.fixture(scope="module")
def round_root(
    tmp_path_factory: pytest.TempPathFactory, studio_template: Path, studio_database: Callable[[], Database]
) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("round") / ".studio"
    try:
        rounds.serve_round(
            root,
            "r1",
            ANNOTATORS,
            database_for=lambda _annotator: studio_database(),
            port=free_port(),
            template=studio_template,
            env=clean_env(),
        )
        yield root
    finally:
        if (root / "rounds" / "r1" / "round.json").exists():
            rounds.stop_round(rounds.open_round(root, "r1"))


def _skip(annotator: Annotator, project_id: int, task_id: int) -> None:
    body = {"result": [], "was_cancelled": True, "lead_time": 3.0, "project": str(project_id)}
    response = annotator.http.post(
        f"/api/tasks/{task_id}/annotations?project={project_id}", json=body, headers=annotator.headers()
    )
    response.raise_for_status()


def test_a_round_of_three_isolated_annotators_is_pulled_and_scored(
    round_root: Path, schema: Schema, tmp_path: Path
) -> None:
    setup = _cli(round_root, "studio", "setup", "--round", "r1", "--annotators", ",".join(ANNOTATORS))
    assert setup.exit_code == 0, setup.output
    found = rounds.open_round(round_root, "r1")
    conns = rounds.connections(found)
    urls = {a: c.url for a, c in conns.items()}
    assert len(set(urls.values())) == 3  # a server each
    for annotator, url in urls.items():
        assert f"{annotator}: {url}/projects/" in setup.output and f"{url}/user/signup/?token=" in setup.output

    gold = sample_document()
    second = Document("brief-0002", "Ministers signed it on Monday, officials said.", {"genre": "briefing"})
    write_jsonl(tmp_path / "docs.jsonl", [gold, second])
    push = _cli(round_root, "studio", "push", str(tmp_path / "docs.jsonl"), "--round", "r1")
    assert push.exit_code == 0, push.output
    assert all(f"{a}: 2 task(s) created" in push.output for a in ANNOTATORS)

    people: dict[str, Annotator] = {}
    try:
        for annotator, conn in conns.items():
            invite = conn.url + conn.request("GET", "api/invite")["invite_url"]  # the link setup printed
            assert invite in setup.output
            people[annotator] = Annotator(conn.url, invite, f"{annotator}@example.org")
        projects = {a: c.request("GET", "api/projects")["results"] for a, c in conns.items()}
        assert {a: [p["title"] for p in listed] for a, listed in projects.items()} == {
            a: [f"r1 / {a}"] for a in ANNOTATORS
        }
        tasks = {
            a: {
                t["data"]["doc_id"]: t["id"]
                for t in conns[a].request("GET", "api/tasks", params={"project": projects[a][0]["id"]})["tasks"]
            }
            for a in ANNOTATORS
        }
        # a1 annotates the gold; a2 misses a hedge; a3 annotates the first document and skips the second
        without_h3 = replace(
            gold,
            spans=tuple(s for s in gold.spans if s.id != "H3"),
            relations=tuple(r for r in gold.relations if r.tail != "H3" and r.head != "H3"),
        )
        for annotator, doc in (("a1", gold), ("a2", without_h3), ("a3", gold)):
            people[annotator].annotate(
                projects[annotator][0]["id"], tasks[annotator][gold.id], document_to_results(doc, schema)
            )
        for annotator in ("a1", "a2"):
            people[annotator].annotate(projects[annotator][0]["id"], tasks[annotator][second.id], [])
        _skip(people["a3"], projects["a3"][0]["id"], tasks["a3"][second.id])

        # isolation: a2's own token opens nothing on a1's server, and a1's project is not on a2's
        a2_token = people["a2"].http.get("/api/current-user/token").json()["token"]
        a1_project = projects["a1"][0]["id"]
        for path in ("api/projects", f"api/projects/{a1_project}/", f"api/tasks?project={a1_project}"):
            refused = httpx.get(f"{urls['a1']}/{path}", headers={"Authorization": f"Token {a2_token}"})
            assert refused.status_code == 401, (path, refused.status_code)
        own = httpx.get(f"{urls['a2']}/api/projects", headers={"Authorization": f"Token {a2_token}"}).json()
        assert [p["title"] for p in own["results"]] == ["r1 / a2"]
        exported = conns["a2"].request("GET", f"api/projects/{projects['a2'][0]['id']}/export")
        assert {a["completed_by"] for t in exported for a in t["annotations"]} == {
            people["a2"].http.get("/api/current-user/whoami").json()["id"]
        }
    finally:
        for person in people.values():
            person.close()

    status = _cli(round_root, "studio", "status", "--round", "r1")
    assert status.exit_code == 0, status.output
    rows = {line.split("│")[1].strip(): line for line in status.output.splitlines() if line.count("│") > 3}
    assert [cell.strip() for cell in rows["a3"].split("│")[2:6]] == ["a3@example.org", "1", "1", "0"]
    assert [cell.strip() for cell in rows["a1"].split("│")[3:6]] == ["2", "0", "0"]

    out = tmp_path / "layers"
    pull = _cli(round_root, "studio", "pull", "--round", "r1", "--out", str(out))
    assert pull.exit_code == 0, pull.output
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json")) == [
        "a1/brief-0002.json",
        "a1/wire-0001.json",
        "a2/brief-0002.json",
        "a2/wire-0001.json",
        "a3/wire-0001.json",
    ]
    assert read_document(out / "a2" / "wire-0001.json").provenance["annotators"] == ["a2"]
    assert {s.id for s in read_document(out / "a1" / "wire-0001.json").spans} == {s.id for s in gold.spans}

    agree = CliRunner().invoke(app, ["agree", "--layers", str(out), "--json", str(tmp_path / "agreement.json")])
    assert agree.exit_code == 0, agree.output
    figures = (tmp_path / "agreement.json").read_text(encoding="utf-8")
    assert '"a1"' in figures and '"a2"' in figures and '"a3"' in figures


def test_an_invite_link_that_leaks_lets_a_stranger_in_and_pull_refuses_their_work(round_root: Path) -> None:
    """Why each annotator has a server: Label Studio Community lets any member read every project,
    so the only barrier is the link; an account that should not be there is caught at pull."""
    found = rounds.open_round(round_root, "r1")
    conn = rounds.connections(found)["a1"]
    stranger = Annotator(conn.url, conn.url + conn.request("GET", "api/invite")["invite_url"], "stranger@example.org")
    try:
        token = stranger.http.get("/api/current-user/token").json()["token"]
        project = conn.request("GET", "api/projects")["results"][0]
        seen = httpx.get(f"{conn.url}/api/projects/{project['id']}/", headers={"Authorization": f"Token {token}"})
        assert seen.status_code == 200  # Community: a member reads any project of the server
        task = conn.request("GET", "api/tasks", params={"project": project["id"]})["tasks"][0]
        stranger.annotate(project["id"], task["id"], [])
    finally:
        stranger.close()
    pull = _cli(round_root, "studio", "pull", "--round", "r1", "--out", str(round_root / "layers"))
    assert pull.exit_code == 1 and "RPT-STUDIO-ROUND" in pull.output
    assert "stranger@example.org" in pull.output and "a1@example.org" in pull.output
