"""Hand-computed golden cases (tests/golden/scorer-<version>/*.json): each file states the input,
why the expected numbers are what they are, and the counts and scores the scorer must give.

The folder is named by the scorer's major version; a change of any expected number needs a new
SCORER_VERSION and a new folder.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from reportedly.document import Document, Relation, make_span
from reportedly.schema import Schema
from reportedly.scoring import SCORER_VERSION
from reportedly.scoring.evaluate import evaluate

GOLDEN = Path(__file__).parent / "golden" / f"scorer-{SCORER_VERSION.split('.')[0]}"
CASES = sorted(GOLDEN.glob("*.json"))


def _document(side: dict[str, Any], text: str, shuffle: random.Random | None = None) -> Document:
    spans = [make_span(text, sid, label, start, end) for sid, label, start, end in side["spans"]]
    relations = [Relation(label, head, tail) for label, head, tail in side["relations"]]
    if shuffle:
        shuffle.shuffle(spans)
        shuffle.shuffle(relations)
    return Document("case", text, spans=tuple(spans), relations=tuple(relations))


def _run(case: dict[str, Any], schema: Schema, shuffle: random.Random | None = None) -> Any:
    ends = [s[3] for side in ("gold", "pred") for s in case[side]["spans"]]
    text = "".join(chr(ord("a") + k % 26) for k in range(max(ends) + 5))
    gold = _document(case["gold"], text, shuffle)
    pred = _document(case["pred"], text, shuffle)
    return evaluate([gold], [pred], schema=schema, tracks=["spans", "relations"], resamples=0)


def test_golden_cases_exist() -> None:
    assert len(CASES) >= 6, GOLDEN


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden_case(path: Path, schema: Schema) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    for seed in (None, 1, 2, 3):  # as written, then with spans and relations listed in other orders
        result = _run(case, schema, random.Random(seed) if seed is not None else None)
        for key, expected in case["expected"]["counts"].items():
            assert result.counts[key] == expected, (path.stem, seed, key)
        for key, expected in case["expected"]["scores"].items():
            got = result.scores[key]
            if expected is None:
                assert got is None, (path.stem, seed, key, got)
            else:
                assert got == pytest.approx(expected, abs=1e-12), (path.stem, seed, key)
