"""A whole annotation session against a real Label Studio: setup, push, two annotators, pull, round trip."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import msgspec
import pytest
from studio_server import Annotator, StudioServer, clean_env, editor_region_id, sample_document
from typer.testing import CliRunner

from reportedly.cli import app
from reportedly.convert.labelstudio import document_to_results
from reportedly.document import (
    Document,
    Relation,
    document_to_dict,
    make_span,
    read_document,
    utf16_offset,
    write_jsonl,
)
from reportedly.incidents import ReportedlyError
from reportedly.schema import PACKAGE_ROOT, Schema
from reportedly.studio.client import (
    Connection,
    SetupResult,
    check_config,
    fetch_export,
    instructions_html,
    invite_url,
    pull,
    require_project,
    setup_project,
)

pytestmark = pytest.mark.studio
CONFIG = (PACKAGE_ROOT / "schema" / "labelstudio.xml").read_text(encoding="utf-8")
INSTRUCTIONS = instructions_html((PACKAGE_ROOT / "LABELING.md").read_text(encoding="utf-8"))
TITLE = "reportedly session test"
SECOND_TEXT = "Ministers signed it on Monday.\r\nAnalysts, cite\u0301 by the wire, are speculating 😮 about more."


def _content(doc: Document) -> dict[str, Any]:
    record = document_to_dict(doc)
    record.pop("provenance")
    return record


def _setup(conn: Connection, title: str = TITLE) -> SetupResult:
    return setup_project(conn, title=title, config=CONFIG, instructions=INSTRUCTIONS, description="test", overlap=2)


def _cli(studio: StudioServer, *args: str) -> Any:
    result = CliRunner().invoke(app, [*args, "--dir", str(studio.paths.root)], env=clean_env())
    return result


def _prediction(gold: Document) -> Document:
    """A system's pre-annotation of the gold document: it misses a hedge and the hedges relations."""
    spans = tuple(s for s in gold.spans if s.id != "H3")
    relations = tuple(r for r in gold.relations if r.label != "hedges")
    return replace(
        gold, spans=spans, relations=relations, provenance={"layer": "prediction", "system": "rules", "version": "0.1"}
    )


@dataclass
class Session:
    conn: Connection
    project_id: int
    setups: tuple[SetupResult, SetupResult]
    pushes: tuple[Any, Any]
    tasks: dict[str, int]
    gold: Document
    second: Document
    bob_added: str
    out: Path


