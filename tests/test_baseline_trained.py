"""The trained baselines (crf, encoder): train, save, load, predict; deterministic with a seed."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportedly.baselines import bio, crf, encoder
from reportedly.document import Document, make_span, read_document
from reportedly.schema import Schema
from reportedly.validate import Severity, check_document

FIXTURE = Path(__file__).parent / "fixtures" / "valid" / "minimal.json"


@pytest.fixture(scope="module")
def docs() -> list[Document]:
    base = read_document(FIXTURE)
    second = Document("fixture-0002", base.text, base.meta, base.spans, base.relations, base.provenance)
    return [base, second]


def errors(doc: Document, schema: Schema) -> list[str]:
    return [i.code for i in check_document(doc, schema) if i.severity is Severity.ERROR]


def test_bio_round_trip_keeps_outermost_token_aligned_spans() -> None:
    text = "The mayor said the bridge may reopen."
    offsets = [(0, 3), (4, 9), (10, 14), (15, 18), (19, 25), (26, 29), (30, 36), (36, 37)]
    outer = make_span(text, "C1", "CLAIM", 15, 36)
    inner = make_span(text, "C2", "CLAIM", 19, 36)
    tags = bio.encode(offsets, [inner, outer])
    assert tags == ["O", "O", "O", "B", "I", "I", "I", "O"]
    assert bio.decode(offsets, tags) == [(15, 36)]


def test_crf_learns_the_training_data_and_round_trips(tmp_path: Path, docs: list[Document], schema: Schema) -> None:
    model = crf.train(docs, [], schema, seed=7, max_iterations=50)
    (predicted,) = model.predict(docs[:1], schema)
    assert errors(predicted, schema) == []
    gold = {(s.label, s.start, s.end) for s in docs[0].spans}
    found = {(s.label, s.start, s.end) for s in predicted.spans}
    assert len(gold & found) >= len(gold) - 1  # a CRF fits its own two training documents
    assert {r.label for r in predicted.relations} >= {"attributed_to", "introduced_by"}
    path = tmp_path / "crf.pkl"
    crf.save(model, path)
    again = crf.load(path).predict(docs[:1], schema)[0]
    assert again == predicted
    retrained = crf.train(docs, [], schema, seed=7, max_iterations=50).predict(docs[:1], schema)[0]
    assert retrained == predicted


def test_crf_cache_is_keyed_by_data(tmp_path: Path, docs: list[Document], schema: Schema) -> None:
    first = crf.fingerprint(docs, [], schema, seed=1)
    assert first == crf.fingerprint(docs, [], schema, seed=1)
    assert first != crf.fingerprint(docs[:1], [], schema, seed=1)
    assert first != crf.fingerprint(docs, [], schema, seed=2)


def test_encoder_one_step_save_load_predict(tmp_path: Path, docs: list[Document], schema: Schema) -> None:
    model = encoder.train(docs, schema, epochs=1, max_steps=1, seed=3, device="cpu")
    assert model.settings["steps"] == 1
    (predicted,) = model.predict(docs[:1], schema)
    assert errors(predicted, schema) == []
    assert predicted.provenance["system"] == "encoder"
    encoder.save(model, tmp_path / "enc")
    loaded = encoder.load(tmp_path / "enc", schema, device="cpu")
    assert loaded.predict(docs[:1], schema)[0] == predicted
    again = encoder.train(docs, schema, epochs=1, max_steps=1, seed=3, device="cpu").predict(docs[:1], schema)[0]
    assert again == predicted


def test_encoder_weights_are_the_pinned_ones() -> None:
    folder = encoder.model_dir()
    assert (folder / "model.safetensors").exists()
    assert (folder / "config.json").exists()


def test_the_default_epochs_are_the_encoders() -> None:
    from reportedly.baselines import encoder, models

    assert models.DEFAULT_EPOCHS == encoder.EPOCHS
