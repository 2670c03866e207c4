"""The rules baseline: each pattern fires where it should and stays quiet on near misses."""

from __future__ import annotations

import pytest

from reportedly.baselines.lexicon import find, phrases
from reportedly.baselines.rules import predict
from reportedly.document import Document
from reportedly.schema import Schema
from reportedly.validate import Severity, check_document


def run(text: str) -> Document:
    (doc,) = predict([Document("t", text, {"genre": "wire"})])
    return doc


def spans_of(doc: Document, label: str) -> list[tuple[str, dict[str, str]]]:
    return [(s.text, dict(s.attrs)) for s in doc.spans if s.label == label]


def linked(doc: Document, relation: str) -> set[tuple[str, str]]:
    spans = doc.spans_by_id()
    return {(spans[r.head].text, spans[r.tail].text) for r in doc.relations if r.label == relation}


def test_according_to_at_the_start() -> None:
    doc = run("According to a draft audit seen by the Harbour Ledger, costs doubled in 2025.")
    assert linked(doc, "attributed_to") == {("costs doubled in 2025", "a draft audit seen by the Harbour Ledger")}
    assert spans_of(doc, "CUE") == [("According to", {})]
    assert spans_of(doc, "SOURCE")[0][1]["source_type"] == "document"


def test_according_to_at_the_end() -> None:
    doc = run("The port will close in June, according to the Velmoran port authority.")
    assert linked(doc, "attributed_to") == {("The port will close in June", "the Velmoran port authority")}


def test_subject_said_that() -> None:
    doc = run("Harbour master Ilse Varga said on Tuesday that the channel would reopen.")
    assert linked(doc, "attributed_to") == {("the channel would reopen", "Harbour master Ilse Varga")}
    assert linked(doc, "introduced_by") == {("the channel would reopen", "said")}
    assert spans_of(doc, "SOURCE")[0][1] == {"source_type": "named_person", "anonymity_reason": "not_applicable"}


def test_direct_quote_then_said_source() -> None:
    doc = run("“The bridge is safe,” said Mayor Tomas Reyl.")
    assert linked(doc, "attributed_to") == {("The bridge is safe", "Mayor Tomas Reyl")}
    assert spans_of(doc, "CLAIM")[0][1] == {"quote": "direct"}


def test_direct_quote_then_source_said() -> None:
    doc = run('"We will not raise fares," the operator said.')
    assert linked(doc, "attributed_to") == {("We will not raise fares", "the operator")}


def test_anonymous_official_with_reason() -> None:
    doc = run("A senior official, who spoke on condition of anonymity, said the convoy may leave on Friday.")
    ((text, attrs),) = spans_of(doc, "SOURCE")
    assert text == "A senior official"
    assert attrs == {"source_type": "unnamed_person", "anonymity_reason": "given"}


def test_unnamed_group_without_reason() -> None:
    doc = run("Diplomats familiar with the talks said a deal was close.")
    assert spans_of(doc, "SOURCE")[0][1] == {"source_type": "unnamed_group", "anonymity_reason": "not_given"}


def test_reportedly_is_an_author_evidential_hedge() -> None:
    doc = run("The minister reportedly resigned on Sunday.")
    assert spans_of(doc, "HEDGE") == [("reportedly", {"hedge_type": "evidential", "holder": "author"})]
    assert linked(doc, "hedges") == {("reportedly", "The minister reportedly resigned on Sunday")}


def test_modal_inside_reported_speech_is_held_by_the_source() -> None:
    doc = run("The auditor said the cost may double.")
    assert spans_of(doc, "HEDGE") == [("may", {"hedge_type": "modal", "holder": "source"})]


@pytest.mark.parametrize(
    ("text", "hedge"),
    [
        ("About 300 people attended the hearing.", "About"),
        ("Up to 40 ships were waiting.", "Up to"),
        ("The board is expected to approve the merger on Friday.", "is expected to"),
        ("If the rain continues, the final will be postponed.", "If"),
    ],
)
def test_hedge_lexicon_fires(text: str, hedge: str) -> None:
    assert [t for t, _ in spans_of(run(text), "HEDGE")] == [hedge]


@pytest.mark.parametrize(
    "text",
    [
        "The report is about the harbour.",  # "about" meaning concerning
        "Some residents left early.",  # "some" without a number
        "Rescuers could not find the boat.",  # past ability, not possibility
        "The committee will meet on Friday.",  # will is not a hedge
    ],
)
def test_hedge_near_misses_stay_quiet(text: str) -> None:
    assert spans_of(run(text), "HEDGE") == []


def test_questions_are_not_claims() -> None:
    assert spans_of(run("Will the port close in June?"), "CLAIM") == []


def test_pronoun_links_to_first_mention() -> None:
    doc = run("Ilse Varga said the port was open. She said the channel was clear. She added that 40 ships waited.")
    pairs = linked(doc, "same_source")
    assert pairs == {("She", "Ilse Varga")}  # both pronoun mentions point at the first mention
    assert sum(1 for r in doc.relations if r.label == "same_source") == 2


def test_speaker_label_in_a_transcript() -> None:
    doc = run("SPOKESPERSON MARA ODELL: The ferry service resumes on Monday.")
    assert linked(doc, "attributed_to") == {("The ferry service resumes on Monday", "SPOKESPERSON MARA ODELL")}


def test_every_lexicon_entry_matches_itself() -> None:
    for name in ("cues.txt", "hedges.txt", "source_nouns.txt"):
        table = phrases(name)
        assert table, name
        for phrase in table:
            (match,) = find(list(phrase), table)
            assert (match.first, match.last) == (0, len(phrase) - 1)


def test_predictions_are_valid_documents(schema: Schema) -> None:
    text = (
        "Velmora confirms battery move\n\nThe ministry confirmed on Tuesday that it moved a battery 🚀 to Orsk. "
        "Analysts said the move could reportedly raise tensions. “It is defensive,” she said."
    )
    doc = run(text)
    assert [i for i in check_document(doc, schema) if i.severity is Severity.ERROR] == []
    assert doc.provenance["system"] == "rules"
