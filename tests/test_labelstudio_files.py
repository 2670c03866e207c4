"""Label Studio JSON files without a server: `convert labelstudio-export` and `convert labelstudio`."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from studio_server import sample_document
from typer.testing import CliRunner

from reportedly.cli import app
from reportedly.convert.labelstudio import parse_annotator_map, read_predictions
from reportedly.document import Document, document_to_dict, read_document, write_document, write_jsonl
from reportedly.incidents import ReportedlyError
from reportedly.schema import labelstudio_xml, load_schema


def _content(doc: Document) -> dict[str, Any]:
    record = document_to_dict(doc)
    record.pop("provenance")
    return record


def _as_label_studio_export(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What Label Studio's UI exports after a person submits each pre-annotation unchanged."""
    out = []
    for number, task in enumerate(tasks, start=1):
        exported = {"id": number, "data": task["data"], "drafts": [], "predictions": [], "annotations": []}
        for prediction in task.get("predictions", []):
            exported["annotations"].append(
                {
                    "id": 10 * number,
                    "completed_by": 4,
                    "result": copy.deepcopy(prediction["result"]),
                    "was_cancelled": False,
                    "lead_time": 12.0,
                    "created_at": "2025-01-01T00:00:00Z",
                    "updated_at": "2025-01-01T00:00:00Z",
                    "parent_prediction": None,
                    "parent_annotation": None,
                }
            )
        out.append(exported)
    return out


def test_ours_to_a_label_studio_file_and_back_is_identical(tmp_path: Path) -> None:
    gold = sample_document()
    plain = Document("brief-0002", "Nothing here.\r\nAt all.", {"genre": "briefing"})
    write_document(tmp_path / "docs" / f"{gold.id}.json", gold)
    write_document(tmp_path / "docs" / f"{plain.id}.json", plain)
    write_jsonl(
        tmp_path / "preds.jsonl",
        [replace(gold, provenance={"layer": "prediction", "system": "rules"})],
        include_text=False,
    )
    runner = CliRunner()
    exported = runner.invoke(
        app,
        [
            "convert",
            "labelstudio-export",
            str(tmp_path / "docs"),
            "--out",
            str(tmp_path / "tasks.json"),
            "--predictions",
            str(tmp_path / "preds.jsonl"),
        ],
    )
    assert exported.exit_code == 0, exported.output
    tasks = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))
    assert [t["data"]["doc_id"] for t in tasks] == ["brief-0002", "wire-0001"]
    assert [p["model_version"] for p in tasks[1]["predictions"]] == ["rules"] and "predictions" not in tasks[0]
    (tmp_path / "export.json").write_text(
        json.dumps(_as_label_studio_export(tasks), ensure_ascii=False), encoding="utf-8"
    )
    converted = runner.invoke(
        app,
        [
            "convert",
            "labelstudio",
            str(tmp_path / "export.json"),
            "--out",
            str(tmp_path / "layers"),
            "--annotator",
            "4=a1",
            "--dir",
            str(tmp_path / ".studio"),
        ],
    )
    assert converted.exit_code == 0, converted.output
    assert "1 layer(s) written" in converted.output
    layer = read_document(tmp_path / "layers" / "a1" / "wire-0001.json")
    assert _content(layer) == _content(gold)
    assert layer.provenance["annotators"] == ["a1"] and layer.provenance["layer"] == "annotation"
    again = runner.invoke(
        app,
        [
            "convert",
            "labelstudio",
            str(tmp_path / "export.json"),
            "--out",
            str(tmp_path / "layers"),
            "--annotator",
            "4=a1",
            "--dir",
            str(tmp_path / ".studio"),
        ],
    )
    assert again.exit_code == 0 and "0 layer(s) written, 1 unchanged" in again.output


