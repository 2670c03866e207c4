"""The trained baselines (crf, encoder): train, save, load, predict; deterministic with a seed."""

from __future__ import annotations

import itertools
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


# --- long sentences: overlapping windows, never a silent cut (nothing is trained here) ----------


@pytest.fixture(scope="module")
def tokenizer():  # type: ignore[no-untyped-def]
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(encoder.model_dir())


def _long_sentence() -> str:
    words = "the harbour board said its older cranes, some unrepaired since 1998, could be replaced soon"
    return "Officials noted that " + " ".join([words] * 35) + " next year."


def test_a_long_sentence_is_read_in_overlapping_windows_between_words(tokenizer) -> None:  # type: ignore[no-untyped-def]
    text = "A short first sentence. " + _long_sentence() + " A short last one."
    tokens = len(tokenizer(text, add_special_tokens=False)["input_ids"])
    assert tokens > 3 * encoder.MAX_TOKENS  # the sentence would have lost most of its words before
    pieces = encoder.chunks(text, tokenizer, 0)
    windows = [c for c in pieces if c.start >= 24 and c.end <= text.index(" A short last")]
    assert [c.window for c in windows] == list(range(len(windows))) and len(windows) >= 3
    for chunk in windows:
        size = len(tokenizer(text[chunk.start : chunk.end], add_special_tokens=False)["input_ids"])
        assert size <= encoder.MAX_TOKENS - 2
        assert text[chunk.start - 1] == " " and text[chunk.end] == " "  # between words
    for before, after in itertools.pairwise(windows):
        assert after.start < before.end  # overlap
    assert windows[0].start == 24 and windows[-1].end == text.index(" A short last")


def test_merged_windows_keep_every_token_once_from_its_most_central_window(tokenizer) -> None:  # type: ignore[no-untyped-def]
    text = _long_sentence()
    pieces = []
    for chunk in encoder.chunks(text, tokenizer, 0):
        places = tokenizer(text[chunk.start : chunk.end], add_special_tokens=False, return_offsets_mapping=True)
        offsets = [tuple(o) for o in places["offset_mapping"]]
        # each token's score row names its window, so the merge's choice can be read back
        pieces.append((chunk, offsets, [[[float(chunk.window)] * 3] for _ in offsets]))
    merged_places, merged, opens = encoder.merge_windows(pieces)
    whole = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
    assert merged_places == [tuple(o) for o in whole]  # every token of the sentence, once, in order
    assert opens[0] and not any(opens[1:])
    first, second = pieces[0], pieces[1]
    shared = sorted(
        {(first[0].start + s, first[0].start + e) for s, e in first[1]}
        & {(second[0].start + s, second[0].start + e) for s, e in second[1]}
    )
    by_place = dict(zip(merged_places, merged, strict=True))
    assert by_place[shared[0]][0][0] == 0.0 and by_place[shared[-1]][0][0] == 1.0  # nearer each window's middle


def test_an_untrained_tagger_predicts_valid_spans_on_a_long_document(docs: list[Document], schema: Schema) -> None:
    from reportedly.baselines.heads import Heads

    model = encoder.EncoderModel(encoder.Tagger(schema.label_names, "cpu"), Heads(seed=1).fit(docs, schema), {})
    long_doc = Document("long", _long_sentence(), {"origin": "user_supplied"})
    (predicted,) = model.predict([long_doc], schema)
    assert errors(predicted, schema) == [] and predicted.provenance["version"] == encoder.VERSION
