"""The pure conversion between our documents and Label Studio JSON (no server)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from studio_server import sample_document

from reportedly.convert.labelstudio import (
    METHOD_INDEPENDENT,
    annotator_ids,
    check_export_format,
    document_to_prediction,
    document_to_results,
    document_to_task,
    export_to_layers,
    results_to_document,
    task_document,
    write_layers,
)
from reportedly.document import (
    Document,
    Relation,
    document_to_dict,
    make_span,
    read_document,
    sorted_spans,
    utf16_offset,
)
from reportedly.incidents import Severity
from reportedly.schema import Schema, labelstudio_xml


def _content(doc: Document) -> dict[str, Any]:
    record = document_to_dict(doc)
    record.pop("provenance")
    return record


def _export(
    doc: Document,
    schema: Schema,
    *,
    users: tuple[Any, ...] = ({"id": 1, "email": "alice@example.org"},),
    task_id: int = 7,
) -> list[dict[str, Any]]:
    """A Label Studio JSON export of ``doc``'s task, one annotation per user copying the prediction."""
    task = document_to_task(doc, schema, predictions=[("rules", doc)])
    task["id"] = task_id
    task["predictions"][0]["id"] = 70
    task["annotations"] = [
        {
            "id": 100 + n,
            "completed_by": user,
            "result": copy.deepcopy(task["predictions"][0]["result"]),
            "was_cancelled": False,
            "lead_time": 42.5,
            "created_at": "2025-01-02T10:00:00Z",
            "updated_at": "2025-01-02T10:05:00Z",
            "parent_prediction": None,
            "parent_annotation": None,
        }
        for n, user in enumerate(users)
    ]
    task["drafts"] = []
    return [task]


def test_round_trip_is_identical_with_emoji_combining_marks_and_crlf(schema: Schema) -> None:
    doc = sample_document()
    conversion = export_to_layers(_export(doc, schema), schema)
    assert conversion.all_problems == []
    [layer] = conversion.layers
    assert layer.annotator == "alice"
    assert layer.document is not None
    assert _content(layer.document) == _content(doc)
    assert layer.document.text.count("\r\n") == 1


def test_results_shape_matches_label_studio(schema: Schema) -> None:
    from label_studio_sdk.label_interface.interface import LabelInterface

    results = document_to_results(sample_document(), schema)
    by_id = [r for r in results if r.get("id") == "S1"]
    assert [r["from_name"] for r in by_id] == ["label", "source_type", "anonymity_reason"]  # a choice shares the id
    assert by_id[0]["value"]["labels"] == ["SOURCE"] and by_id[1]["value"]["choices"] == ["named_organization"]
    relation = next(r for r in results if r["type"] == "relation")
    assert relation == {
        "from_id": "C1",
        "to_id": "S1",
        "type": "relation",
        "direction": "right",
        "labels": ["attributed_to"],
    }
    interface: Any = LabelInterface(labelstudio_xml(schema))
    assert (
        interface.validate_prediction({"result": [r for r in results if r["type"] != "relation"]}, return_errors=True)
        == []
    )


def test_task_data_carries_the_document_id_and_meta(schema: Schema) -> None:
    doc = sample_document()
    task = document_to_task(doc, schema)
    assert task == {"data": {"text": doc.text, "doc_id": doc.id, "meta": dict(doc.meta)}}
    base, problems = task_document({"id": 3, **task})
    assert problems == [] and base is not None and (base.id, base.text, base.meta) == (doc.id, doc.text, doc.meta)


def test_prediction_on_another_text_is_refused(schema: Schema) -> None:
    doc = sample_document()
    other = Document(doc.id, doc.text + " More.", doc.meta)
    with pytest.raises(ValueError, match="not on the text"):
        document_to_task(doc, schema, predictions=[("rules", other)])


_texts = st.text(
    alphabet=st.sampled_from([*"ab c.\r\n", "\u0301", "é", "👍", "🏽", "🇺", "中"]), min_size=1, max_size=40
)


