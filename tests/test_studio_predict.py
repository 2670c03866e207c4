"""Pre-annotation of new texts in a real Label Studio: push --predict rules, correct in the editor, pull."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from studio_server import Annotator, StudioServer, clean_env
from typer.testing import CliRunner

from reportedly import load_system
from reportedly.cli import app
from reportedly.document import Document, read_document
from reportedly.schema import PACKAGE_ROOT, Schema
from reportedly.studio.client import instructions_html, invite_url, require_project, setup_project

pytestmark = pytest.mark.studio
TITLE = "pre-annotation test"
TEXTS = {
    "inbox-1": "The ministry confirmed on Tuesday that ministers had signed the declaration.",
    "inbox-2": "Officials familiar with the talks said the agreement could be ratified within weeks.\r\n",
}


def _cli(studio: StudioServer, *args: str) -> Any:
    return CliRunner().invoke(app, [*args, "--dir", str(studio.paths.root)], env=clean_env())


def test_push_predict_rules_then_correct_and_pull(studio: StudioServer, schema: Schema, tmp_path: Path) -> None:
    conn = studio.connect()
    config = (PACKAGE_ROOT / "schema" / "labelstudio.xml").read_text(encoding="utf-8")
    instructions = instructions_html((PACKAGE_ROOT / "LABELING.md").read_text(encoding="utf-8"))
    setup_project(conn, title=TITLE, config=config, instructions=instructions, description="test", overlap=1)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for doc_id, text in TEXTS.items():
        (inbox / f"{doc_id}.txt").write_bytes(text.encode("utf-8"))

    pushed = _cli(studio, "studio", "push", str(inbox), "--predict", "rules", "--project", TITLE)
    assert pushed.exit_code == 0, pushed.output
    assert "2 task(s) created" in pushed.output and "predictions of rules: 2 created" in pushed.output

    project = require_project(conn, TITLE)
    tasks = {
        t["data"]["doc_id"]: t["id"]
        for t in conn.request("GET", "api/tasks", params={"project": project.id, "include": "id,data"})["tasks"]
    }
    assert sorted(tasks) == sorted(TEXTS)
    expected = load_system("rules", schema=schema).predict([Document(k, v) for k, v in TEXTS.items()])
    for doc in expected:
        (prediction,) = conn.client.predictions.list(task=tasks[doc.id])
        assert prediction.model_version == "rules"
        regions = {r["id"] for r in prediction.result if r.get("type") == "labels"}
        assert len(regions) == len(doc.spans) > 0

    # the annotator starts from the pre-annotation of inbox-1 and corrects it: the cue goes
    predicted = next(d for d in expected if d.id == "inbox-1")
    cue = next(s for s in predicted.spans if s.label == "CUE")
    annotator = Annotator(studio.url, invite_url(conn), "preannotator@example.org")
    try:
        (prediction,) = conn.client.predictions.list(task=tasks["inbox-1"])
        kept = [r for r in prediction.result if cue.id not in (r.get("id"), r.get("from_id"), r.get("to_id"))]
        assert len(kept) < len(prediction.result)
        result = [{**copy.deepcopy(r), "origin": "prediction"} for r in kept]
        annotator.annotate(project.id, tasks["inbox-1"], result, parent_prediction=prediction.id)
    finally:
        annotator.close()

    out = tmp_path / "layers"
    pulled = _cli(studio, "studio", "pull", "--project", TITLE, "--out", str(out))
    assert pulled.exit_code == 0, pulled.output
    layer = read_document(out / "preannotator" / "inbox-1.json")
    assert layer.provenance["method"] == "model pre-annotation (rules) corrected in Label Studio"
    assert {(s.label, s.start, s.end, tuple(s.attrs.items())) for s in layer.spans} == {
        (s.label, s.start, s.end, tuple(s.attrs.items())) for s in predicted.spans if s != cue
    }
    assert {r.label for r in layer.relations} == {r.label for r in predicted.relations if cue.id != r.tail}


def test_push_refuses_predictions_and_predict_together(studio: StudioServer, tmp_path: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_text("Officials said so.", encoding="utf-8")
    result = _cli(studio, "studio", "push", str(text), "--predict", "rules", "--predictions", str(text))
    assert result.exit_code == 1 and "RPT-CLI-OPTION" in result.output
