"""A self-contained HTML report: the Markdown tables plus inline SVG plots (no scripts, no CDN).

Plots: per-label strict F1 with confidence-interval bars, the confusion matrix of source types
over strictly matched SOURCE spans, and per-document profile scatter plots (gold vs predicted).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from reportedly.scoring.profile import MEASURES
from reportedly.scoring.report import Table, fmt, header_lines, source_confusion, tables
from reportedly.scoring.result import EvalResult

_CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222; padding: 0 1em; }
table { border-collapse: collapse; margin: .5em 0 1.5em; }
th, td { border-bottom: 1px solid #ddd; padding: .25em .6em; text-align: right; }
th:first-child, td:first-child, th:nth-child(2), td:nth-child(2) { text-align: left; }
.note { color: #555; font-size: 90%; }
.plots { display: flex; flex-wrap: wrap; gap: 2em; }
figure { margin: 0; }
svg text { font: 11px system-ui, sans-serif; }
"""


def _table(table: Table) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in table.headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in table.rows)
    note = f'<p class="note">{escape(table.note)}</p>' if table.note else ""
    return f"<h2>{escape(table.title)}</h2>{note}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def f1_plot(result: EvalResult) -> str:
    """Horizontal bars of strict F1 per label (and micro/macro) with CI whiskers."""
    names = [k[len("spans_strict_") : -2] for k in result.scores if k.startswith("spans_strict_") and k.endswith("_f")]
    names = [n for n in ("micro", "macro") if n in names] + sorted(n for n in names if n not in ("micro", "macro"))
    if not names:
        return ""
    left, width, row = 90, 300, 22
    height = row * len(names) + 40
    parts = [
        f'<svg id="plot-f1" xmlns="http://www.w3.org/2000/svg" width="{left + width + 60}" height="{height}"'
        f' role="img" aria-label="strict F1 per label with 95% confidence intervals">'
    ]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = left + tick * width
        parts.append(f'<line x1="{x:.1f}" y1="10" x2="{x:.1f}" y2="{height - 25}" stroke="#eee"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle">{tick:g}</text>')
    for i, name in enumerate(names):
        y = 12 + i * row
        value = result.scores.get(f"spans_strict_{name}_f")
        parts.append(f'<text x="{left - 6}" y="{y + 12}" text-anchor="end">{escape(name)}</text>')
        if value is not None:
            parts.append(
                f'<rect x="{left}" y="{y + 2}" width="{value * width:.1f}" height="{row - 8}" '
                f'fill="#2f6fde"><title>{escape(name)}: {fmt(value)}</title></rect>'
            )
            parts.append(f'<text x="{left + width + 8}" y="{y + 12}">{fmt(value)}</text>')
        ci = result.ci.get(f"spans_strict_{name}_f")
        if ci is not None:
            x1, x2, mid = left + ci.low * width, left + ci.high * width, y + row / 2 - 1
            parts.append(f'<line x1="{x1:.1f}" y1="{mid:.1f}" x2="{x2:.1f}" y2="{mid:.1f}" stroke="#111"/>')
            for x in (x1, x2):
                parts.append(f'<line x1="{x:.1f}" y1="{mid - 4:.1f}" x2="{x:.1f}" y2="{mid + 4:.1f}" stroke="#111"/>')
    parts.append("</svg>")
    return "<figure>" + "".join(parts) + "<figcaption>strict F1 per label, 95% CI</figcaption></figure>"


def confusion_plot(result: EvalResult) -> str:
    found = source_confusion(result)
    if found is None:
        return ""
    gold, pred, matrix = found
    cell, left, top = 34, 130, 120
    peak = max((max(r) for r in matrix), default=0) or 1
    w, h = left + cell * len(pred) + 10, top + cell * len(gold) + 10
    parts = [
        f'<svg id="plot-confusion" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img"'
        ' aria-label="confusion matrix of source types">'
    ]
    for j, name in enumerate(pred):
        x = left + j * cell + cell / 2
        parts.append(f'<text transform="translate({x:.1f},{top - 6}) rotate(-55)">{escape(name)}</text>')
    for i, name in enumerate(gold):
        y = top + i * cell
        parts.append(f'<text x="{left - 6}" y="{y + cell / 2 + 4:.1f}" text-anchor="end">{escape(name)}</text>')
        for j, count in enumerate(matrix[i]):
            shade = int(255 - 200 * count / peak)
            fill = f"rgb({shade},{shade},255)"
            x = left + j * cell
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{fill}">'
                f"<title>gold {escape(name)}, predicted {escape(pred[j])}: {count}</title></rect>"
            )
            parts.append(
                f'<text x="{x + cell / 2 - 1:.1f}" y="{y + cell / 2 + 3:.1f}" text-anchor="middle">{count}</text>'
            )
    parts.append("</svg>")
    caption = "source types: gold (rows) vs predicted (columns), strictly matched SOURCE spans"
    return "<figure>" + "".join(parts) + f"<figcaption>{caption}</figcaption></figure>"


