"""Publishing: Hub layout, card, Croissant, load_dataset round trip, reproducibility, bad states, push.

Every test builds its own small corpus in tmp_path (the valid fixture plus documents written here,
with emoji, non-ASCII text, a claim across a sentence boundary and a claim nested in a claim); only
the last test looks at the real corpus/, and skips while it has no documents in splits.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from reportedly.cli import app
from reportedly.corpus import Corpus
from reportedly.document import (
    Document,
    Relation,
    Span,
    make_span,
    read_document,
    read_documents,
    read_jsonl,
    write_document,
)
from reportedly.incidents import ReportedlyError
from reportedly.publish import CHECKSUMS, document_from_row, publish, push_to_hub, spans_from_tags, verify_checksums
from reportedly.publish.corpus import markdown_section
from reportedly.publish.dataset import segments, tag_column, token_rows
from reportedly.schema import Schema
from reportedly.sentences import sentences
from reportedly.validate import Severity, check_document

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "valid" / "corpus"
SPLITS = {"train": ["fixture-0001", "news-0004"], "dev": ["news-0002"], "test": ["news-0003"]}
PUBLISHED = {"dev": "validation"}  # corpus/splits/dev.txt is the Hub's "validation" split
HUB_SPLITS = [PUBLISHED.get(s, s) for s in SPLITS]
PARQUET = [
    f"{folder}/{PUBLISHED.get(split, split)}-00000-of-00001.parquet"
    for folder in ("data", "flat", "tokens")
    for split in sorted(SPLITS)
]
README = """# Test corpus

## How the texts were made

Constructed for the publishing tests; people, places and outlets are invented.

## Changelog