@settings(max_examples=150, deadline=None)
@given(text=_texts, data=st.data())
def test_round_trip_of_random_spans_on_random_texts(schema: Schema, text: str, data: st.DataObject) -> None:
    spans = []
    for n in range(data.draw(st.integers(0, 6))):
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, len(text)))
        label = data.draw(st.sampled_from(["CLAIM", "CUE"]))
        attrs = {"quote": data.draw(st.sampled_from(["direct", "indirect", "none"]))} if label == "CLAIM" else {}
        spans.append(make_span(text, f"R{n}", label, start, end, **attrs))
    claims, cues = [s.id for s in spans if s.label == "CLAIM"], [s.id for s in spans if s.label == "CUE"]
    relations = tuple(Relation("introduced_by", c, u) for c in claims[:2] for u in cues[:1])
    doc = Document("random", text, {}, tuple(spans), relations)
    [layer] = export_to_layers(_export(doc, schema), schema).layers
    assert layer.document is not None and _content(layer.document) == _content(doc)


def test_utf16_offsets_are_converted_with_a_warning(schema: Schema) -> None:
    doc = sample_document()
    export = _export(doc, schema)
    for result in export[0]["annotations"][0]["result"]:
        if "value" in result:
            value = result["value"]
            value["start"], value["end"] = utf16_offset(doc.text, value["start"]), utf16_offset(doc.text, value["end"])
    conversion = export_to_layers(export, schema)
    [layer] = conversion.layers
    assert layer.document is not None and _content(layer.document) == _content(doc)
    codes = {p.code for p in conversion.all_problems}
    assert codes == {"RPT-LS-UTF16"}
    assert all(p.severity is Severity.WARNING for p in conversion.all_problems)


def test_wrong_offsets_are_an_error_naming_task_region_and_both_texts(schema: Schema) -> None:
    doc = sample_document()
    export = _export(doc, schema)
    label = next(r for r in export[0]["annotations"][0]["result"] if r.get("id") == "H1" and r["type"] == "labels")
    label["value"]["start"] += 1
    conversion = export_to_layers(export, schema)
    [layer] = conversion.layers
    assert layer.document is None
    [error] = conversion.errors
    assert error.code == "RPT-LS-OFFSET" and (error.task_id, error.annotation_id, error.region_id) == (7, 100, "H1")
    rendered = error.render()
    assert "task 7" in rendered and "region H1" in rendered and "'reportedly'" in rendered and "'eportedly'" in rendered


def test_unknown_result_types_are_reported_and_kept(schema: Schema) -> None:
    doc = sample_document()
    export = _export(doc, schema)
    note = {"id": "x1", "from_name": "comment", "to_name": "text", "type": "textarea", "value": {"text": ["hm"]}}
    unlabelled = {"from_id": "C1", "to_id": "S1", "type": "relation", "direction": "right", "labels": []}
    export[0]["annotations"][0]["result"] += [note, unlabelled]
    conversion = export_to_layers(export, schema)
    [layer] = conversion.layers
    assert layer.document is not None and _content(layer.document) == _content(doc)
    assert layer.document.provenance["unconverted_results"] == [note, unlabelled]
    assert [p.code for p in conversion.all_problems] == ["RPT-LS-UNCONVERTED", "RPT-LS-UNCONVERTED"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda rs: rs[0]["value"].update(labels=["RUMOUR"]), "RPT-LS-LABEL"),
        (lambda rs: rs[0]["value"].update(labels=["SOURCE", "CLAIM"]), "RPT-LS-LABEL"),
        (
            lambda rs: next(r for r in rs if r["from_name"] == "quote")["value"].update(choices=["maybe"]),
            "RPT-LS-CHOICE",
        ),
        (lambda rs: next(r for r in rs if r.get("type") == "relation").update(labels=["cites"]), "RPT-LS-RELATION"),
        (lambda rs: next(r for r in rs if r.get("type") == "relation").update(to_id="nowhere"), "RPT-LS-RELATION"),
        (lambda rs: rs[0]["value"].update(start="/p[1]/text()[1]"), "RPT-LS-RANGE"),
    ],
)
def test_results_the_schema_refuses_are_errors(schema: Schema, change: Any, code: str) -> None:
    export = _export(sample_document(), schema)
    change(export[0]["annotations"][0]["result"])
    conversion = export_to_layers(export, schema)
    assert conversion.layers[0].document is None
    assert code in {p.code for p in conversion.errors}


