"""The model backend: Label Studio's ML backend protocol, live pre-annotation in a real Label Studio."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from studio_server import StudioServer, clean_env, free_port
from typer.testing import CliRunner

from reportedly import load_system
from reportedly.cli import app
from reportedly.convert.labelstudio import document_to_prediction
from reportedly.document import Document
from reportedly.incidents import ReportedlyError
from reportedly.schema import PACKAGE_ROOT, Schema
from reportedly.studio.backend import SECRET_ENV, check_binding, serve_backend
from reportedly.studio.client import instructions_html, push, setup_project

CONFIG = (PACKAGE_ROOT / "schema" / "labelstudio.xml").read_text(encoding="utf-8")
TEXT = "Officials said the bridge may reopen next week, according to a ministry statement."
SECRET = "a-shared-secret-of-some-length-42"
HTTP = httpx.Client(timeout=120)  # a loaded machine answers slowly


class RunningBackend:
    def __init__(self, schema: Schema, secret: str | None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = serve_backend(load_system("rules", schema=schema), schema, port=self.port, secret=secret)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise AssertionError("the backend did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="module")
def backends(schema: Schema) -> Iterator[dict[str, RunningBackend]]:
    running = {"open": RunningBackend(schema, None), "guarded": RunningBackend(schema, SECRET)}
    yield running
    for backend in running.values():
        backend.stop()


def test_the_protocol_answers_as_label_studio_expects(backends: dict[str, RunningBackend], schema: Schema) -> None:
    url = backends["open"].url
    assert HTTP.get(f"{url}/health").json() == {"status": "UP", "model_class": "reportedly", "model_version": "rules"}
    setup = HTTP.post(f"{url}/setup", json={"project": "1.1", "schema": CONFIG, "access_token": "not-kept"})
    assert setup.json() == {"model_version": "rules"}
    tasks = [{"id": 7, "data": {"text": TEXT, "doc_id": "wire-0042"}}, {"id": 8, "data": {"text": "Nothing here."}}]
    answer = HTTP.post(f"{url}/predict", json={"tasks": tasks, "label_config": CONFIG}).json()
    expected = load_system("rules").predict([Document("wire-0042", TEXT, {}), Document("task-8", "Nothing here.", {})])
    assert answer["results"] == [document_to_prediction(doc, schema, "rules") for doc in expected]
    assert {r["value"]["text"] for r in answer["results"][0]["result"] if "value" in r} >= {"Officials", "may"}
    bad = HTTP.post(f"{url}/predict", json={"tasks": [{"id": 1, "data": {}}]})
    assert bad.status_code == 400 and "RPT-STUDIO-BACKEND" in bad.text


def test_a_guarded_backend_wants_its_secret(backends: dict[str, RunningBackend]) -> None:
    url = backends["guarded"].url
    assert HTTP.get(f"{url}/health").status_code == 401
    assert HTTP.post(f"{url}/predict", json={"tasks": []}, auth=("reportedly", "wrong")).status_code == 401
    assert HTTP.get(f"{url}/health", auth=("reportedly", SECRET)).status_code == 200
    with pytest.raises(ReportedlyError) as caught:
        check_binding("0.0.0.0", None)
    assert caught.value.code == "RPT-STUDIO-BACKEND" and SECRET_ENV in str(caught.value)
    check_binding("0.0.0.0", SECRET)
    refused = CliRunner().invoke(app, ["studio", "backend", "rules", "--host", "0.0.0.0"], env=clean_env())
    assert refused.exit_code == 1 and "RPT-STUDIO-BACKEND" in refused.output


@pytest.mark.studio
@pytest.mark.parametrize("guard", ["open", "guarded"])
def test_label_studio_pre_annotates_a_task_when_it_is_opened(
    studio: StudioServer, backends: dict[str, RunningBackend], schema: Schema, guard: str
) -> None:
    conn = studio.connect()
    title = f"backend test {guard}"
    project = setup_project(
        conn, title=title, config=CONFIG, instructions=instructions_html("Annotate."), overlap=1
    ).project
    push(conn, project, [Document("wire-0042", TEXT, {"genre": "wire"})], schema)
    env = clean_env(**({SECRET_ENV: SECRET} if guard == "guarded" else {}))
    url = backends[guard].url
    setup = CliRunner().invoke(
        app, ["studio", "setup", "--project", title, "--backend", url, "--dir", str(studio.paths.root)], env=env
    )
    assert setup.exit_code == 0, setup.output
    assert f"model backend rules at {url} connected" in setup.output and SECRET not in setup.output
    [task] = conn.request("GET", "api/tasks", params={"project": project.id, "include": "id"})["tasks"]
    assert conn.client.predictions.list(task=task["id"]) == []
    opened: Any = conn.request("GET", f"api/tasks/{task['id']}")  # what the editor does when it opens the task
    [prediction] = conn.client.predictions.list(task=task["id"])
    [expected] = load_system("rules").predict([Document("wire-0042", TEXT, {})])
    assert prediction.model_version == "rules"
    assert list(prediction.result) == document_to_prediction(expected, schema, "rules")["result"]
    assert [p["id"] for p in opened.get("predictions", [])] in ([prediction.id], [])
    again = CliRunner().invoke(
        app, ["studio", "setup", "--project", title, "--backend", url, "--dir", str(studio.paths.root)], env=env
    )
    assert again.exit_code == 0, again.output
    assert len(conn.request("GET", "api/ml", params={"project": project.id})) == 1  # connected once
