"""The validator: one minimal fixture per incident code, valid fixtures, and fuzzing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from reportedly.cli import app
from reportedly.schema import Schema
from reportedly.validate import CODES, Severity, validate_paths, validate_record

FIXTURES = Path(__file__).parent / "fixtures"
INVALID = sorted(p for p in (FIXTURES / "invalid").iterdir() if p.is_dir())
runner = CliRunner()


def _target(folder: Path) -> Path:
    """A corpus fixture is validated as a folder; any other fixture is its single file."""
    if (folder / "documents").is_dir():
        return folder
    (only,) = [p for p in folder.iterdir() if p.is_file()]
    return only


def test_every_code_has_a_fixture() -> None:
    fixture_codes = {p.name for p in INVALID}
    # a text over 1,000,000 characters is made by tests/faults, not kept as a 1 MB fixture
    assert fixture_codes == set(CODES) - {"RPT-PATH-MISSING", "RPT-TEXT-TOO-LONG"}


@pytest.mark.parametrize("folder", INVALID, ids=[p.name for p in INVALID])
def test_invalid_fixture_reports_exactly_its_code(folder: Path) -> None:
    code = folder.name
    result = runner.invoke(app, ["validate", str(_target(folder)), "--format", "json"])
    report = json.loads(result.stdout)
    assert {i["code"] for i in report["incidents"]} == {code}
    is_error = CODES[code].severity is Severity.ERROR
    assert result.exit_code == (1 if is_error else 0)
    if not is_error:
        strict = runner.invoke(app, ["validate", str(_target(folder)), "--strict"])
        assert strict.exit_code == 1


@pytest.mark.parametrize("folder", INVALID, ids=[p.name for p in INVALID])
def test_text_output_names_place_code_and_fix(folder: Path) -> None:
    result = runner.invoke(app, ["validate", str(_target(folder))])
    line = next(line for line in result.stdout.splitlines() if folder.name in line)
    assert str(FIXTURES) in line or "fixtures/invalid" in line
    assert "Fix:" in line


def test_missing_path_is_an_incident_not_a_crash() -> None:
    result = runner.invoke(app, ["validate", "no/such/corpus"])
    assert result.exit_code == 1
    assert "RPT-PATH-MISSING" in result.stdout


def test_valid_fixtures_pass(schema: Schema) -> None:
    report = validate_paths(
        [FIXTURES / "valid" / "minimal.json", FIXTURES / "valid" / "two.jsonl", FIXTURES / "valid" / "corpus"], schema
    )
    assert report.incidents == []
    assert report.documents == 4


def test_jsonl_incidents_carry_the_line_number(tmp_path: Path, schema: Schema) -> None:
    good = (FIXTURES / "valid" / "minimal.json").read_text(encoding="utf-8")
    record = json.loads(good)
    bad = dict(record, id="fixture-0009", spans=[dict(record["spans"][0], text="Harbour master"), *record["spans"][1:]])
    path = tmp_path / "preds.jsonl"
    path.write_text(json.dumps(record) + "\n\n" + json.dumps(bad) + "\n", encoding="utf-8")
    (incident,) = validate_paths([path], schema).incidents
    assert (incident.code, incident.line, incident.doc_id, incident.span_id) == (
        "RPT-OFFSET-MISMATCH",
        3,
        "fixture-0009",
        "S1",
    )


def test_validator_never_stops_at_the_first_error(schema: Schema) -> None:
    report = validate_paths(
        [FIXTURES / "invalid" / "RPT-OFFSET-RANGE", FIXTURES / "invalid" / "RPT-SPAN-CROSSING" / "doc.json"],
        schema,
    )
    assert {i.code for i in report.incidents} == {"RPT-OFFSET-RANGE", "RPT-SPAN-CROSSING"}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 300) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=25,
)
span_like = st.fixed_dictionaries(
    {
        "id": st.one_of(st.text(max_size=3), st.integers()),
        "label": st.sampled_from(["CLAIM", "SOURCE", "CUE", "HEDGE", "X"]) | json_values,
        "start": st.integers(-3, 60) | json_values,
        "end": st.integers(-3, 60) | json_values,
        "text": st.text(max_size=10) | json_values,
        "attrs": st.dictionaries(st.sampled_from(["quote", "source_type", "holder", "x"]), st.text(max_size=9))
        | json_values,
    }
)
documents = st.fixed_dictionaries(
    {
        "id": st.text(max_size=6) | json_values,
        "text": st.text(max_size=50) | json_values,
        "spans": st.lists(span_like, max_size=6) | json_values,
        "relations": st.lists(
            st.fixed_dictionaries(
                {
                    "label": st.sampled_from(["hedges", "same_source", "?"]),
                    "head": st.text(max_size=3),
                    "tail": st.text(max_size=3),
                }
            ),
            max_size=4,
        )
        | json_values,
    },
    optional={"meta": json_values, "provenance": json_values},
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=st.one_of(documents, json_values))
def test_fuzzed_records_give_incidents_never_exceptions(record: object, schema: Schema) -> None:
    incidents, doc = validate_record(record, schema, file="fuzz.json", raw=json.dumps(record))
    assert all(i.code in CODES for i in incidents)
    if doc is not None and not incidents:
        assert all(doc.text[s.start : s.end] == s.text for s in doc.spans)


@settings(max_examples=100, deadline=None)
@given(raw=st.binary(max_size=200))
def test_fuzzed_bytes_on_disk(raw: bytes, tmp_path_factory: pytest.TempPathFactory, schema: Schema) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    for name in ("doc.json", "docs.jsonl"):
        (folder / name).write_bytes(raw)
    report = validate_paths([folder], schema)
    assert all(i.code in CODES for i in report.incidents)


def test_a_folder_of_layers_holds_one_document_per_annotator(tmp_path: Path, schema: Schema) -> None:
    """What ``convert brat-import`` writes: several annotators' layers of one text are normal."""
    text = "Officials said so."

    def write(path: Path, annotator: str) -> None:
        provenance = {"layer": "annotation", "annotators": [annotator], "method": "imported"}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps({"id": "d1", "text": text, "meta": {}, "spans": [], "relations": [], "provenance": provenance})
        )

    write(tmp_path / "a1" / "d1.json", "a1")
    write(tmp_path / "a2" / "d1.json", "a2")
    assert validate_paths([tmp_path], schema).incidents == []
    write(tmp_path / "a1" / "copy" / "d1.json", "a1")  # the same annotator twice is still a duplicate
    assert [i.code for i in validate_paths([tmp_path], schema).incidents] == ["RPT-DOC-DUPLICATE"]
