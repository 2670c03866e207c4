"""The LLM runner against a real OpenAI-compatible HTTP server on 127.0.0.1 (tests/llm_server.py):
plumbing, a retried failure, bounded concurrency, the response cache, alignment and the summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from llm_server import MISSING_QUOTE, answer_for, serve
from typer.testing import CliRunner

from reportedly import load_system
from reportedly.cli import app
from reportedly.document import Document, read_jsonl
from reportedly.llm.prompt import INSTRUCTIONS, build_prompt, parse_answer
from reportedly.schema import Schema

TEXTS = {
    "one": "Alice said the bridge will reopen in May. The plan is reportedly delayed.",
    "two": "Bob said costs rose sharply. Carol said nothing was decided.",
    "three": "Dan said the vote was postponed.",
}
SECRET = "sk-test-do-not-print-4242"


def _documents() -> list[Document]:
    return [Document(doc_id, text) for doc_id, text in TEXTS.items()]


def _expected(text: str) -> set[tuple[str, int, int]]:
    """Where the server's quotes are in the text, found here independently."""
    out = set()
    position = 0
    for sentence in text.split(". "):
        if " said " in sentence:
            name, claim = sentence.split(" said ", 1)
            start = text.index(sentence, position)
            out |= {
                ("SOURCE", start, start + len(name)),
                ("CUE", start + len(name) + 1, start + len(name) + 5),
                ("CLAIM", start + len(name) + 6, start + len(name) + 6 + len(claim.rstrip("."))),
            }
            position = start + len(sentence)
    if "reportedly" in text:
        out.add(("HEDGE", text.index("reportedly"), text.index("reportedly") + len("reportedly")))
    return out


def test_the_prompt_is_the_one_documented_in_eval_readme(root: Path, schema: Schema) -> None:
    readme = (root / "eval" / "README.md").read_text(encoding="utf-8")
    assert INSTRUCTIONS in readme
    prompt = build_prompt("d1", "Some text.", schema)
    assert prompt.startswith(INSTRUCTIONS)
    assert prompt.endswith("Document id: d1\nDocument:\nSome text.")
    assert "SOURCE.source_type: named_person | " in prompt


def test_answers_are_read_through_prose_and_code_fences() -> None:
    assert parse_answer('Sure!\n```json\n{"id": "a", "spans": []}\n```\nDone.') == {"id": "a", "spans": []}
    with pytest.raises(ValueError, match="no JSON object"):
        parse_answer("I cannot help with that.")


def test_predictions_retries_concurrency_and_cache(tmp_path: Path, schema: Schema) -> None:
    with serve(fail_first=1) as server:
        options = {"base_url": server.url, "model": "test-model", "api_key": SECRET, "concurrency": 2}
        system = load_system("llm", schema=schema, response_cache=tmp_path / "cache", backoff=0.01, **options)
        predicted = system.predict(_documents())
        assert server.requests == len(TEXTS) + 1  # the first failed with 503 and was retried
        assert 1 < server.most_in_flight <= 2
        assert set(server.authorizations) == {f"Bearer {SECRET}"}
        for doc in predicted:
            found = {(s.label, s.start, s.end) for s in doc.spans}
            assert found == _expected(doc.text), doc.id
            assert doc.provenance["system"] == "llm" and doc.provenance["model_hash"]
            unplaced = doc.provenance["alignment"]["unaligned"]
            assert [(u["text"], u["reason"]) for u in unplaced] == [(MISSING_QUOTE, "not_found")]
        one = next(d for d in predicted if d.id == "one")
        by_id = one.spans_by_id()
        assert {(r.label, by_id[r.head].text, by_id[r.tail].text) for r in one.relations} == {
            ("attributed_to", "the bridge will reopen in May", "Alice"),
            ("introduced_by", "the bridge will reopen in May", "said"),
        }
        summary = system.summary()
        assert "4 request(s) (1 retried), 0 answer(s) from the cache" in summary
        assert "unplaced 3 (3 not_found)" in summary

        again = load_system("llm", schema=schema, response_cache=tmp_path / "cache", backoff=0.01, **options)
        repeated = again.predict(_documents())
        assert server.requests == len(TEXTS) + 1  # every answer came from the cache
        assert "0 request(s) (0 retried), 3 answer(s) from the cache" in again.summary()
        strip = [{**d.provenance, "date": None} for d in predicted]
        assert [{**d.provenance, "date": None} for d in repeated] == strip
        assert [d.spans for d in repeated] == [d.spans for d in predicted]


def test_out_of_schema_answers_are_dropped_and_listed(schema: Schema) -> None:
    from reportedly.llm.prompt import build_prompt as prompt_of
    from reportedly.llm.runner import sanitize
    from reportedly.quotes import align_document

    text = TEXTS["one"]
    record = answer_for(prompt_of("one", text, schema))
    record["spans"][0]["attrs"]["source_type"] = "a_rumour"
    record["relations"].append({"label": "hedges", "head": "S1", "tail": "C1"})
    doc, dropped = sanitize(align_document(record, text, mode="order", fuzzy_threshold=85).document, schema)
    assert "S1: attribute source_type='a_rumour' is not in the schema" in dropped
    assert "relation hedges S1->C1: needs HEDGE -> CLAIM" in dropped
    assert "source_type" not in doc.span("S1").attrs


def test_cli_predict_llm_prints_a_summary_and_never_the_key(tmp_path: Path) -> None:
    inputs = tmp_path / "texts.jsonl"
    inputs.write_text("".join(json.dumps({"id": k, "text": v}) + "\n" for k, v in TEXTS.items()), encoding="utf-8")
    out = tmp_path / "preds.jsonl"
    with serve(fail_first=0) as server:
        args = ["predict", "llm", str(inputs), "--base-url", server.url, "--model", "m", "--out", str(out)]
        args += ["--llm-cache", str(tmp_path / "cache"), "--price-input", "2", "--price-output", "8"]
        result = CliRunner().invoke(app, args, env={"REPORTEDLY_LLM_API_KEY": SECRET})
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    assert server.authorizations == [f"Bearer {SECRET}"] * 3
    assert "cost 0.0" in result.output and "unplaced 3" in result.output
    assert [d.id for d in read_jsonl(out)] == list(TEXTS)


def test_a_refused_request_is_a_coded_error(tmp_path: Path, schema: Schema) -> None:
    from reportedly.incidents import ReportedlyError

    with serve(fail_first=0) as server:
        system = load_system("llm", schema=schema, base_url=server.url + "/wrong", model="m", response_cache=None)
        with pytest.raises(ReportedlyError, match="404"):
            system.predict(_documents()[:1])
