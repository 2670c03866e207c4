"""One system over several gold corpora: our test split and external corpora (the transfer table).

An external corpus is ``NAME=PATH``, read by what PATH is (docs/corpora.md):

- an ``.xml`` file: CoNLL-2010 / Szeged uncertainty XML (``convert uncertainty-xml``; HEDGE only);
- a folder of brat ``.txt``/``.ann`` files: imported with the bundled mapping called NAME if there
  is one (``polnear``, ``attribution``), else ``attribution``; the annotator separator in the file
  names (``.``, ``_`` or ``-``) is the one that pairs every ``.ann`` with a ``.txt``;
  discontinuous spans are merged; a text annotated by several annotators is scored against the
  first annotator in name order (said in the notes);
- anything else: gold documents (a corpus folder, a document folder or a JSONL file), with the
  labels of its ``corpus.yaml``.

Each corpus is scored on the labels it annotates (its manifest) and the spans track only: one
row per corpus, one column per label, strict and overlap F1 with bootstrap intervals.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportedly.convert.brat import bundled_mappings, import_brat_folder, load_mapping
from reportedly.convert.uncertainty import import_uncertainty_xml
from reportedly.document import Document
from reportedly.incidents import Incident, ReportedlyError
from reportedly.manifest import scope_of
from reportedly.schema import Schema
from reportedly.scoring.evaluate import evaluate
from reportedly.scoring.io import GoldSet, load_gold

SCHEMES = ("strict", "overlap")
SEPARATORS = (".", "_", "-")


@dataclass(frozen=True)
class GoldCorpus:
    name: str
    gold: GoldSet
    labels: tuple[str, ...]
    notes: tuple[str, ...] = ()


@dataclass
class Row:
    corpus: str
    documents: int
    labels: tuple[str, ...]
    scores: dict[str, float | None] = field(default_factory=dict)  # {scheme}_{label|micro}
    ci: dict[str, tuple[float, float] | None] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


@dataclass
class BenchmarkResult:
    system: str
    labels: tuple[str, ...]  # columns: every label of the schema that some corpus has
    rows: list[Row]
    settings: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "labels": list(self.labels),
            "settings": self.settings,
            "rows": [
                {
                    "corpus": r.corpus,
                    "documents": r.documents,
                    "labels": list(r.labels),
                    "scores": r.scores,
                    "ci": {k: list(v) if v else None for k, v in r.ci.items()},
                    "notes": list(r.notes),
                }
                for r in self.rows
            ],
        }


def _fail(message: str, where: str | None = None) -> ReportedlyError:
    return ReportedlyError([Incident("RPT-BENCH-EXTERNAL", message, where)])


def parse_external(spec: str) -> tuple[str, Path]:
    """``NAME=PATH`` (NAME: letters, digits, ``.``, ``_``, ``-``).

    >>> parse_external("polnear=data/polnear")
    ('polnear', PosixPath('data/polnear'))
    """
    name, sep, path = spec.partition("=")
    if not sep or not name or not path or not all(c.isalnum() or c in "._-" for c in name):
        raise _fail(f"--external {spec!r} is not NAME=PATH (e.g. polnear=data/polnear)")
    return name, Path(path)


def _problems(issues: Sequence[Incident], where: str) -> ReportedlyError:
    errors = [i for i in issues if i.is_error]
    shown = "; ".join(i.render() for i in errors[:3])
    return _fail(f"{len(errors)} error(s) reading it: {shown}", where)


def _brat(name: str, folder: Path, schema: Schema) -> GoldCorpus:
    mapping = load_mapping(name if name in bundled_mappings() else "attribution", schema)
    for separator in SEPARATORS:  # the first that pairs every .ann with a .txt (else the last one's errors)
        result = import_brat_folder(folder, schema=schema, mapping=mapping, separator=separator, discontinuous="merge")
        if not any(i.code == "RPT-BRAT-FILES" for i in result.issues):
            break
    if any(i.is_error for i in result.issues):
        raise _problems(result.issues, str(folder))
    chosen: dict[str, tuple[str, Document]] = {}
    for layer in sorted(result.layers, key=lambda item: item.annotator):
        chosen.setdefault(layer.document.id, (layer.annotator, layer.document))
    shared = len(result.layers) - len(chosen)
    notes = [f"brat mapping {mapping.name}"]
    if shared:
        notes.append(f"{shared} layer(s) of texts with several annotators left out: the first annotator's is the gold")
    docs = tuple(doc for _, doc in sorted(chosen.values(), key=lambda item: item[1].id))
    gold = GoldSet(docs, "unversioned", "all", str(folder), scope_of(schema, mapping.corpus_labels))
    return GoldCorpus(name, gold, mapping.corpus_labels, tuple(notes))


def _xml(name: str, file: Path, schema: Schema) -> GoldCorpus:
    result = import_uncertainty_xml(file.read_bytes(), file=str(file), schema_version=schema.version)
    if any(i.is_error for i in result.issues):
        raise _problems(result.issues, str(file))
    skipped = sum(result.skipped.values())
    gold = GoldSet(result.documents, "unversioned", "all", str(file), scope_of(schema, ["HEDGE"]))
    return GoldCorpus(name, gold, ("HEDGE",), (f"uncertainty XML; {skipped} cue(s) that are not hedges left out",))


def load_external(name: str, path: Path, schema: Schema) -> GoldCorpus:
    """One external gold corpus, by what ``path`` is (see the module's docstring)."""
    if not path.exists():
        raise _fail(f"{name}: {path} does not exist", str(path))
    if path.is_file() and path.suffix.lower() == ".xml":
        return _xml(name, path, schema)
    if path.is_dir() and any(path.glob("*.ann")):
        return _brat(name, path, schema)
    gold = load_gold(path, split="all", schema=schema)
    labels = gold.scope.labels if gold.scope is not None else schema.label_names
    return GoldCorpus(name, gold, labels, ("gold documents",))


def benchmark(
    system: Any,
    corpora: Sequence[GoldCorpus],
    schema: Schema,
    *,
    resamples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> BenchmarkResult:
    """Run ``system`` (anything with ``name`` and ``predict(documents)``) on every corpus and score
    it there, each on the labels that corpus annotates."""
    rows = []
    for corpus in corpora:
        predictions = system.predict(corpus.gold.documents)
        result = evaluate(
            corpus.gold,
            predictions,
            schema=schema,
            tracks=["spans"],
            resamples=resamples,
            seed=seed,
            confidence=confidence,
            labels=list(corpus.labels),
            system=system.name,
        )
        row = Row(corpus.name, len(corpus.gold.documents), corpus.labels, notes=corpus.notes)
        for scheme in SCHEMES:
            for table in (*corpus.labels, "micro"):
                key = f"{scheme}_{table}"
                row.scores[key] = result.scores.get(f"spans_{scheme}_{table}_f")
                interval = result.ci.get(f"spans_{scheme}_{table}_f")
                row.ci[key] = (interval.low, interval.high) if interval is not None else None
        rows.append(row)
    present = {label for corpus in corpora for label in corpus.labels}
    labels = tuple(label for label in schema.label_names if label in present)
    settings = {"resamples": resamples, "seed": seed, "confidence": confidence, "tracks": ["spans"]}
    return BenchmarkResult(system.name, labels, rows, settings)


# --- reports ---------------------------------------------------------------------------------


def _cell(row: Row, key: str) -> str:
    value, interval = row.scores.get(key), row.ci.get(key)
    if key not in row.scores:
        return "–"
    if value is None:
        return "n/a"
    return f"{value:.3f}" + (f" [{interval[0]:.3f}, {interval[1]:.3f}]" if interval else "")


def table_rows(result: BenchmarkResult) -> tuple[list[str], list[list[str]]]:
    """Header and cells: corpus, documents, then strict and overlap F1 of each label and micro."""
    columns = [*result.labels, "micro"]
    header = ["corpus", "docs"] + [f"{table} {scheme}" for table in columns for scheme in SCHEMES]
    cells = [
        [r.corpus, str(r.documents)] + [_cell(r, f"{scheme}_{table}") for table in columns for scheme in SCHEMES]
        for r in result.rows
    ]
    return header, cells


def _caption(result: BenchmarkResult) -> str:
    level = round(100 * result.settings["confidence"])
    return (
        f"System {result.system}: span F1 per corpus and label, strict and overlap (eval/README.md), "
        f"{level}% percentile bootstrap intervals over documents ({result.settings['resamples']} resamples, "
        f"seed {result.settings['seed']}); – where the corpus does not annotate the label."
    )


def _notes(result: BenchmarkResult) -> list[str]:
    return [f"{r.corpus}: {note}" for r in result.rows for note in r.notes]


def to_markdown(result: BenchmarkResult) -> str:
    header, cells = table_rows(result)
    lines = [f"# Transfer: {result.system}", "", _caption(result), ""]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * 2 + "---:|" * (len(header) - 2)]
    lines += ["| " + " | ".join(row) + " |" for row in cells]
    return "\n".join([*lines, "", *(f"- {n}" for n in _notes(result))]) + "\n"


def to_text(result: BenchmarkResult) -> str:
    """The table as plain text for a terminal (no markup)."""
    header, cells = table_rows(result)
    widths = [max(len(row[i]) for row in [header, *cells]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in [header, *cells]]
    return "\n".join([_caption(result), "", *lines, "", *_notes(result)]) + "\n"


def to_html(result: BenchmarkResult) -> str:
    header, cells = table_rows(result)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in cells)
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in _notes(result))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Transfer: {html.escape(result.system)}</title>"
        "<style>body{font-family:sans-serif}td,th{padding:4px 8px;border-bottom:1px solid #ddd}"
        "td{text-align:right;font-variant-numeric:tabular-nums}td:first-child{text-align:left}</style></head>"
        f"<body><h1>Transfer: {html.escape(result.system)}</h1><p>{html.escape(_caption(result))}</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table><ul>{notes}</ul></body></html>\n"
    )


def to_json(result: BenchmarkResult) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def ours(corpus: Path, split: str, schema: Schema) -> GoldCorpus:
    """Our corpus's split (every label)."""
    gold = load_gold(corpus, split=split, schema=schema)
    labels = gold.scope.labels if gold.scope is not None else schema.label_names
    return GoldCorpus(f"reportedly ({split})", gold, labels, (f"corpus {gold.corpus_version}, split {split}",))
