"""`reportedly predict` and `reportedly train`, the system registry and model folders, on small inputs."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reportedly import load_system
from reportedly.cli import app
from reportedly.document import Document, read_document, read_jsonl, write_document
from reportedly.incidents import ReportedlyError
from reportedly.predict import predict_parallel, read_inputs
from reportedly.schema import Schema
from reportedly.validate import validate_record

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "valid" / "minimal.json"
TEXT = (
    "The ministry confirmed on Tuesday that ministers had signed the declaration. [bold red]Officials[/] familiar "
    "with the talks said the agreement could reportedly be ratified within weeks."
)


def test_pretty_prints_claims_sources_and_hedges_and_never_reads_markup(tmp_path: Path) -> None:
    (tmp_path / "some.txt").write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(app, ["predict", "rules", str(tmp_path / "some.txt"), "--format", "pretty"])
    assert result.exit_code == 0, result.output
    assert "[bold red]Officials[/]" in result.output  # printed as written, not as terminal markup
    assert "C1 ministers had signed the declaration" in result.output
    assert "source: 'The ministry' (named_organization" in result.output
    assert "cue:    'confirmed'" in result.output
    assert "hedge:  'reportedly' (evidential" in result.output


def test_stdin_jsonl_gives_validated_predictions_with_provenance(schema: Schema) -> None:
    lines = "".join(json.dumps({"id": f"d{i}", "text": TEXT, "meta": {"genre": "wire"}}) + "\n" for i in range(3))
    result = CliRunner().invoke(app, ["predict", "rules", "-"], input=lines)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [r["id"] for r in records] == ["d0", "d1", "d2"]
    for record in records:
        incidents, doc = validate_record(record, schema)
        assert [i.code for i in incidents if i.severity.name == "ERROR"] == []
        assert doc is not None and doc.meta["genre"] == "wire"
        assert set(record["provenance"]) >= {"system", "version", "model_hash", "date", "schema_version"}
    plain = CliRunner().invoke(app, ["predict", "rules", "-"], input="Officials said the bridge may close.\n")
    assert json.loads(plain.stdout.splitlines()[0])["id"] == "stdin"


def test_inputs_name_the_file_line_and_fix(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"id": "x", "text": "One."}\n{"id": "x", "text": "Two."}\n', encoding="utf-8")
    with pytest.raises(ReportedlyError, match=r"a.jsonl:2: document id 'x' is also used by .*a.jsonl:1"):
        read_inputs([tmp_path / "a.jsonl"])
    (tmp_path / "b.jsonl").write_text('{"id": "y", "text": "One."}\n{"id": \n', encoding="utf-8")
    with pytest.raises(ReportedlyError, match=r"b.jsonl:2: invalid JSON"):
        read_inputs([tmp_path / "b.jsonl"])
    with pytest.raises(ReportedlyError, match="no such file"):
        read_inputs([tmp_path / "missing.txt"])
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "note one.txt").write_bytes(b"\xef\xbb\xbfLine one.\r\nLine two.")
    shutil.copy(FIXTURE, tmp_path / "folder" / "minimal.json")
    docs = read_inputs([tmp_path / "folder"])
    assert [d.id for d in docs] == [read_document(FIXTURE).id, "note-one"]
    assert docs[1].text == "Line one.\r\nLine two." and docs[0].spans == ()  # gold spans are not inputs


def test_unknown_system_suggests_the_closest(tmp_path: Path) -> None:
    with pytest.raises(ReportedlyError, match=r"did you mean 'encoder'"):
        load_system("encodr")
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    result = CliRunner().invoke(app, ["predict", "crff", str(tmp_path / "a.txt")])
    assert result.exit_code == 1 and "RPT-SYSTEM-UNKNOWN" in result.output and "'crf'" in result.output


def test_jobs_give_the_same_predictions(schema: Schema) -> None:
    docs = [Document(f"d{i}", TEXT.replace("Tuesday", f"day {i}")) for i in range(7)]
    system = load_system("rules", schema=schema)
    strip = [(d.id, d.spans, d.relations) for d in system.predict(docs)]
    assert [(d.id, d.spans, d.relations) for d in predict_parallel(system.predict, docs, jobs=2)] == strip


def _tiny_corpus(folder: Path) -> Path:
    base = read_document(FIXTURE)
    for number in (1, 2):
        write_document(
            folder / "documents" / f"tiny-{number}.json",
            Document(f"tiny-{number}", base.text, base.meta, base.spans, base.relations, base.provenance),
        )
    (folder / "splits").mkdir()
    (folder / "splits" / "train.txt").write_text("tiny-1\ntiny-2\n", encoding="utf-8")
    (folder / "splits" / "dev.txt").write_text("", encoding="utf-8")
    return folder


def test_train_writes_a_model_folder_that_predict_loads(tmp_path: Path, schema: Schema) -> None:
    corpus = _tiny_corpus(tmp_path / "corpus")
    model = tmp_path / "models" / "crf"
    trained = CliRunner().invoke(app, ["train", "crf", "--corpus", str(corpus), "--out", str(model)])
    assert trained.exit_code == 0, trained.output
    assert "label 4/4" in trained.output and f"-> {model}" in trained.output
    card = json.loads((model / "model.json").read_text(encoding="utf-8"))
    assert card["system"] == "crf" and card["trained_on"]["train"] == 2
    out = tmp_path / "preds.jsonl"
    predicted = CliRunner().invoke(app, ["predict", str(model), str(FIXTURE), "--out", str(out)])
    assert predicted.exit_code == 0, predicted.output
    (doc,) = read_jsonl(out)
    assert doc.provenance["model_hash"] == card["model_hash"] and doc.provenance["system"] == "crf"
    assert {(s.label, s.start, s.end) for s in doc.spans} & {
        (s.label, s.start, s.end) for s in read_document(FIXTURE).spans
    }
    (model / "crf.pkl").write_bytes((model / "crf.pkl").read_bytes() + b"\0")
    with pytest.raises(ReportedlyError, match="weight files have SHA-256"):
        load_system(model, schema=schema)
    missing = CliRunner().invoke(app, ["predict", str(tmp_path), str(FIXTURE)])
    assert missing.exit_code == 1 and "RPT-MODEL-MISSING" in missing.output


@pytest.mark.slow
def test_encoder_resumes_from_its_checkpoint_exactly(tmp_path: Path, schema: Schema) -> None:
    from reportedly.baselines import encoder

    docs = [read_document(p) for p in sorted((_tiny_corpus(tmp_path / "c") / "documents").glob("*.json"))]
    whole = encoder.train(docs, schema, epochs=2, batch_size=1, seed=5, device="cpu")

    def stop_in_epoch_two(progress: object) -> None:
        if getattr(progress, "epoch", 0) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        encoder.train(docs, schema, epochs=2, batch_size=1, seed=5, device="cpu", checkpoints=tmp_path / "ck",
                      resume_key="k", on_progress=stop_in_epoch_two)  # fmt: skip
    assert [p.name for p in (tmp_path / "ck").iterdir()] == ["epoch-001.pt"]
    seen: list[int] = []
    resumed = encoder.train(docs, schema, epochs=2, batch_size=1, seed=5, device="cpu", checkpoints=tmp_path / "ck",
                            resume_key="k", on_progress=lambda p: seen.append(p.resumed_from))  # fmt: skip
    assert seen and set(seen) == {1}
    for name, weights in whole.tagger.state()["encoder"].items():
        assert weights.equal(resumed.tagger.state()["encoder"][name]), name
    fresh = encoder.train(docs, schema, epochs=1, batch_size=1, seed=5, device="cpu", checkpoints=tmp_path / "ck",
                          resume_key="other data")  # fmt: skip
    assert fresh.settings["steps"] == 2  # a checkpoint of other data is not resumed


@pytest.mark.slow
def test_encoder_batched_prediction_equals_one_chunk_at_a_time(schema: Schema) -> None:
    from reportedly.baselines import encoder

    docs = [read_document(FIXTURE), *read_jsonl(ROOT / "tests" / "fixtures" / "valid" / "two.jsonl")]
    model = encoder.train(docs, schema, epochs=1, max_steps=2, seed=3, device="cpu")
    one = model.predict(docs, schema, batch_size=1)
    batched = model.predict(docs, schema, batch_size=16)
    assert [(d.id, d.spans, d.relations) for d in batched] == [(d.id, d.spans, d.relations) for d in one]


def test_readme_shows_predict_and_show_usage() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("reportedly predict rules", "reportedly show", "reportedly train", "studio push inbox/ --predict"):
        assert command in readme, command
    assert re.search(r"!\[[^]]*\]\(docs/images/show\.png\)", readme)