@pytest.fixture(scope="module")
def session(studio: StudioServer, schema: Schema, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    conn = studio.connect()
    setups = (_setup(conn), _setup(conn))
    work = tmp_path_factory.mktemp("session")
    gold, second = sample_document(), Document("brief-0002", SECOND_TEXT, {"genre": "briefing"})
    write_jsonl(work / "docs.jsonl", [gold, second])
    (work / "new text.txt").write_bytes(b"A new text, from an inbox.\r\nIt says little.")
    write_jsonl(work / "preds.jsonl", [_prediction(gold)], include_text=False)
    push_args = [
        "studio",
        "push",
        str(work / "docs.jsonl"),
        str(work / "new text.txt"),
        "--predictions",
        str(work / "preds.jsonl"),
        "--project",
        TITLE,
    ]
    pushes = (_cli(studio, *push_args), _cli(studio, *push_args))
    project = require_project(conn, TITLE)
    tasks = {
        t["data"]["doc_id"]: t["id"]
        for t in conn.request("GET", "api/tasks", params={"project": project.id, "include": "id,data"})["tasks"]
    }

    invite = invite_url(conn)
    alice = Annotator(studio.url, invite, "alice@example.org")
    bob = Annotator(studio.url, invite, "bob@example.org")
    try:
        # alice annotates from scratch; her regions carry the gold ids, so the round trip can be exact
        alice.annotate(project.id, tasks[gold.id], document_to_results(gold, schema))
        claim = make_span(second.text, "qX3vB8kL2m", "CLAIM", 0, second.text.index("."), quote="none")
        hedge_at = second.text.index("speculating")
        hedge = make_span(
            second.text,
            editor_region_id(),
            "HEDGE",
            hedge_at,
            hedge_at + len("speculating"),
            hedge_type="speculative",
            holder="source",
        )
        alice.annotate(project.id, tasks[second.id], document_to_results(replace(second, spans=(claim, hedge)), schema))
        # bob starts from the model's pre-annotation, as the editor does, and adds the missing hedge
        prediction = conn.client.predictions.list(task=tasks[gold.id])[0]
        result = [{**copy.deepcopy(r), "origin": "prediction"} for r in prediction.result]
        added = next(s for s in gold.spans if s.id == "H3")
        bob_added = editor_region_id()
        value = {"start": added.start, "end": added.end, "text": added.text}
        result += [
            {
                "id": bob_added,
                "from_name": "label",
                "to_name": "text",
                "type": "labels",
                "origin": "manual",
                "value": {**value, "labels": ["HEDGE"]},
            },
            {
                "id": bob_added,
                "from_name": "hedge_type",
                "to_name": "text",
                "type": "choices",
                "origin": "manual",
                "value": {**value, "choices": ["approximator"]},
            },
            {
                "id": bob_added,
                "from_name": "holder",
                "to_name": "text",
                "type": "choices",
                "origin": "manual",
                "value": {**value, "choices": ["source"]},
            },
            {"from_id": bob_added, "to_id": "C2", "type": "relation", "direction": "right", "labels": ["hedges"]},
        ]
        bob.annotate(project.id, tasks[gold.id], result, parent_prediction=prediction.id, lead_time=20.25)
    finally:
        alice.close()
        bob.close()
    yield Session(conn, project.id, setups, pushes, tasks, gold, second, bob_added, work / "layers")


def test_setup_twice_is_still_one_project(session: Session) -> None:
    first, again = session.setups
    assert first.created and not again.created and again.changed == ()
    titles = [p["title"] for p in session.conn.request("GET", "api/projects", params={"page_size": 100})["results"]]
    assert titles.count(TITLE) == 1
    raw = session.conn.client.projects.get(session.project_id)
    assert raw.show_instruction and "<table>" in raw.expert_instruction and raw.maximum_annotations == 2
    check_config(session.conn, require_project(session.conn, TITLE), CONFIG)


def test_push_with_predictions_never_duplicates(session: Session) -> None:
    first, again = session.pushes
    assert first.exit_code == 0, first.output
    assert "3 task(s) created" in first.output and "predictions of rules: 1 created" in first.output
    assert again.exit_code == 0, again.output
    assert "0 task(s) created, 3 already there" in again.output and "1 unchanged" in again.output
    assert sorted(session.tasks) == ["brief-0002", "new-text", "wire-0001"]
    predictions = session.conn.client.predictions.list(project=session.project_id)
    assert [(p.model_version, p.task) for p in predictions] == [("rules", session.tasks["wire-0001"])]
    project = session.conn.client.projects.get(session.project_id)
    assert project.model_version == "rules" and project.show_collab_predictions
    task = session.conn.client.tasks.get(session.tasks["new-text"])
    assert task.data["text"] == "A new text, from an inbox.\r\nIt says little."  # CRLF kept byte-exact


def test_pull_writes_one_layer_per_annotator_with_an_exact_round_trip(session: Session, studio: StudioServer) -> None:
    result = _cli(studio, "studio", "pull", "--project", TITLE, "--out", str(session.out))
    assert result.exit_code == 0, result.output
    assert "3 layer(s) written" in result.output
    alice = read_document(session.out / "alice" / "wire-0001.json")
    assert _content(alice) == _content(session.gold)  # every span, attribute and relation, emoji and CRLF
    assert alice.provenance["annotators"] == ["alice"] and alice.provenance["layer"] == "annotation"
    assert alice.provenance["method"] == "Label Studio annotation (independent pass)"
    assert alice.provenance["lead_time"] == 61.5 and alice.provenance["created_at"]
    second = read_document(session.out / "alice" / "brief-0002.json")
    assert [s.text for s in second.spans] == ["Ministers signed it on Monday", "speculating"]
    bob = read_document(session.out / "bob" / "wire-0001.json")
    assert bob.provenance["method"] == "model pre-annotation (rules) corrected in Label Studio"
    assert bob.provenance["label_studio"]["pre_annotation"] == "rules"
    expected = {s.id: s for s in session.gold.spans}
    expected[session.bob_added] = msgspec.structs.replace(expected.pop("H3"), id=session.bob_added)
    assert {s.id: s for s in bob.spans} == expected
    assert bob.relations == (*_prediction(session.gold).relations, Relation("hedges", session.bob_added, "C2"))
    validate = CliRunner().invoke(app, ["validate", str(session.out / "alice"), str(session.out / "bob")])
    assert validate.exit_code == 0, validate.output


def test_repull_rewrites_nothing_and_keeps_local_edits(session: Session, studio: StudioServer) -> None:
    layer = session.out / "alice" / "brief-0002.json"
    if not layer.exists():
        pytest.skip("needs the pull of the previous test")
    stamps = {p: p.stat().st_mtime_ns for p in session.out.rglob("*.json")}
    state = studio.paths.pull_state.stat().st_mtime_ns
    again = _cli(studio, "studio", "pull", "--project", TITLE, "--out", str(session.out))
    assert again.exit_code == 0 and "0 layer(s) written, 3 unchanged" in again.output
    assert {p: p.stat().st_mtime_ns for p in session.out.rglob("*.json")} == stamps
    assert studio.paths.pull_state.stat().st_mtime_ns == state
    # edited here; then alice's annotation changes on the server
    record = json.loads(layer.read_text(encoding="utf-8"))
    record["spans"][0]["attrs"]["quote"] = "indirect"
    layer.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    annotation = next(
        a
        for a in fetch_export(session.conn, require_project(session.conn, TITLE))
        if a["data"]["doc_id"] == "brief-0002"
    )["annotations"][0]
    session.conn.client.annotations.update(annotation["id"], lead_time=99.0)
    kept = _cli(studio, "studio", "pull", "--project", TITLE, "--out", str(session.out))
    assert kept.exit_code == 0 and "1 kept (edited here)" in kept.output and "--force" in kept.output
    assert json.loads(layer.read_text(encoding="utf-8"))["spans"][0]["attrs"]["quote"] == "indirect"
    forced = _cli(studio, "studio", "pull", "--project", TITLE, "--out", str(session.out), "--force")
    assert forced.exit_code == 0 and "1 layer(s) written" in forced.output
    assert read_document(layer).provenance["lead_time"] == 99.0
    assert read_document(layer).spans[0].attrs["quote"] == "none"


def test_config_drift_is_an_error_until_setup(studio: StudioServer) -> None:
    conn = studio.connect()
    project = _setup(conn, "drift test").project
    drifted = CONFIG.replace('<Choice value="direct"', '<Choice value="verbatim"')
    conn.client.projects.update(project.id, label_config=drifted)
    with pytest.raises(ReportedlyError) as caught:
        check_config(conn, require_project(conn, "drift test"), CONFIG)
    assert caught.value.code == "RPT-STUDIO-DRIFT" and "verbatim" in str(caught.value)
    assert "reportedly studio setup" in str(caught.value)
    result = _cli(studio, "studio", "pull", "--project", "drift test", "--out", "unused")
    assert result.exit_code == 1 and "RPT-STUDIO-DRIFT" in result.output
    assert _setup(conn, "drift test").changed == ("label_config",)
    check_config(conn, require_project(conn, "drift test"), CONFIG)


def test_offsets_from_other_tools(studio: StudioServer, schema: Schema, tmp_path: Path) -> None:
    """UTF-16 offsets (as JavaScript counts) are converted with a warning; wrong ones name task and region."""
    conn = studio.connect()
    project = _setup(conn, "offsets test").project
    gold = sample_document()
    conn.client.projects.import_tasks(project.id, request=[{"data": {"text": gold.text, "doc_id": gold.id}}])
    [task] = conn.request("GET", "api/tasks", params={"project": project.id, "include": "id"})["tasks"]
    results = document_to_results(gold, schema)
    for item in results:
        if "value" in item:
            item["value"]["start"] = utf16_offset(gold.text, item["value"]["start"])
            item["value"]["end"] = utf16_offset(gold.text, item["value"]["end"])
    conn.client.annotations.create(task["id"], result=results, lead_time=3.0)
    out = tmp_path / "layers"
    utf16 = pull(conn, project, schema, out, config=CONFIG, state_path=None)
    assert not utf16.has_errors and len(utf16.written) == 1
    assert {p.code for p in utf16.problems} == {"RPT-LS-UTF16"}
    assert _content(read_document(utf16.written[0])) == {**_content(gold), "meta": {}}
    broken = copy.deepcopy(results)
    broken[0]["value"]["start"] += 2
    created = conn.client.annotations.create(task["id"], result=broken, lead_time=3.0)
    conn.client.annotations.delete(
        next(a["id"] for a in fetch_export(conn, project)[0]["annotations"] if a["id"] != created.id)
    )
    failed = pull(conn, project, schema, out, config=CONFIG, state_path=None)
    assert failed.has_errors and failed.written == []
    [error] = [p for p in failed.problems if p.code == "RPT-LS-OFFSET"]
    assert (error.task_id, error.annotation_id, error.region_id) == (task["id"], created.id, broken[0]["id"])
    assert repr(gold.spans[0].text) in error.message or broken[0]["value"]["text"] in error.message