def test_a_json_min_export_is_refused_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "min.json"
    path.write_text(json.dumps([{"id": 1, "text": "x", "label": [{"start": 0, "end": 1, "labels": ["CUE"]}]}]))
    result = CliRunner().invoke(
        app,
        ["convert", "labelstudio", str(path), "--out", str(tmp_path / "layers"), "--dir", str(tmp_path / ".studio")],
    )
    assert result.exit_code == 1 and "RPT-LS-FORMAT" in result.output and "JSON_MIN" in result.output


def test_bad_offsets_in_a_file_name_task_and_region_and_exit_1(tmp_path: Path) -> None:
    gold = sample_document()
    result = [
        {
            "id": "S1",
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": {"start": 0, "end": 9, "text": "Officials 👍🏽", "labels": ["SOURCE"]},
        }
    ]
    export = [
        {
            "id": 5,
            "data": {"text": gold.text, "doc_id": gold.id},
            "annotations": [{"id": 9, "completed_by": {"id": 1, "email": "ann@example.org"}, "result": result}],
        }
    ]
    (tmp_path / "export.json").write_text(json.dumps(export), encoding="utf-8")
    output = CliRunner().invoke(
        app,
        [
            "convert",
            "labelstudio",
            str(tmp_path / "export.json"),
            "--out",
            str(tmp_path / "layers"),
            "--dir",
            str(tmp_path / ".studio"),
        ],
    )
    assert output.exit_code == 1
    assert "task 5" in output.output and "annotation 9" in output.output and "region S1" in output.output
    assert "RPT-LS-OFFSET" in output.output and not (tmp_path / "layers").exists()


# --- what the Label Studio commands read: --annotator, --predictions, --config ----------------------


def test_annotator_options_are_user_equals_id(tmp_path: Path) -> None:
    assert parse_annotator_map(None) == {}
    assert parse_annotator_map(["ann@example.org = a1", "4=a2"]) == {"ann@example.org": "a1", "4": "a2"}
    for bad in ("4", "=a1", "4="):
        with pytest.raises(ReportedlyError) as raised:
            parse_annotator_map([bad])
        assert raised.value.code == "RPT-CLI-OPTION" and str(raised.value).endswith(f"not {bad!r}")


def test_predictions_name_their_system_or_are_given_one(tmp_path: Path) -> None:
    gold = sample_document()
    texts = {gold.id: gold.text}
    assert read_predictions(None, "rules", texts) == ([], "rules")
    one = tmp_path / "one.jsonl"
    write_jsonl(one, [replace(gold, provenance={"layer": "prediction", "system": "rules"})], include_text=False)
    preds, system = read_predictions(one, None, texts)
    assert system == "rules" and [p.text for p in preds] == [gold.text]
    assert read_predictions(one, "other", texts)[1] == "other"
    none = tmp_path / "none.jsonl"
    write_jsonl(none, [replace(gold, provenance={"layer": "prediction"})], include_text=False)
    with pytest.raises(ReportedlyError) as raised:
        read_predictions(none, None, texts)
    assert (
        raised.value.code == "RPT-CLI-OPTION"
        and str(raised.value) == f"{none}: give --system NAME (the records name no system)"
    )
    with pytest.raises(ReportedlyError) as raised:
        read_predictions(tmp_path / "missing.jsonl", None, texts)
    assert raised.value.code == "RPT-PATH-MISSING" and str(raised.value).startswith("cannot read predictions: ")


def test_the_labeling_config_must_be_the_schemas(tmp_path: Path) -> None:
    from reportedly.studio.client import read_config

    schema = load_schema()
    config = tmp_path / "labelstudio.xml"
    with pytest.raises(ReportedlyError) as raised:
        read_config(config, schema)
    assert raised.value.code == "RPT-STUDIO-CONFIG" and "reportedly schema build" in str(raised.value)
    config.write_text("<!-- regenerated -->\n" + labelstudio_xml(schema), encoding="utf-8")
    assert "regenerated" in read_config(config, schema)  # comments and layout do not count
    config.write_text("<View></View>", encoding="utf-8")
    with pytest.raises(ReportedlyError) as raised:
        read_config(config, schema)
    assert raised.value.code == "RPT-GENERATED-STALE"