def test_a_relation_drawn_backwards_is_turned_round(schema: Schema) -> None:
    doc = sample_document()
    export = _export(doc, schema)
    relation = next(r for r in export[0]["annotations"][0]["result"] if r.get("type") == "relation")
    relation["from_id"], relation["to_id"] = relation["to_id"], relation["from_id"]
    conversion = export_to_layers(export, schema)
    assert conversion.layers[0].document is not None
    assert conversion.layers[0].document.relations == doc.relations
    assert [p.code for p in conversion.all_problems] == ["RPT-LS-RELATION-FLIPPED"]
    relation["direction"] = "left"  # the editor's way of saying to -> from
    conversion = export_to_layers(export, schema)
    assert conversion.layers[0].document is not None and conversion.layers[0].document.relations == doc.relations
    assert conversion.all_problems == []


def test_provenance_is_truthful(schema: Schema) -> None:
    users = ({"id": 1, "email": "alice@example.org"}, {"id": 2, "email": "bob@x.org"})
    export = _export(sample_document(), schema, users=users)
    export[0]["annotations"][1]["parent_prediction"] = 70
    layers = {layer.annotator: layer.document for layer in export_to_layers(export, schema).layers}
    alice, bob = layers["alice"], layers["bob"]
    assert alice is not None and bob is not None
    assert alice.provenance["method"] == METHOD_INDEPENDENT
    assert bob.provenance["method"] == "model pre-annotation (rules) corrected in Label Studio"
    assert alice.provenance["annotators"] == ["alice"] and alice.provenance["layer"] == "annotation"
    assert alice.provenance["lead_time"] == 42.5 and alice.provenance["updated_at"] == "2025-01-02T10:05:00Z"
    assert alice.provenance["label_studio"] == {"task": 7, "annotation": 100}
    assert bob.provenance["label_studio"] == {"task": 7, "annotation": 101, "prediction": 70, "pre_annotation": "rules"}
    assert alice.provenance["schema_version"] == schema.version


def test_annotator_ids() -> None:
    ids = annotator_ids(["alice@a.org", "alice@b.org", "bob@a.org", "#7"], {"bob@a.org": "b1"})
    assert ids == {"alice@a.org": "alice-a.org", "alice@b.org": "alice-b.org", "bob@a.org": "b1", "#7": "ls-user-7"}
    assert annotator_ids(["#7"], {"7": "carol"}) == {"#7": "carol"}


def test_bare_user_ids_from_a_ui_export(schema: Schema) -> None:
    export = _export(sample_document(), schema, users=(3,))
    assert [layer.annotator for layer in export_to_layers(export, schema).layers] == ["ls-user-3"]
    assert [layer.annotator for layer in export_to_layers(export, schema, annotators={"3": "a1"}).layers] == ["a1"]


def test_skipped_drafts_and_repeated_annotations_are_reported(schema: Schema) -> None:
    export = _export(sample_document(), schema, users=({"id": 1, "email": "a@x.org"},) * 3)
    annotations = export[0]["annotations"]
    annotations[0]["was_cancelled"] = True
    annotations[2]["updated_at"] = "2025-02-01T00:00:00Z"
    export[0]["drafts"] = [{"id": 5, "result": []}]
    conversion = export_to_layers(export, schema)
    assert [(layer.annotator, layer.annotation_id) for layer in conversion.layers] == [("a", 102)]
    assert sorted(p.code for p in conversion.all_problems) == ["RPT-LS-DRAFT", "RPT-LS-DUPLICATE", "RPT-LS-SKIPPED"]


