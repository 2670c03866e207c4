"""Every class at once: the main commands run on generated bad inputs (wrong JSON types, hostile
ids, bad bytes) end with exit 0 or with a coded error, never a traceback, and write nothing
outside their output folder."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from conftest import layer, make_corpus, record, runner, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportedly.cli import app

HOSTILE = st.sampled_from(["../x", "d1\n", "a/b", "..", "a[/b]", "[bold]", "x\x00", "", " ", "é", "a" * 300, "ok-1"])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.floats(allow_nan=False) | HOSTILE | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(HOSTILE | st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)


def _record() -> st.SearchStrategy[Any]:
    """A document record with one field replaced by something wrong, or any JSON value at all."""
    keys = st.sampled_from(["id", "text", "meta", "spans", "relations", "provenance"])
    mutated = st.builds(lambda key, value: {**record("fixture-0001"), key: value}, keys, JSON | HOSTILE)
    return mutated | JSON


CONTENT = st.one_of(
    _record().map(lambda r: json.dumps(r).encode()),
    st.binary(max_size=60),
    st.sampled_from([b"\xff\xfe", b'{"id": ' + b"9" * 5000 + b"}", b"[" * 5000, b"", b"\n\n"]),
)

SETTINGS = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)


def _run(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        assert "RPT-" in result.output, result.output


def _place(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


@SETTINGS
@given(content=CONTENT)
def test_validate_eval_show_and_conll_export_on_bad_files(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus = make_corpus(root / "corpus", ids=("fixture-0001",))
        preds = _place(root, "p.jsonl", content.replace(b"\n", b" ") + b"\n")
        doc = _place(root, "d.json", content)
        _run(["validate", str(preds)])
        _run(["validate", str(doc), "--format", "json"])
        _run(["eval", str(preds), "--gold", str(corpus), "--resamples", "0"])
        _run(["show", str(doc), "--out", str(root / "view" / "d.html")])
        _run(["convert", "conll-export", str(doc), "--out", str(root / "x.conll")])
        assert {p.name for p in root.iterdir()} <= {"corpus", "p.jsonl", "d.json", "view", "x.conll"}


@SETTINGS
@given(content=CONTENT, doc_id=HOSTILE)
def test_converters_on_bad_files_and_hostile_ids(content: bytes, doc_id: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus = make_corpus(root / "corpus", ids=("fixture-0001",))
        texts = _place(
            root,
            "in.jsonl",
            json.dumps({"id": doc_id, "text": "Some text."}).encode() + b"\n" + content.replace(b"\n", b" "),
        )
        answers = _place(root, "answers.json", content)
        export = _place(root, "export.json", content)
        out = root / "out"
        _run(["convert", "text", str(texts), "--out", str(out / "docs")])
        _run(
            [
                "convert",
                "strings",
                str(answers),
                "--texts",
                str(corpus / "documents"),
                "--system",
                doc_id or "s",
                "--out",
                str(out / "p.jsonl"),
            ]
        )
        _run(["convert", "labelstudio", str(export), "--out", str(out / "layers"), "--dir", str(root / ".studio")])
        _run(["convert", "brat-export", str(texts), "--out", str(out / "brat"), "--separator", doc_id or "."])
        assert {p.name for p in root.iterdir()} <= {
            "corpus",
            "in.jsonl",
            "answers.json",
            "export.json",
            "out",
            ".studio",
        }


@SETTINGS
@given(content=CONTENT, name=HOSTILE)
def test_adjudication_agreement_and_splits_on_bad_files(content: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        layers = root / "layers"
        for annotator in ("a1", "a2"):
            _place(
                layers,
                f"{annotator}/fixture-0001.json",
                json.dumps(layer("fixture-0001", annotator, drop=("H2",) * (annotator == "a2"))).encode(),
            )
        _place(layers, "a2/other.json", content)
        decisions = _place(root, "decisions/fixture-0001.decisions.json", content)
        _run(["agree", "--layers", str(layers)])
        _run(["adjudicate", "merge", "--layers", str(layers), "--out", str(root / "work")])
        _run(
            [
                "adjudicate",
                "apply",
                "--layers",
                str(layers),
                "--decisions",
                str(decisions.parent),
                "--method",
                "m",
                "--out",
                str(root / "gold"),
                "--record",
                str(root / "trail"),
            ]
        )
        corpus = make_corpus(root / "corpus", ids=("fixture-0001",))
        _place(corpus, "documents/bad.json", content)
        _run(["splits", str(corpus)])
        assert set(snapshot(corpus / "splits")) == {"train.txt", "dev.txt", "test.txt"}
        _run(["baseline", "rules", "--split", name, "--corpus", str(corpus), "--out", str(root / "b.jsonl")])
