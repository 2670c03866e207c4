"""Defect class 5: validation that two commands disagree on. ``validate`` and ``eval`` run one
record check (reportedly.validate.validate_record), so they accept and refuse the same
prediction records with the same codes; its quick path never accepts what the JSON Schema refuses."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import ROOT, invoke, record, write_jsonl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportedly.document import decode_document, decode_record, document_from_dict
from reportedly.schema import Schema
from reportedly.validate import Role, validate_decoded, validate_record
from reportedly.validate.records import _record_sound


def _prediction(**changes: Any) -> dict[str, Any]:
    out = record("fixture-0001", provenance={"layer": "prediction", "system": "s", "schema_version": "1.0.0"})
    out.update(changes)
    return out


def _span(index: int, **changes: Any) -> dict[str, Any]:
    pred = _prediction()
    pred["spans"][index].update(changes)
    return pred


CASES: dict[str, tuple[dict[str, Any], str | None]] = {
    "valid": (_prediction(), None),
    "unknown attribute value": (
        _span(0, attrs={"source_type": "rumour", "anonymity_reason": "not_applicable"}),
        "RPT-ATTR-VALUE",
    ),
    "unknown attribute": (_span(2, attrs={"quote": "direct", "mood": "grim"}), "RPT-ATTR-UNKNOWN"),
    "unknown label": (_span(1, label="RUMOUR"), "RPT-LABEL-UNKNOWN"),
    "offset mismatch": (_span(1, text="says"), "RPT-OFFSET-MISMATCH"),
    "offset range": (_span(1, end=999), "RPT-OFFSET-RANGE"),
    "start as string": (_span(1, start="26"), "RPT-SCHEMA"),
    "id with newline": (_prediction(id="fixture-0001\n"), "RPT-ID-INVALID"),
    "extra field": (_prediction(extra=1), "RPT-SCHEMA"),
    "meta value": (_prediction(meta={"genre": "gossip"}), "RPT-META-VALUE"),
    "provenance layer": (_prediction(provenance={"layer": "rumour"}), "RPT-SCHEMA"),
    "relation label": (_prediction(relations=[{"label": "likes", "head": "C1", "tail": "S1"}]), "RPT-REL-UNKNOWN"),
    "relation argument": (
        _prediction(relations=[{"label": "hedges", "head": "H9", "tail": "C1"}]),
        "RPT-REL-MISSING-ARG",
    ),
}


@pytest.fixture(scope="module")
def gold(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("gold")
    (folder / "fixture-0001.json").write_text(json.dumps(record("fixture-0001")), encoding="utf-8")
    return folder


@pytest.mark.parametrize("name", list(CASES))
def test_validate_and_eval_accept_and_refuse_the_same_record_with_the_same_code(
    name: str, gold: Path, tmp_path: Path
) -> None:
    prediction, code = CASES[name]
    preds = write_jsonl(tmp_path / "p.jsonl", [prediction])
    validated = invoke(["validate", preds, "--format", "json"])
    codes = {i["code"] for i in json.loads(validated.stdout)["incidents"] if i["severity"] == "error"}
    scored = invoke(["eval", preds, "--gold", gold, "--resamples", "0", "--format", "json"])
    if code is None:
        assert validated.exit_code == 0 and scored.exit_code == 0, (validated.output, scored.output)
        return
    assert codes == {code}, codes
    assert validated.exit_code == 1 and scored.exit_code == 1
    assert f"error {code}" in scored.stderr or f"error {code}" in scored.stdout, scored.output


def test_a_prediction_without_text_is_checked_against_the_gold_text(gold: Path, tmp_path: Path) -> None:
    bad = _span(1, text="says")
    del bad["text"]
    preds = write_jsonl(tmp_path / "p.jsonl", [bad])
    scored = invoke(["eval", preds, "--gold", gold, "--resamples", "0"])
    assert scored.exit_code == 1 and "RPT-OFFSET-MISMATCH" in scored.stderr


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)


def _mutations() -> st.SearchStrategy[dict[str, Any]]:
    base = _prediction()

    def mutate(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
        out = copy.deepcopy(base)
        target: Any = out
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return out

    paths = st.sampled_from(
        [
            ("id",),
            ("text",),
            ("meta",),
            ("meta", "genre"),
            ("meta", "title"),
            ("meta", "invented_names"),
            ("spans",),
            ("spans", 0),
            ("spans", 0, "label"),
            ("spans", 0, "start"),
            ("spans", 0, "end"),
            ("spans", 0, "attrs"),
            ("spans", 0, "attrs", "source_type"),
            ("spans", 0, "id"),
            ("relations",),
            ("provenance",),
            ("provenance", "layer"),
            ("provenance", "annotators"),
            ("provenance", "guidelines"),
            ("extra",),
        ]
    )
    return st.builds(mutate, paths, _JSON | st.sampled_from(["CLAIM", "wire", "2.0", "2.0\n", "x\n", -1, 0, True]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(candidate=_mutations())
def test_the_quick_path_accepts_nothing_the_json_schema_refuses(candidate: dict[str, Any], schema: Schema) -> None:
    schema_json = json.loads((ROOT / "schema" / "document.schema.json").read_text(encoding="utf-8"))
    if _record_sound(candidate, schema):
        assert list(jsonschema.Draft202012Validator(schema_json).iter_errors(candidate)) == []


# JSON texts that json.loads and the C decoder could read differently: each must take the slow path
# or give the same document
_RAW_EDGES = [
    '{"id": "fixture-0001", "text": "x", "spans": [], "relations": [], "meta": {"n": NaN}}',
    '{"id": "fixture-0001", "text": "x", "spans": [], "relations": [], "meta": {"n": 1' + "0" * 5000 + "}}",
    '{"id": "fixture-0001", "text": "\\ud800", "spans": [], "relations": []}',
    '{"id": "fixture-0001", "id": "fixture-0002", "text": "x", "spans": [], "relations": []}',
    '{"id": "fixture-0001", "text": "ab", "spans": [{"id": "U1", "label": "CUE", "start": 0, "end": 1, '
    '"text": "a", "attrs": null}], "relations": []}',
    '{"id": "fixture-0001", "text": "ab", "spans": [{"id": "U1", "label": "CUE", "start": 0, "end": 1' + "0" * 30,
    '{"id": "fixture-0001", "text": "ab", "spans": [{"id": "U1", "label": "CUE", "start": 1.0, "end": 2, '
    '"text": "b"}], "relations": []}',
    '{"id": "fixture-0001", "text": "ab", "spans": [{"id": "U1", "label": "CUE", "start": 0, "end": 1, '
    '"text": "a", "x": 1}], "relations": []}',
    '{"id": "fixture-0001", "spans": [], "relations": []}',
    "[]",
]


def _agree(raw: str, schema: Schema) -> None:
    """The C decoder's path gives what json.loads and the named checks give, or stands aside."""
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = None
    fast = decode_document(raw)
    if fast is not None:
        assert parsed is not None and fast == document_from_dict(parsed)
    decoded = decode_record(raw)
    usual = None if decoded is None else validate_decoded(decoded, schema, role=Role.PREDICTION)
    if usual is not None:
        found, doc = validate_record(parsed, schema, role=Role.PREDICTION)
        assert usual == (found, doc)


@pytest.mark.parametrize("raw", _RAW_EDGES)
def test_the_c_decoder_reads_edge_cases_as_json_loads_does_or_stands_aside(raw: str, schema: Schema) -> None:
    _agree(raw, schema)
    if '"id": "fixture-0002"' not in raw:  # all but the repeated key (both readers keep the last) are refused
        assert decode_document(raw) is None


def test_the_c_decoder_takes_the_usual_record(schema: Schema) -> None:
    raw = json.dumps(_prediction())
    assert decode_document(raw) is not None
    decoded = decode_record(raw)
    assert decoded is not None and validate_decoded(decoded, schema, role=Role.PREDICTION) is not None
    _agree(raw, schema)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(candidate=_mutations())
def test_the_c_decoder_and_the_named_checks_agree_on_every_mutation(candidate: dict[str, Any], schema: Schema) -> None:
    _agree(json.dumps(candidate), schema)
