"""Reports rendered from one :class:`EvalResult`: JSON (machine), Markdown (tables).

The Markdown and the HTML page share :func:`tables`, so they always show the same numbers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reportedly.scoring.attributes import MISSING
from reportedly.scoring.profile import MEASURES
from reportedly.scoring.relations import MODES
from reportedly.scoring.result import HEADLINE, EvalResult, Interval
from reportedly.scoring.spans import CATEGORIES, SCHEMES

_NUMBER = re.compile(r"^(-?\d[\d.]*( \[.*\])?|\[.*\]|–|)$")
COMPARED = (
    "spans_strict_micro_f",
    "spans_exact_micro_f",
    "spans_partial_micro_f",
    "spans_type_micro_f",
    "spans_strict_macro_f",
    "attrs_joint_f",
    "rels_strict_micro_f",
    "rels_lenient_micro_f",
    "profile_unnamed_source_mae",
    "profile_unattributed_mae",
    "profile_hedges_per_claim_mae",
)


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


def to_json(result: EvalResult) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def fmt_ci(value: Interval | None) -> str:
    return "–" if value is None else f"[{value.low:.3f}, {value.high:.3f}]"


def _labels(result: EvalResult, prefix: str, suffix: str) -> list[str]:
    """Table names found among the score keys ``{prefix}{name}{suffix}`` (micro and macro first)."""
    names = [k[len(prefix) : -len(suffix)] for k in result.scores if k.startswith(prefix) and k.endswith(suffix)]
    head = [n for n in ("micro", "macro") if n in names]
    return head + sorted(n for n in names if n not in head)


def span_table(
    result: EvalResult,
    scores: Mapping[str, float | None],
    ci: Mapping[str, Interval | None],
    counts: Mapping[str, int],
    title: str = "Spans",
) -> Table | None:
    rows = []
    for scheme in SCHEMES:
        prefix = f"spans_{scheme.value}_"
        for name in _labels(result, prefix, "_f"):
            key = f"{prefix}{name}"
            cells = [str(counts.get(f"{key}_{c}", "")) if name != "macro" else "" for c in CATEGORIES]
            rows.append(
                (
                    scheme.value,
                    name,
                    fmt(scores.get(f"{key}_p")),
                    fmt(scores.get(f"{key}_r")),
                    fmt(scores.get(f"{key}_f")),
                    fmt_ci(ci.get(f"{key}_f")),
                    *cells,
                )
            )
    if not rows:
        return None
    return Table(
        title,
        ("scheme", "table", "P", "R", "F1", "F1 95% CI", "COR", "INC", "PAR", "MIS", "SPU"),
        tuple(rows),
        "micro pairs spans across labels (a wrong label is INC in strict and type); "
        "per-label tables pair spans of that label only (a wrong label is MIS + SPU).",
    )


def tables(result: EvalResult) -> list[Table]:
    out: list[Table] = []
    s, ci, counts = result.scores, result.ci, result.counts
    spans = span_table(result, s, ci, counts)
    if spans:
        out.append(spans)
    attrs = sorted({k[len("attrs_") : -len("_acc")] for k in s if k.startswith("attrs_") and k.endswith("_acc")})
    if attrs:
        rows = [
            (
                a,
                fmt(s.get(f"attrs_{a}_acc")),
                fmt_ci(ci.get(f"attrs_{a}_acc")),
                fmt(s.get(f"attrs_{a}_macro_f")),
                fmt_ci(ci.get(f"attrs_{a}_macro_f")),
                fmt(s.get(f"attrs_{a}_joint_p")),
                fmt(s.get(f"attrs_{a}_joint_r")),
                fmt(s.get(f"attrs_{a}_joint_f")),
            )
            for a in attrs
        ]
        rows.append(
            (
                "(all attributes)",
                "",
                "",
                "",
                "",
                fmt(s.get("attrs_joint_p")),
                fmt(s.get("attrs_joint_r")),
                fmt(s.get("attrs_joint_f")),
            )
        )
        headers = ("attribute", "accuracy", "95% CI", "macro-F1", "95% CI", "joint P", "joint R", "joint F1")
        note = "accuracy and macro-F1 over gold spans matched strictly; joint = span strict and value right."
        out.append(Table("Attributes", headers, tuple(rows), note))
    rel_rows = []
    for mode in MODES:
        prefix = f"rels_{mode}_"
        for name in _labels(result, prefix, "_f"):
            key = f"{prefix}{name}"
            cells = [str(counts.get(f"{key}_{c}", "")) if name != "macro" else "" for c in ("cor", "act", "pos")]
            rel_rows.append(
                (
                    mode,
                    name,
                    fmt(s.get(f"{key}_p")),
                    fmt(s.get(f"{key}_r")),
                    fmt(s.get(f"{key}_f")),
                    fmt_ci(ci.get(f"{key}_f")),
                    *cells,
                )
            )
    if rel_rows:
        out.append(
            Table(
                "Relations",
                ("mode", "relation", "P", "R", "F1", "F1 95% CI", "correct", "predicted", "gold"),
                tuple(rel_rows),
            )
        )
    prof = [
        (
            m,
            fmt(s.get(f"profile_{m}_mae")),
            fmt_ci(ci.get(f"profile_{m}_mae")),
            fmt(s.get(f"profile_{m}_spearman")),
            fmt_ci(ci.get(f"profile_{m}_spearman")),
        )
        for m in MEASURES
        if f"profile_{m}_mae" in s
    ]
    if prof:
        out.append(
            Table(
                "Profile",
                ("measure", "MAE", "95% CI", "Spearman", "95% CI"),
                tuple(prof),
                "per document; MAE against the gold and rank correlation across documents.",
            )
        )
    if result.slices:
        keys = (
            "spans_strict_micro_f",
            "spans_type_micro_f",
            "attrs_joint_f",
            "rels_strict_micro_f",
            "rels_lenient_micro_f",
        )
        rows_slices = [
            (name, str(sl.documents), *(f"{fmt(sl.scores.get(k))} {fmt_ci(sl.ci.get(k))}".strip() for k in keys))
            for name, sl in sorted(result.slices.items())
        ]
        out.append(
            Table(
                "Slices",
                ("slice", "documents", *keys),
                tuple(rows_slices),
                "a matched item counts in the slice of its gold item; an unmatched prediction in its own.",
            )
        )
    if result.comparison is not None:
        c = result.comparison
        rows_cmp = [
            (
                k,
                fmt(s.get(k)),
                fmt(c.scores.get(k)),
                fmt(c.diff.get(k)),
                fmt_ci(c.diff_ci.get(k)),
                fmt(c.p_bootstrap.get(k), 4),
                fmt(c.p_randomization.get(k), 4),
            )
            for k in COMPARED
            if k in s
        ]
        out.append(
            Table(
                f"{result.system} vs {c.other}",
                (
                    "metric",
                    result.system,
                    c.other,
                    "difference",
                    "95% CI of difference",
                    "p (bootstrap)",
                    "p (randomisation)",
                ),
                tuple(rows_cmp),
                f"test: {c.test}; unit: {c.unit}; B = {c.resamples} resamples, R = {c.trials} trials.",
            )
        )
    return out


def source_confusion(result: EvalResult) -> tuple[list[str], list[str], list[list[int]]] | None:
    """Gold source types (rows) x predicted source types (columns) over strictly matched spans."""
    prefix = "attrs_source_type_"
    values = [
        k[len(prefix) :].rsplit("_f", 1)[0]
        for k in result.scores  # schema order
        if k.startswith(prefix) and k.endswith("_f") and not k.endswith(("_macro_f", "_joint_f"))
    ]
    gold = [v for v in values if v != MISSING]
    if not gold:
        return None
    pred = [*gold, MISSING]
    matrix = [[result.counts.get(f"{prefix}{g}_{p}", 0) for p in pred] for g in gold]
    return gold, pred, matrix


def _md_table(table: Table) -> list[str]:
    lines = [f"## {table.title}", ""]
    if table.note:
        lines += [table.note, ""]
    lines.append("| " + " | ".join(table.headers) + " |")
    numeric = [all(_NUMBER.match(row[i]) for row in table.rows) for i in range(len(table.headers))]
    lines.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in table.rows]
    return [*lines, ""]


def header_lines(result: EvalResult) -> list[str]:
    v, st = result.versions, result.settings
    head = result.headline
    return [
        f"System **{result.system}** on {st.get('documents')} documents (split {st.get('split')}).",
        "",
        f"Headline: strict span micro-F1 (`{HEADLINE}`) = **{fmt(head)}** {fmt_ci(result.ci.get(HEADLINE))}",
        "",
        f"corpus {v.corpus} · schema {v.schema} · scorer {v.scorer} · git {v.git or 'unknown'} · "
        f"{st.get('resamples')} bootstrap resamples, seed {st.get('seed')}, {st.get('confidence')} intervals",
    ]


def to_markdown(result: EvalResult) -> str:
    lines = [f"# reportedly evaluation: {result.system}", "", *header_lines(result), ""]
    for table in tables(result):
        lines += _md_table(table)
    if result.warnings:
        lines += ["## Warnings", ""] + [f"- {w.render()}" for w in result.warnings] + [""]
    return "\n".join(lines).rstrip() + "\n"


def headline_rows(result: EvalResult) -> Sequence[tuple[str, str, str]]:
    """A short summary for the terminal: one row per track's headline metric."""
    keys = (
        "spans_strict_micro_f",
        "spans_exact_micro_f",
        "spans_partial_micro_f",
        "spans_type_micro_f",
        "attrs_joint_f",
        "rels_strict_micro_f",
        "rels_boundary_micro_f",
        "rels_lenient_micro_f",
        "profile_unnamed_source_mae",
        "profile_unattributed_mae",
        "profile_hedges_per_claim_mae",
    )
    return [(k, fmt(result.scores.get(k)), fmt_ci(result.ci.get(k))) for k in keys if k in result.scores]
