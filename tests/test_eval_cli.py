"""``reportedly eval`` end to end: the gold against itself prints F1 = 1.0 everywhere, reports are
written, input problems exit 1 with their code."""

from __future__ import annotations

import json
import re
from pathlib import Path

from test_scoring_fixtures import gold_documents, perturbed
from typer.testing import CliRunner

from reportedly.cli import app
from reportedly.document import Document, write_document, write_jsonl

runner = CliRunner()


def _corpus(root: Path, docs: list[Document]) -> Path:
    for doc in docs:
        write_document(root / "documents" / f"{doc.id}.json", doc)
    (root / "splits").mkdir(parents=True, exist_ok=True)
    (root / "splits" / "test.txt").write_text("\n".join(d.id for d in docs) + "\n", encoding="utf-8")
    return root


def _tables(markdown: str) -> dict[str, list[dict[str, str]]]:
    """Markdown tables by section title, as lists of {header: cell}."""
    out: dict[str, list[dict[str, str]]] = {}
    title, headers = "", []
    for line in markdown.splitlines():
        if line.startswith("## "):
            title, headers = line[3:], []
            out[title] = []
        elif line.startswith("|") and not line.startswith("|---"):
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            if not headers:
                headers = cells
            else:
                out[title].append(dict(zip(headers, cells, strict=True)))
    return out


def test_gold_against_itself_prints_one_everywhere(tmp_path: Path) -> None:
    gold = gold_documents()
    corpus = _corpus(tmp_path / "corpus", gold)
    pred = tmp_path / "gold.jsonl"
    write_jsonl(pred, gold)
    result = runner.invoke(app, ["eval", str(pred), "--gold", str(corpus), "-B", "200"])
    assert result.exit_code == 0, result.output
    tables = _tables(result.stdout)
    assert {"Spans", "Attributes", "Relations", "Profile", "Slices"} <= set(tables)
    checked = 0
    for title, columns in (
        ("Spans", ("P", "R", "F1")),
        ("Relations", ("P", "R", "F1")),
        ("Attributes", ("accuracy", "macro-F1", "joint P", "joint R", "joint F1")),
        ("Profile", ("Spearman",)),
    ):
        for row in tables[title]:
            for column in columns:
                assert row[column] in ("1.000", "–", ""), (title, row)
                checked += row[column] == "1.000"
    for row in tables["Spans"]:
        assert row["F1 95% CI"] == "[1.000, 1.000]", row
    for row in tables["Profile"]:
        assert row["MAE"] == "0.000"
    assert checked > 100
    assert "**1.000**" in result.stdout


def test_out_writes_three_reports_and_vs_adds_a_comparison(tmp_path: Path) -> None:
    gold = gold_documents()
    corpus = _corpus(tmp_path / "corpus", gold)
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_jsonl(a, gold)
    write_jsonl(b, perturbed(gold))
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "eval",
            str(a),
            "--gold",
            str(corpus),
            "--vs",
            str(b),
            "--out",
            str(out),
            "-B",
            "100",
            "--tracks",
            "spans,relations",
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["docs", "report.html", "report.json", "report.md"]
    links = re.findall(r'href="(docs/[^"]+\.html)"', (out / "report.html").read_text(encoding="utf-8"))
    assert links and all((out / link).is_file() for link in links)  # a gold-vs-prediction view per worst document
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert sorted(data) == [
        "ci",
        "comparison",
        "counts",
        "format",
        "headline",
        "profile_points",
        "scores",
        "settings",
        "slices",
        "system",
        "versions",
        "warnings",
    ]
    assert sorted(data["versions"]) == ["corpus", "git", "schema", "scorer"]
    assert data["settings"]["tracks"] == ["spans", "relations"]
    assert not any(k.startswith(("attrs_", "profile_")) for k in data["scores"])
    comparison = data["comparison"]
    assert comparison["other"] == "perturbed" and comparison["unit"] == "document" and comparison["resamples"] == 100
    assert comparison["diff"]["spans_strict_micro_f"] > 0
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "vs perturbed" in markdown and "p (randomisation)" in markdown and "B = 100" in markdown
    assert re.search(r"spans_strict_micro_f = 1\.000", result.stdout)


def test_input_problems_exit_one_with_their_code(tmp_path: Path) -> None:
    gold = gold_documents()
    corpus = _corpus(tmp_path / "corpus", gold)
    pred = tmp_path / "pred.jsonl"
    pred.write_text('{"id": "nope", "spans": [], "relations": []}\n', encoding="utf-8")
    result = runner.invoke(app, ["eval", str(pred), "--gold", str(corpus), "-B", "0"])
    assert result.exit_code == 1
    assert "RPT-PRED-UNKNOWN-DOC" in result.output and f"{pred}:1" in result.output.replace("\n", "")
    result = runner.invoke(app, ["eval", str(pred), "--gold", str(corpus), "--format", "pdf"])
    assert result.exit_code == 1 and "RPT-EVAL-OPTION" in result.output