- 0.1.0 (2026-11-27): test documents.
"""
runner = CliRunner()


# --- a small corpus -----------------------------------------------------------------------------


def _span(text: str, span_id: str, label: str, phrase: str, nth: int = 0, **attrs: str) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return make_span(text, span_id, label, start, start + len(phrase), **attrs)


def _gold(annotators: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "layer": "gold",
        "annotators": annotators,
        "method": "written for the publishing tests",
        "schema_version": "1.0.0",
        **extra,
    }


def _meta(genre: str, topic: str, title: str) -> dict[str, str]:
    return {
        "title": title,
        "genre": genre,
        "topic": topic,
        "origin": "constructed",
        "lang": "en",
        "license": "CC-BY-4.0",
    }


def news_0002() -> Document:
    """Emoji with a variation selector, accents, curly quotes, a claim running across two
    sentences (so the tokens configuration merges them), a claim nested inside it, a paragraph."""
    text = (
        "Officials in São Paulo said the 🛰️ launch may slip to May. "
        "Zoë Álvarez said the agency “had not decided. It would wait for the weather” before any test.\n\n"
        "The ministry reportedly expects about 3,000 visitors, a report seen by Folha Nova said."
    )
    s = text
    spans = (
        _span(s, "S1", "SOURCE", "Officials in São Paulo", source_type="unnamed_group", anonymity_reason="not_given"),
        _span(s, "U1", "CUE", "said"),
        _span(s, "C1", "CLAIM", "the 🛰️ launch may slip to May", quote="indirect"),
        _span(s, "H1", "HEDGE", "may", hedge_type="modal", holder="source"),
        _span(s, "S2", "SOURCE", "Zoë Álvarez", source_type="named_person", anonymity_reason="not_applicable"),
        _span(s, "U2", "CUE", "said", 1),
        _span(
            s,
            "C2",
            "CLAIM",
            "the agency “had not decided. It would wait for the weather” before any test",
            quote="indirect",
        ),
        _span(s, "C3", "CLAIM", "It would wait for the weather", quote="direct"),
        _span(s, "C4", "CLAIM", "The ministry reportedly expects about 3,000 visitors", quote="none"),
        _span(s, "H2", "HEDGE", "reportedly", hedge_type="evidential", holder="author"),
        _span(s, "H3", "HEDGE", "about", hedge_type="approximator", holder="author"),
        _span(
            s, "S3", "SOURCE", "a report seen by Folha Nova", source_type="document", anonymity_reason="not_applicable"
        ),
        _span(s, "U3", "CUE", "said", 2),
    )
    relations = (
        Relation("attributed_to", "C1", "S1"),
        Relation("introduced_by", "C1", "U1"),
        Relation("hedges", "H1", "C1"),
        Relation("attributed_to", "C2", "S2"),
        Relation("introduced_by", "C2", "U2"),
        Relation("attributed_to", "C3", "S2"),
        Relation("attributed_to", "C4", "S3"),
        Relation("introduced_by", "C4", "U3"),
        Relation("hedges", "H2", "C4"),
        Relation("hedges", "H3", "C4"),
    )
    return Document(
        "news-0002",
        text,
        _meta("wire", "defense", "Launch 🛰️ may slip"),
        spans,
        relations,
        _gold(["a1", "a2", "adj"], adjudicated_items=4),
    )


def news_0003() -> Document:
    text = "Dr. Mei Lin (林美) confirmed that 12 clinics could close 🏥, according to Radio Kōbe."
    spans = (
        _span(text, "S1", "SOURCE", "Dr. Mei Lin", source_type="named_person", anonymity_reason="not_applicable"),
        _span(text, "U1", "CUE", "confirmed"),
        _span(text, "C1", "CLAIM", "12 clinics could close", quote="indirect"),
        _span(text, "H1", "HEDGE", "could", hedge_type="modal", holder="source"),
        _span(text, "U2", "CUE", "according to"),
        _span(text, "S2", "SOURCE", "Radio Kōbe", source_type="media_outlet", anonymity_reason="not_applicable"),
    )
    relations = (
        Relation("attributed_to", "C1", "S1"),
        Relation("introduced_by", "C1", "U1"),
        Relation("hedges", "H1", "C1"),
        Relation("attributed_to", "C1", "S2"),
    )
    return Document(
        "news-0003",
        text,
        _meta("feature", "health", "Clinics"),
        spans,
        relations,
        _gold(["a1", "a2", "adj"], adjudicated_items=0),
    )


def news_0004() -> Document:
    text = "Court calendar: the tribunal sits at 9:00 on Monday.\n\nNo one is quoted here."
    return Document("news-0004", text, _meta("briefing", "courts", "Calendar"), (), (), _gold(["a1"]))


def make_corpus(root: Path, schema: Schema) -> Path:
    shutil.copytree(FIXTURE, root)
    for doc in (news_0002(), news_0003(), news_0004()):
        errors = [i.render() for i in check_document(doc, schema) if i.severity is Severity.ERROR]
        assert not errors, errors
        write_document(root / "documents" / f"{doc.id}.json", doc)
    for split, ids in SPLITS.items():
        (root / "splits" / f"{split}.txt").write_text("".join(f"{i}\n" for i in ids), encoding="utf-8")
    (root / "VERSION").write_text("0.1.0\n", encoding="utf-8")
    (root / "README.md").write_text(README, encoding="utf-8")
    return root


@pytest.fixture
def corpus(tmp_path: Path, schema: Schema) -> Path:
    return make_corpus(tmp_path / "corpus", schema)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, schema: Schema) -> Path:
    """One publish of the test corpus, shared by the read-only tests."""
    base = tmp_path_factory.mktemp("published")
    corpus = make_corpus(base / "corpus", schema)
    publish(corpus, base / "out", schema=schema)
    return base / "out"


def _load(folder: Path, config: str | None, cache: Path) -> Any:
    import datasets

    return datasets.load_dataset(str(folder), config, cache_dir=str(cache))


def _header(card: str) -> dict[str, Any]:
    match = re.match(r"^---\n(.*?)\n---\n", card, re.DOTALL)
    assert match, "the card starts with a YAML header"
    data = yaml.safe_load(match.group(1))
    assert isinstance(data, dict)
    return data


# --- layout and card ----------------------------------------------------------------------------


def test_folder_has_the_hub_layout(published: Path) -> None:
    files = sorted(p.relative_to(published).as_posix() for p in published.rglob("*") if p.is_file())
    assert files == sorted([*PARQUET, "README.md", "croissant.json", CHECKSUMS])
    assert not list(published.parent.glob(".out.*")), "no temporary folder is left behind"


def test_card_header_is_what_datasets_reads(published: Path) -> None:
    from datasets.utils.metadata import MetadataConfigs
    from huggingface_hub import DatasetCard

    card = (published / "README.md").read_text(encoding="utf-8")
    header = _header(card)
    assert header["license"] == "cc-by-4.0"
    assert header["language"] == ["en"]
    assert header["pretty_name"] == "reportedly"
    assert header["task_categories"] == ["token-classification"]
    assert header["size_categories"] == ["n<1K"]
    configs = {c["config_name"]: c for c in header["configs"]}
    assert set(configs) == {"default", "flat", "tokens"}
    assert configs["default"]["default"] is True
    assert configs["flat"]["data_files"] == [{"split": s, "path": f"flat/{s}-*"} for s in HUB_SPLITS]
    infos = {i["config_name"]: i for i in header["dataset_info"]}
    split_sizes = {s["name"]: s["num_examples"] for s in infos["default"]["splits"]}
    assert split_sizes == {"train": 2, "validation": 1, "test": 1}
    assert [f["name"] for f in infos["default"]["features"]] == [
        "id",
        "text",
        "meta",
        "spans",
        "relations",
        "provenance",
    ]
    parsed = DatasetCard(card).data  # huggingface_hub's own parser
    assert MetadataConfigs.from_dataset_card_data(parsed).get_default_config_name() == "default"


def test_card_figures_are_computed(published: Path, schema: Schema) -> None:
    card = (published / "README.md").read_text(encoding="utf-8")
    docs = [news_0002(), news_0003(), news_0004(), read_document(FIXTURE / "documents" / "fixture-0001.json")]
    assert "| documents | 2 | 1 | 1 | 4 |" in card
    claims = sum(1 for d in docs for s in d.spans if s.label == "CLAIM")
    assert f"| CLAIM spans | 2 | 4 | 1 | {claims} |" in card
    from reportedly.sentences import tokens

    total_tokens = sum(len(tokens(d.text)) for d in docs)
    assert f"| tokens | {sum(len(tokens(d.text)) for d in docs if d.id in SPLITS['train'])} |" in card
    assert f"{total_tokens} tokens" in card
    # the nested claim C3 is counted, not silently lost
    assert re.search(r"\| CLAIM \| \d+ \| `claim_tags` \| 1 \| 0 \| 0 \|", card)
    assert "| adj | 2 |" in card and "Disagreements between annotators decided by an adjudicator: 4." in card
    assert "Not available: no agreement file" in card
    assert "Not available: no leaderboard" in card
    assert "Not available: no blind audit" in card and "Not available: no diversity figures" in card
    assert "Constructed for the publishing tests" in card  # copied from the corpus README
    assert "- 0.1.0 (2026-11-27): test documents." in card


def test_card_cites_the_release_with_a_complete_bibtex_entry(published: Path) -> None:
    card = (published / "README.md").read_text(encoding="utf-8")
    entry = card.split("```bibtex\n", 1)[1].split("```", 1)[0]
    fields = dict(re.findall(r"^  (\w+)\s*= \{(.*)\},$", entry, re.MULTILINE))
    assert entry.startswith("@misc{reportedly_0_1_0,")
    assert fields["title"].startswith("reportedly: claims")
    assert fields["year"] == "2026"  # from the changelog entry of 0.1.0
    assert fields["version"] == "0.1.0"
    assert fields["url"] == "https://huggingface.co/datasets/reportedly/reportedly"
    assert "language-model" in fields["note"]
    croissant = json.loads((published / "croissant.json").read_text(encoding="utf-8"))
    assert croissant["url"] == fields["url"]


def test_card_reads_agreement_and_leaderboard(corpus: Path, tmp_path: Path, schema: Schema) -> None:
    agreement = {
        "schema_version": "1.0.0",
        "annotators": ["a1", "a2"],
        "documents": 3,
        "krippendorff_alpha": {"source_type": 0.8125, "quote": None},
        "pairs": [
            {
                "annotators": ["a1", "a2"],
                "documents": 3,
                "spans_strict": {"micro": {"f1": 0.75}},
                "spans_partial": {"micro": {"f1": 0.85}},
                "spans_type": {"micro": {"f1": 0.9}},
                "relations_strict": {"micro": {"f1": 0.5}},
                "relations_lenient": {"micro": {"f1": 0.6}},
                "cohen_kappa": {"source_type": 0.7},
            }
        ],
    }
    (corpus / "agreement.json").write_text(json.dumps(agreement), encoding="utf-8")
    board = tmp_path / "LEADERBOARD.md"
    board.write_text("# Leaderboard\n\n## Spans\n\n| system | F1 |\n|---|---:|\n| rules | 0.412 |\n", encoding="utf-8")
    publish(corpus, tmp_path / "out", schema=schema, leaderboard=board)
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert "| a1–a2 | 3 | 0.750 | 0.850 | 0.900 | 0.500 | 0.600 |" in card
    assert "| SOURCE.source_type | 0.700 | 0.812 |" in card
    assert "### Spans" in card and "| rules | 0.412 |" in card


# --- loading ------------------------------------------------------------------------------------


def test_load_dataset_gives_back_exactly_the_corpus(published: Path, tmp_path: Path) -> None:
    dataset = _load(published, None, tmp_path / "cache")
    expected = {PUBLISHED.get(s, s): len(ids) for s, ids in SPLITS.items()}
    assert {split: len(rows) for split, rows in dataset.items()} == expected
    gold = {d.id: d for d in read_documents(published.parent / "corpus" / "documents")}
    for corpus_split, ids in SPLITS.items():
        split = PUBLISHED.get(corpus_split, corpus_split)
        rows = [document_from_row(row, dataset[split].features) for row in dataset[split]]
        assert [d.id for d in rows] == ids, "rows keep the split-file order"
        for doc in rows:
            assert doc == gold[doc.id]
            assert json.dumps(doc.provenance, sort_keys=True) == json.dumps(gold[doc.id].provenance, sort_keys=True)


def test_flat_configuration(published: Path, tmp_path: Path, schema: Schema) -> None:
    flat = _load(published, "flat", tmp_path / "cache")
    rows = flat["validation"]
    doc = news_0002()
    assert len(rows) == len(doc.spans)
    features = rows.features
    for row, span in zip(rows, doc.spans, strict=True):
        assert (row["doc_id"], row["span_id"], row["start"], row["end"], row["text"]) == (
            doc.id,
            span.id,
            span.start,
            span.end,
            span.text,
        )
        assert features["label"].int2str(row["label"]) == span.label
        for attr in schema.attributes:
            value = row[attr.name]
            assert (features[attr.name].int2str(value) if value is not None else None) == span.attrs.get(attr.name)
        sentence = row["sentence"]
        assert sentence == doc.text[row["sentence_start"] : row["sentence_end"]]
        assert span.text in sentence
    c2 = next(r for r in rows if r["span_id"] == "C2")
    assert "decided." in c2["sentence"] and "before any test." in c2["sentence"], "both sentences of C2"


def test_tokens_configuration(published: Path, tmp_path: Path, schema: Schema) -> None:
    tokens = _load(published, "tokens", tmp_path / "cache")
    doc = news_0002()
    rows = list(tokens["validation"])
    assert len(rows) == len(segments(doc.text, doc.spans)) < len(sentences(doc.text)), "C2's sentences merged"
    features = tokens["validation"].features
    found = []
    for row in rows:
        assert [doc.text[a:b] for a, b in zip(row["token_starts"], row["token_ends"], strict=True)] == row["tokens"]
        tags = {
            label: [features[tag_column(label)].feature.int2str(t) for t in row[tag_column(label)]]
            for label in schema.label_names
        }
        found += spans_from_tags(row, tags)
    expected = sorted(
        {(s.label, s.start, s.end) for s in doc.spans if s.id != "C3"}, key=lambda item: (item[1], -item[2], item[0])
    )
    assert found == expected, "BIO gives back every span but the nested C3"


def test_spans_from_tags_accepts_any_sequence() -> None:
    row = {"token_starts": [0, 4, 8, 12], "token_ends": [3, 7, 11, 15]}
    tags = {"CLAIM": ["I-CLAIM", "I-CLAIM", "O", "B-CLAIM"], "HEDGE": ["B-HEDGE", "B-HEDGE", "I-HEDGE", "O"]}
    assert spans_from_tags(row, tags) == [("CLAIM", 0, 7), ("HEDGE", 0, 3), ("HEDGE", 4, 11), ("CLAIM", 12, 15)]


def test_token_rows_count_what_bio_cannot_hold(schema: Schema) -> None:
    from reportedly.publish.dataset import TokenLoss

    text = "Ministers saidfirmly that talks continue."
    doc = Document(
        "x",
        text,
        spans=(
            make_span(text, "U1", "CUE", 10, 14),  # "said" inside the token "saidfirmly"
            make_span(text, "U2", "CUE", 14, 20),  # "firmly": the same token, already taken
        ),
    )
    loss: dict[str, TokenLoss] = {}
    token_rows(doc, schema, loss)
    assert (loss["CUE"].spans, loss["CUE"].inexact, loss["CUE"].lost) == (2, 1, 1)


def test_load_dataset_in_a_new_process(published: Path, tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import json, sys, time
        start = time.perf_counter()
        import datasets
        out = {}
        for config in ("default", "flat", "tokens"):
            loaded = datasets.load_dataset(sys.argv[1], config, cache_dir=sys.argv[2])
            out[config] = {split: len(rows) for split, rows in loaded.items()}
        out["seconds"] = time.perf_counter() - start
        print(json.dumps(out))
        """
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    done = subprocess.run(
        [sys.executable, "-c", script, str(published), str(tmp_path / "cache")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    assert counts["default"] == {"train": 2, "validation": 1, "test": 1}
    assert counts["flat"] == {"train": 8, "validation": len(news_0002().spans), "test": len(news_0003().spans)}
    assert set(counts["tokens"]) == set(HUB_SPLITS)


# --- reproducibility, checksums, Croissant ----------------------------------------------------------


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_publishing_twice_gives_the_same_bytes(published: Path, tmp_path: Path, schema: Schema) -> None:
    again = tmp_path / "elsewhere" / "second"
    publish(published.parent / "corpus", again, schema=schema)
    first, second = _tree(published), _tree(again)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_checksums_cover_every_file(published: Path, tmp_path: Path) -> None:
    assert verify_checksums(published) == []
    listed = [line.split("  ", 1)[1] for line in (published / CHECKSUMS).read_text().splitlines()]
    assert sorted(listed) == sorted([*PARQUET, "README.md", "croissant.json"])
    if shutil.which("sha256sum"):
        subprocess.run(["sha256sum", "--check", "--quiet", CHECKSUMS], cwd=published, check=True)
    copy = tmp_path / "copy"
    shutil.copytree(published, copy)
    (copy / "README.md").write_text("edited\n", encoding="utf-8")
    (copy / "extra.txt").write_text("x\n", encoding="utf-8")
    problems = verify_checksums(copy)
    assert any("README.md differs" in p for p in problems) and any("extra.txt is not listed" in p for p in problems)


def test_croissant_structure(published: Path) -> None:
    meta = json.loads((published / "croissant.json").read_text(encoding="utf-8"))
    assert meta["@type"] == "sc:Dataset" and meta["conformsTo"] == "http://mlcommons.org/croissant/1.0"
    assert meta["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert meta["version"] == "0.1.0" and meta["datePublished"] == "2026-11-27"
    sums = dict(reversed(line.split("  ", 1)) for line in (published / CHECKSUMS).read_text().splitlines())
    objects = {d["@id"]: d for d in meta["distribution"] if d["@type"] == "cr:FileObject"}
    assert sorted(objects) == sorted(PARQUET)
    for path, obj in objects.items():
        assert obj["sha256"] == sums[path] and obj["encodingFormat"] == "application/x-parquet"
    record_sets = {r["@id"]: r for r in meta["recordSet"]}
    assert set(record_sets) == {"splits", "default", "flat", "tokens"}
    flat_fields = [f["name"] for f in record_sets["flat"]["field"]]
    assert flat_fields[:4] == ["split", "doc_id", "span_id", "label"]


def test_croissant_validates_with_mlcroissant(published: Path) -> None:
    mlc = pytest.importorskip("mlcroissant", reason="mlcroissant is in the dev extra")
    dataset = mlc.Dataset(jsonld=str(published / "croissant.json"))
    assert not dataset.metadata.ctx.issues.errors
    records = list(dataset.records(record_set="flat"))
    expected = sum(len(d.spans) for d in (news_0002(), news_0003(), news_0004())) + 8
    assert len(records) == expected
    splits = {r["flat/split"].decode() for r in records}
    assert splits == set(HUB_SPLITS)


# --- bad states -----------------------------------------------------------------------------------


def _refused(corpus: Path, out: Path, schema: Schema, code: str, **options: Any) -> ReportedlyError:
    with pytest.raises(ReportedlyError) as caught:
        publish(corpus, out, schema=schema, **options)
    assert caught.value.code == code, str(caught.value)
    assert "Fix:" in str(caught.value)
    return caught.value


def test_document_in_no_split(corpus: Path, tmp_path: Path, schema: Schema) -> None:
    (corpus / "splits" / "test.txt").write_text("", encoding="utf-8")
    (corpus / "splits" / "dev.txt").write_text("news-0002\nnews-0003\n", encoding="utf-8")
    lines = (corpus / "splits" / "train.txt").read_text().splitlines()
    (corpus / "splits" / "train.txt").write_text(lines[0] + "\n", encoding="utf-8")
    error = _refused(corpus, tmp_path / "out", schema, "RPT-SPLIT-UNASSIGNED")
    assert "news-0004" in str(error) and "splits" in str(error)
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.glob(".out.*")), "nothing half-written"


def test_split_naming_a_missing_document(corpus: Path, tmp_path: Path, schema: Schema) -> None:
    with (corpus / "splits" / "test.txt").open("a", encoding="utf-8") as handle:
        handle.write("news-9999\n")
    error = _refused(corpus, tmp_path / "out", schema, "RPT-SPLIT-MISSING-DOC")
    assert "news-9999" in str(error) and "test.txt:2" in str(error)


def test_invalid_document_reports_the_validator_codes(corpus: Path, tmp_path: Path, schema: Schema) -> None:
    path = corpus / "documents" / "news-0003.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    record["spans"][0]["end"] += 1
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    error = _refused(corpus, tmp_path / "out", schema, "RPT-PUBLISH-INVALID")
    assert {i.code for i in error.incidents} == {"RPT-OFFSET-MISMATCH"}
    assert "news-0003" in str(error) and "RPT-OFFSET-MISMATCH" in str(error)


def test_output_folder_must_be_empty(published: Path, corpus: Path, tmp_path: Path, schema: Schema) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    _refused(corpus, out, schema, "RPT-PUBLISH-NOT-EMPTY")
    error = _refused(corpus, out, schema, "RPT-PUBLISH-NOT-EMPTY", overwrite=True)
    assert "not an earlier publish output" in str(error)
    assert (out / "notes.txt").read_text() == "mine\n"
    (out / "notes.txt").unlink()
    publish(corpus, out, schema=schema)  # an empty folder is fine
    _refused(corpus, out, schema, "RPT-PUBLISH-NOT-EMPTY")
    publish(corpus, out, schema=schema, overwrite=True)  # an earlier output is replaced
    assert _tree(out) == _tree(published)
    assert not list(tmp_path.glob(".out.*"))


@pytest.mark.parametrize(
    ("change", "code", "named"),
    [
        (lambda c: (c / "splits" / "dev.txt").unlink(), "RPT-PUBLISH-SPLIT-FILE", "dev.txt"),
        (lambda c: (c / "VERSION").write_text("one\n"), "RPT-PUBLISH-VERSION", "VERSION"),
        (lambda c: (c / "VERSION").write_text("0.2.0\n"), "RPT-PUBLISH-CHANGELOG", "0.2.0"),
        (lambda c: _edit(c, "news-0003", provenance={"notes": "x"}), "RPT-PUBLISH-UNREPRESENTABLE", "notes"),
        (
            lambda c: _edit(c, "news-0003", provenance={"adjudicated_items": "3"}),
            "RPT-PUBLISH-UNREPRESENTABLE",
            "adjudicated_items",
        ),
        (lambda c: _edit(c, "news-0003", meta={"origin": "user_supplied"}), "RPT-PUBLISH-ORIGIN", "news-0003"),
        (lambda c: _edit(c, "news-0003", meta={"license": "CC0-1.0"}), "RPT-PUBLISH-LICENSE", "CC0-1.0"),
        (lambda c: (c / "splits" / "test.txt").write_text("# nothing yet\n"), "RPT-PUBLISH-EMPTY", "test.txt"),
        (lambda c: (c / "agreement.json").write_text("{"), "RPT-PUBLISH-INPUT", "agreement.json"),
    ],
    ids=[
        "split-file",
        "version",
        "changelog",
        "provenance-key",
        "provenance-type",
        "origin",
        "license",
        "empty-split",
        "agreement-json",
    ],
)
def test_other_refusals(corpus: Path, tmp_path: Path, schema: Schema, change: Any, code: str, named: str) -> None:
    if code == "RPT-PUBLISH-EMPTY":  # its documents must still be in a split
        (corpus / "splits" / "dev.txt").write_text("news-0002\nnews-0003\n", encoding="utf-8")
    change(corpus)
    error = _refused(corpus, tmp_path / "out", schema, code)
    assert named in str(error)
    assert not (tmp_path / "out").exists()


def _edit(corpus: Path, doc_id: str, **updates: dict[str, Any]) -> None:
    path = corpus / "documents" / f"{doc_id}.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    for part, values in updates.items():
        record[part].update(values)
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def test_a_split_without_spans_is_left_out_of_flat(corpus: Path, tmp_path: Path, schema: Schema) -> None:
    (corpus / "splits" / "test.txt").write_text("news-0004\n", encoding="utf-8")
    (corpus / "splits" / "train.txt").write_text("fixture-0001\nnews-0003\n", encoding="utf-8")
    publish(corpus, tmp_path / "out", schema=schema)
    assert not (tmp_path / "out" / "flat" / "test-00000-of-00001.parquet").exists()
    flat = _load(tmp_path / "out", "flat", tmp_path / "cache")
    assert set(flat) == {"train", "validation"}
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert re.search(r"\| `flat` \| .* \| \d+ \| \d+ \| 0 \| \d+ \|", card)


# --- command line and corpus README ---------------------------------------------------------------


def test_cli_publish_and_readme_section(corpus: Path, tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# x\n\n<!-- BEGIN GENERATED: splits -->\n<!-- END GENERATED: splits -->\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["publish", "--corpus", str(corpus), "--out", str(out), "--readme", str(readme)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "default: train 2, validation 1, test 1" in result.output
    assert "| documents | 2 | 1 | 1 | 4 |" in readme.read_text(encoding="utf-8")
    again = runner.invoke(app, args)
    assert again.exit_code == 1
    assert "RPT-PUBLISH-NOT-EMPTY" in again.output and "--overwrite" in again.output
    assert runner.invoke(app, [*args, "--overwrite", "--url", "https://example.org/reportedly"]).exit_code == 0
    assert "url     = {https://example.org/reportedly}," in (out / "README.md").read_text(encoding="utf-8")


def test_cli_refuses_bad_readme_before_writing(corpus: Path, tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# no markers\n", encoding="utf-8")
    result = runner.invoke(
        app, ["publish", "--corpus", str(corpus), "--out", str(tmp_path / "out"), "--readme", str(readme)]
    )
    assert result.exit_code == 1 and "RPT-GENERATED-MARKERS" in result.output
    assert not (tmp_path / "out").exists()


def test_using_the_data_examples_run(published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Python blocks of corpus/README.md's "Using the data" section, run on a published folder."""
    import datasets

    section = markdown_section((ROOT / "corpus" / "README.md").read_text(encoding="utf-8"), "Using the data")
    assert section is not None
    blocks = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    assert len(blocks) >= 3
    gold = {d.id: d for d in read_documents(published.parent / "corpus" / "documents")}

    def my_model(text: str) -> list[tuple[str, int, int]]:
        return [(s.label, s.start, s.end) for d in gold.values() if d.text == text for s in d.spans]

    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path / "cache")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"my_model": my_model}
    for block in blocks:
        exec(compile(block.replace('"DIR"', repr(str(published))), "corpus/README.md", "exec"), namespace)
    written = read_jsonl(tmp_path / "my-model.test.jsonl", texts={d.id: d.text for d in gold.values()})
    assert [d.id for d in written] == SPLITS["test"]
    assert [(s.label, s.start, s.end) for s in written[0].spans] == [
        (s.label, s.start, s.end) for s in gold["news-0003"].spans
    ]


# --- push to the Hub ------------------------------------------------------------------------------


class RecordingApi:
    """Stands in for huggingface_hub.HfApi: records the calls, uploads nothing."""

    def __init__(self, fail_with: Exception | None = None) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self.fail_with = fail_with

    def create_repo(self, repo_id: str, **kwargs: Any) -> str:
        self.calls.append(("create_repo", (repo_id,), kwargs))
        return f"https://huggingface.co/datasets/{repo_id}"

    def upload_folder(self, **kwargs: Any) -> Any:
        self.calls.append(("upload_folder", (), kwargs))
        if self.fail_with is not None:
            raise self.fail_with
        return type("Commit", (), {"commit_url": "https://huggingface.co/datasets/org/x/commit/abc"})()


def test_push_to_hub_up_to_the_upload(published: Path) -> None:
    api = RecordingApi()
    url = push_to_hub(published, "org/reportedly", version="0.1.0", token="hf_secret", api=api)
    assert url.endswith("/commit/abc")
    (name, args, create), (upload_name, _, upload) = api.calls
    assert (name, args, upload_name) == ("create_repo", ("org/reportedly",), "upload_folder")
    assert create == {"repo_type": "dataset", "private": False, "exist_ok": True, "token": "hf_secret"}
    assert upload["repo_id"] == "org/reportedly" and upload["repo_type"] == "dataset"
    assert Path(upload["folder_path"]) == published and upload["token"] == "hf_secret"
    assert "0.1.0" in upload["commit_message"]


def test_push_needs_a_token_and_an_intact_folder(
    published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = RecordingApi()
    with pytest.raises(ReportedlyError) as caught:
        push_to_hub(published, "org/x", version="0.1.0", api=api, token_source=lambda: None)
    assert caught.value.code == "RPT-PUBLISH-NO-TOKEN" and "HF_TOKEN" in str(caught.value)
    # the default source: no HF_TOKEN and no cached login
    import huggingface_hub.constants

    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_OIDC_RESOURCE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_TOKEN_PATH", str(tmp_path / "no-token"))
    with pytest.raises(ReportedlyError) as caught:
        push_to_hub(published, "org/x", version="0.1.0", api=api)
    assert caught.value.code == "RPT-PUBLISH-NO-TOKEN"
    assert api.calls == []
    copy = tmp_path / "copy"
    shutil.copytree(published, copy)
    (copy / "croissant.json").write_text("{}\n", encoding="utf-8")
    with pytest.raises(ReportedlyError) as caught:
        push_to_hub(copy, "org/x", version="0.1.0", token="hf_secret", api=api)
    assert caught.value.code == "RPT-PUBLISH-CHECKSUM"


def test_upload_errors_never_show_the_token(published: Path) -> None:
    api = RecordingApi(fail_with=RuntimeError("401 for token hf_secret"))
    with pytest.raises(ReportedlyError) as caught:
        push_to_hub(published, "org/x", version="0.1.0", token="hf_secret", api=api)
    assert caught.value.code == "RPT-PUBLISH-UPLOAD"
    assert "hf_secret" not in str(caught.value) and "<token>" in str(caught.value)


def test_cli_push_reads_the_token_from_the_environment(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import huggingface_hub

    recorded = RecordingApi()
    monkeypatch.setattr(huggingface_hub, "HfApi", lambda: recorded)
    monkeypatch.setenv("HF_TOKEN", "hf_from_env_123")
    result = runner.invoke(
        app, ["publish", "--corpus", str(corpus), "--out", str(tmp_path / "out"), "--push-to-hub", "org/reportedly"]
    )
    assert result.exit_code == 0, result.output
    assert "hf_from_env_123" not in result.output
    assert [c[0] for c in recorded.calls] == ["create_repo", "upload_folder"]
    assert recorded.calls[1][2]["token"] == "hf_from_env_123"
    meta = json.loads((tmp_path / "out" / "croissant.json").read_text(encoding="utf-8"))
    assert meta["url"] == "https://huggingface.co/datasets/org/reportedly"


# --- the real corpus ------------------------------------------------------------------------------


def test_publish_the_real_corpus(tmp_path: Path, schema: Schema) -> None:
    real = ROOT / "corpus"
    listed = [i for ids in Corpus(real).splits.values() for i in ids]
    if not listed:
        pytest.skip("corpus/splits/ lists no document yet (the annotation round is producing them)")
    start = time.perf_counter()
    publish(real, tmp_path / "out", schema=schema)
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert "per 100 spans" in card.split("## Audit of the gold", 1)[1].split("\n## ", 1)[0]
    assert "| genres |" in card.split("## Diversity", 1)[1].split("\n## ", 1)[0]
    dataset = _load(tmp_path / "out", None, tmp_path / "cache")
    corpus_split = {PUBLISHED.get(s, s): s for s in Corpus(real).splits}
    for split, rows in dataset.items():
        ids = list(Corpus(real).splits[corpus_split[split]])
        assert len(rows) == len(ids)
        for row, doc_id in zip(rows, ids, strict=True):
            assert document_from_row(row, rows.features) == read_document(real / "documents" / f"{doc_id}.json")
    assert time.perf_counter() - start < 300