def profile_plot(result: EvalResult, measure: str) -> str:
    points = result.profile_points.get(measure)
    if not points:
        return ""
    gold: list[float] = list(points["gold"])
    pred: list[float] = list(points["pred"])
    docs: list[str] = list(points["documents"])
    top_value = max([1.0, *gold, *pred])
    size, pad = 220, 30

    def pos(v: float) -> float:
        return pad + v / top_value * (size - 2 * pad)

    parts = [
        f'<svg id="plot-profile-{measure}" xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}"'
        f' role="img" aria-label="profile {measure}: gold vs predicted per document">',
        f'<rect x="{pad}" y="{pad}" width="{size - 2 * pad}" height="{size - 2 * pad}" fill="none" stroke="#ccc"/>',
        f'<line x1="{pad}" y1="{size - pad}" x2="{size - pad}" y2="{pad}" stroke="#bbb" stroke-dasharray="4 3"/>',
        f'<text x="{size / 2}" y="{size - 6}" text-anchor="middle">gold</text>',
        f'<text transform="translate(12,{size / 2}) rotate(-90)" text-anchor="middle">predicted</text>',
        f'<text x="{pad}" y="{pad - 8}">0 to {top_value:g}</text>',
    ]
    for g, p, d in zip(gold, pred, docs, strict=True):
        parts.append(
            f'<circle cx="{pos(g):.1f}" cy="{size - pos(p):.1f}" r="3" fill="#ae3ec9" fill-opacity="0.6">'
            f"<title>{escape(str(d))}: gold {g:.3f}, predicted {p:.3f}</title></circle>"
        )
    parts.append("</svg>")
    return "<figure>" + "".join(parts) + f"<figcaption>{escape(measure)}</figcaption></figure>"


def _document_links(links: Sequence[Any]) -> str:
    if not links:
        return ""
    rows = "".join(
        f'<tr><td><a href="{escape(link.href)}">{escape(link.doc_id)}</a></td><td>{link.strict_f1:.3f}</td>'
        f"<td>{link.missed}</td><td>{link.spurious}</td><td>{link.boundary}</td></tr>"
        for link in links
    )
    head = "<tr><th>document</th><th>strict span F1</th><th>missed</th><th>spurious</th><th>boundary</th></tr>"
    note = '<p class="note">Each opens gold against prediction, with every error marked (reportedly show).</p>'
    return f'<h2 id="worst">Worst documents</h2>{note}<table><thead>{head}</thead><tbody>{rows}</tbody></table>'


def to_html(result: EvalResult, document_links: Sequence[Any] = ()) -> str:
    """The report; ``document_links`` (``reportedly.view.worst.DocumentLink``) adds a linked list of
    per-document views."""
    lines = [line.replace("**", "").replace("`", "") for line in header_lines(result) if line]
    header = "".join(f"<p>{escape(line)}</p>" for line in lines)
    plots = [f1_plot(result), confusion_plot(result), *(profile_plot(result, m) for m in MEASURES)]
    figures = "".join(p for p in plots if p)
    body = "".join(_table(t) for t in tables(result))
    warn = ""
    if result.warnings:
        warn = "<h2>Warnings</h2><ul>" + "".join(f"<li>{escape(w.render())}</li>" for w in result.warnings) + "</ul>"
    title = f"reportedly evaluation: {result.system}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
        f"<style>{_CSS}</style></head><body><h1>{escape(title)}</h1>{header}"
        f'<div class="plots">{figures}</div>{body}{_document_links(document_links)}{warn}</body></html>\n'
    )