def test_json_min_exports_are_refused_with_the_reason() -> None:
    [problem] = check_export_format([{"id": 1, "text": "x", "label": [{"start": 0, "end": 1}]}])
    assert problem.code == "RPT-LS-FORMAT" and "JSON_MIN" in problem.message and "relations" in problem.message
    assert check_export_format({"tasks": []})[0].code == "RPT-LS-FORMAT"


def test_a_task_without_doc_id_is_named_after_the_task(schema: Schema) -> None:
    export = _export(sample_document(), schema)
    del export[0]["data"]["doc_id"]
    conversion = export_to_layers(export, schema)
    assert conversion.layers[0].doc_id == "ls-task-7"
    assert [p.code for p in conversion.problems] == ["RPT-LS-TASK-ID"]


def test_label_interface_of_a_drifted_config_is_a_second_opinion(schema: Schema) -> None:
    from label_studio_sdk.label_interface.interface import LabelInterface

    config = labelstudio_xml(schema).replace('<Label value="HEDGE"', '<Label value="HEDGING"')
    conversion = export_to_layers(_export(sample_document(), schema), schema, interface=LabelInterface(config))
    assert conversion.layers[0].document is None
    assert {p.code for p in conversion.errors} == {"RPT-LS-CONFIG"}


def test_region_notes_are_kept(schema: Schema) -> None:
    export = _export(sample_document(), schema)
    export[0]["annotations"][0]["result"][0]["meta"] = {"text": ["unsure about the boundary"]}
    [layer] = export_to_layers(export, schema).layers
    assert layer.document is not None and layer.document.provenance["notes"] == {"S1": "unsure about the boundary"}


def test_prediction_model_version(schema: Schema) -> None:
    prediction = document_to_prediction(sample_document(), schema, "rules-1.0", score=0.5)
    assert prediction["model_version"] == "rules-1.0" and prediction["score"] == 0.5


def test_results_to_document_without_value_text_warns(schema: Schema) -> None:
    base = Document("d", "Officials said so.")
    results = [
        {
            "id": "a",
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": {"start": 0, "end": 9, "labels": ["CUE"]},
        }
    ]
    doc, problems, _ = results_to_document(base, results, schema)
    assert doc is not None and doc.spans[0].text == "Officials"
    assert [p.code for p in problems] == ["RPT-LS-NO-TEXT"]


def test_layers_are_written_once_and_local_edits_kept(schema: Schema, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    conversion = export_to_layers(_export(sample_document(), schema), schema)
    first = write_layers(conversion, tmp_path / "layers", schema, state_path=state)
    [path] = first.written
    assert path == tmp_path / "layers" / "alice" / "wire-0001.json"
    assert read_document(path).spans == tuple(sorted_spans(sample_document().spans))
    assert first.incidents == [] and not first.has_errors
    mtime = path.stat().st_mtime_ns
    again = write_layers(conversion, tmp_path / "layers", schema, state_path=state)
    assert again.written == [] and again.unchanged == [path] and path.stat().st_mtime_ns == mtime
    # edited here, then the annotation changes in Label Studio: the local edit is kept unless forced
    record = json.loads(path.read_text(encoding="utf-8"))
    record["provenance"]["method"] = "edited by hand"
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    changed = _export(sample_document(), schema)
    changed[0]["annotations"][0]["updated_at"] = "2025-03-01T00:00:00Z"
    conversion = export_to_layers(changed, schema)
    kept = write_layers(conversion, tmp_path / "layers", schema, state_path=state)
    assert kept.kept_local == [path] and kept.written == []
    assert read_document(path).provenance["method"] == "edited by hand"
    forced = write_layers(conversion, tmp_path / "layers", schema, state_path=state, force=True)
    assert forced.written == [path]
    assert read_document(path).provenance["updated_at"] == "2025-03-01T00:00:00Z"
    # a change in Label Studio (not here) is written without --force
    changed[0]["annotations"][0]["updated_at"] = "2025-04-01T00:00:00Z"
    later = write_layers(export_to_layers(changed, schema), tmp_path / "layers", schema, state_path=state)
    assert later.written == [path]
