"""schema.yaml loading, its checks, and the generated views."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from label_studio_sdk.label_interface import LabelInterface
from typer.testing import CliRunner

from reportedly.cli import app
from reportedly.incidents import ReportedlyError
from reportedly.schema import Schema, document_json_schema, features, labelstudio_xml, load_schema
from reportedly.views import build_schema_views

runner = CliRunner()


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "schema.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def raw(root: Path) -> dict:
    return yaml.safe_load((root / "schema" / "schema.yaml").read_text(encoding="utf-8"))


def test_schema_loads_with_design_labels(schema: Schema) -> None:
    assert schema.label_names == ("CLAIM", "SOURCE", "CUE", "HEDGE")
    assert set(schema.relation_names) == {"attributed_to", "introduced_by", "hedges", "same_source"}
    assert schema.attribute("source_type").value_names[0] == "named_person"
    assert schema.relation("hedges").head == "HEDGE"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(colour="red"), "unknown key(s) ['colour']"),
        (lambda d: d["labels"][0].update(shade="#000000"), "unknown key(s) ['shade']"),
        (lambda d: d["labels"].append(dict(d["labels"][0], hotkey="y")), "duplicate name 'CLAIM'"),
        (lambda d: d["relations"][0].update(tail="OPINION"), "unknown label 'OPINION'"),
        (lambda d: d["attributes"][0].update(label="QUOTE"), "unknown label 'QUOTE'"),
        (lambda d: d["attributes"][0]["values"][1].update(name="named_person"), "duplicate name 'named_person'"),
        (lambda d: d["labels"][1].update(hotkey="c"), "duplicate name 'c'"),
        (lambda d: d["labels"][0]["examples"][0].update(span="not in the text"), "does not occur in the example text"),
        (lambda d: d["labels"][0].update(color="blue"), "does not match"),
        (lambda d: d.pop("version"), "missing key(s) ['version']"),
    ],
)
def test_bad_schema_raises_clear_error(tmp_path: Path, raw: dict, mutate, message: str) -> None:
    mutate(raw)
    with pytest.raises(ReportedlyError) as excinfo:
        load_schema(_write(tmp_path, raw))
    assert message in str(excinfo.value)
    assert str(tmp_path / "schema.yaml") in str(excinfo.value)


def test_labelstudio_config_passes_label_interface(schema: Schema, root: Path) -> None:
    config = (root / "schema" / "labelstudio.xml").read_text(encoding="utf-8")
    assert config == labelstudio_xml(schema)
    interface = LabelInterface(config)
    interface.validate()
    labels = interface.get_control("label")
    assert set(labels.labels) == set(schema.label_names)
    for attr in schema.attributes:
        control = interface.get_control(attr.name)
        assert set(control.labels) == set(attr.value_names)


def test_json_schema_accepts_the_valid_fixture_and_rejects_unknown_values(schema: Schema, root: Path) -> None:
    validator = jsonschema.Draft202012Validator(document_json_schema(schema))
    record = json.loads((root / "tests/fixtures/valid/minimal.json").read_text(encoding="utf-8"))
    assert list(validator.iter_errors(record)) == []
    record["spans"][3]["attrs"]["hedge_type"] = "sarcasm"
    assert [e.validator for e in validator.iter_errors(record)] == ["enum"]


def test_committed_json_schema_is_generated(schema: Schema, root: Path) -> None:
    committed = json.loads((root / "schema" / "document.schema.json").read_text(encoding="utf-8"))
    assert committed == document_json_schema(schema)


def test_features_encode_a_document(schema: Schema, root: Path) -> None:
    record = json.loads((root / "tests/fixtures/valid/minimal.json").read_text(encoding="utf-8"))
    feats = features(schema)
    spans = [dict(s, attrs={a.name: s["attrs"].get(a.name) for a in schema.attributes}) for s in record["spans"]]
    row = {
        "id": record["id"],
        "text": record["text"],
        "meta": record["meta"],
        "spans": spans,
        "relations": record["relations"],
    }
    encoded = feats.encode_example(row)
    assert encoded["spans"][0]["label"] == schema.label_names.index("SOURCE")
    assert encoded["meta"]["genre"] == 0


def test_build_check_detects_a_stale_view(tmp_path: Path, root: Path) -> None:
    for part in ("schema", "LABELING.md"):
        source = root / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / part)
    schema_file = tmp_path / "schema" / "schema.yaml"
    args = ["schema", "build", "--root", str(tmp_path), "--schema", str(schema_file)]
    assert runner.invoke(app, [*args, "--check"]).exit_code == 0

    text = schema_file.read_text(encoding="utf-8")
    schema_file.write_text(text.replace("A checkable proposition", "A verifiable proposition", 1), encoding="utf-8")
    stale = runner.invoke(app, [*args, "--check"])
    assert stale.exit_code == 1
    assert "labelstudio.xml" in stale.output and "LABELING.md" in stale.output
    assert "A verifiable proposition" not in (tmp_path / "LABELING.md").read_text(encoding="utf-8")

    assert runner.invoke(app, args).exit_code == 0
    assert "A verifiable proposition" in (tmp_path / "LABELING.md").read_text(encoding="utf-8")
    assert runner.invoke(app, [*args, "--check"]).exit_code == 0


def test_committed_views_are_fresh(schema: Schema, root: Path) -> None:
    stale = [o.path for o in build_schema_views(schema, root, check=True) if o.changed]
    assert stale == [], f"run `reportedly schema build`: {stale}"
