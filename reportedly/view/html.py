"""``reportedly show``: one document as a self-contained HTML page (no script, nothing fetched).

The text is cut at every span boundary; each piece carries the labels of the spans covering it:
claims are underlined, sources, cues and hedges get the background colour of their label (the
schema's colours), and each span's id and label are tagged at its start. Hovering a piece lists
its spans with their attributes. Beside the text, each claim is listed with its sources, cues and
hedges. With a second document (``--vs``), gold and prediction are shown side by side, and every
span that is missed, spurious, cut at other boundaries or labelled otherwise is marked and listed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from itertools import pairwise

from reportedly.document import Document, Span
from reportedly.schema import Schema
from reportedly.view.claims import claim_views, describe, first_mentions
from reportedly.view.compare import Comparison, compare

STATUS_TEXT = {
    "missed": "missed (in the gold only)",
    "spurious": "spurious (in the prediction only)",
    "boundary": "boundary mismatch (same label, other offsets)",
    "label": "label mismatch (same offsets, other label)",
}
_CSS = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 1.5em auto; max-width: 90em; color: #222; padding: 0 1em; }
.columns { display: flex; gap: 2em; align-items: flex-start; flex-wrap: wrap; }
.panel { flex: 1 1 30em; min-width: 24em; }
.text { white-space: pre-wrap; line-height: 2.3; border: 1px solid #e3e3e3; border-radius: 6px; padding: .8em 1em; }
.piece { border-radius: 3px; padding: .15em 0; }
.claim { text-decoration: underline 3px var(--claim); text-underline-offset: .35em; text-decoration-skip-ink: none; }
.tag { font-size: 62%; font-weight: 600; color: #fff; border-radius: 3px; padding: 0 .3em; margin: 0 .15em;
  vertical-align: .9em; line-height: 1; white-space: nowrap; }
.missed { outline: 2px dashed #c92a2a; outline-offset: 1px; }
.spurious { outline: 2px solid #c92a2a; outline-offset: 1px; }
.boundary, .label { outline: 2px dotted #e67700; outline-offset: 1px; }
.claim.missed, .claim.spurious, .claim.boundary, .claim.label { text-decoration-style: wavy; }
table { border-collapse: collapse; margin: .4em 0 1.2em; width: 100%; }
th, td { border-bottom: 1px solid #e3e3e3; padding: .25em .5em; text-align: left; vertical-align: top; }
.legend span { margin-right: 1em; }
.note { color: #555; font-size: 90%; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.2em; }
"""


def _colours(schema: Schema) -> dict[str, str]:
    return {label.name: label.color for label in schema.labels}


def _tag(span: Span, colours: Mapping[str, str]) -> str:
    colour = colours.get(span.label, "#555")
    return f'<span class="tag" style="background:{escape(colour)}">{escape(span.id)} {escape(span.label)}</span>'


def _hover(spans: Sequence[Span], status: Mapping[str, str]) -> str:
    lines = []
    for span in spans:
        attrs = ", ".join(f"{k}={v}" for k, v in span.attrs.items())
        flag = f" [{status[span.id]}]" if span.id in status and status[span.id] != "correct" else ""
        lines.append(f"{span.id} {span.label}{flag}: {span.text}" + (f" ({attrs})" if attrs else ""))
    return "\n".join(lines)


def text_html(doc: Document, schema: Schema, status: Mapping[str, str] | None = None) -> str:
    """The document text with its spans marked (``status``: span id -> compare status)."""
    status = status or {}
    colours = _colours(schema)
    cuts = sorted({0, len(doc.text), *(s.start for s in doc.spans), *(s.end for s in doc.spans)})
    starts: dict[int, list[Span]] = {}
    for span in doc.spans:
        starts.setdefault(span.start, []).append(span)
    parts = []
    for left, right in pairwise(cuts):
        parts += [_tag(s, colours) for s in starts.get(left, [])]
        covering = [s for s in doc.spans if s.start <= left and right <= s.end]
        piece = escape(doc.text[left:right])
        if not covering:
            parts.append(piece)
            continue
        classes = ["piece"]
        style = []
        claims = [s for s in covering if s.label == "CLAIM"]
        others = [s for s in covering if s.label != "CLAIM"]
        if claims:
            classes.append("claim")
            classes += [status[s.id] for s in claims if status.get(s.id, "correct") != "correct"]
            style.append(f"--claim:{colours.get('CLAIM', '#2f6fde')}")
        if others:
            inner = min(others, key=lambda s: s.end - s.start)  # the innermost span shows its colour
            style.append(f"background:{colours.get(inner.label, '#ccc')}33")
            classes += [status[s.id] for s in others if status.get(s.id, "correct") != "correct"]
        labels = " ".join(sorted({s.label for s in covering}))
        parts.append(
            f'<span class="{" ".join(dict.fromkeys(classes))}" style="{escape(";".join(style))}" '
            f'data-labels="{escape(labels)}" title="{escape(_hover(covering, status))}">{piece}</span>'
        )
    return '<div class="text">' + "".join(parts) + "</div>"


def claims_html(doc: Document) -> str:
    views = claim_views(doc)
    if not views:
        return '<p class="note">No claims.</p>'
    firsts = first_mentions(doc)
    rows = []
    for view in views:
        sources = "<br>".join(
            escape(describe(s)) + (f" = {escape(firsts[s.id].text)!s}" if s.id in firsts else "") for s in view.sources
        )
        quote = view.claim.attrs.get("quote")
        rows.append(
            f"<tr><td>{escape(view.claim.id)}</td><td>{escape(view.claim.text)}"
            f"{f' <small>({escape(quote)} quote)</small>' if quote else ''}"
            f"</td><td>{sources or '<i>the author</i>'}</td>"
            f"<td>{'<br>'.join(escape(describe(c)) for c in view.cues)}</td>"
            f"<td>{'<br>'.join(escape(describe(h)) for h in view.hedges)}</td></tr>"
        )
    head = "<tr><th>id</th><th>claim</th><th>source</th><th>cue</th><th>hedges</th></tr>"
    return f'<table class="claims"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _legend(schema: Schema) -> str:
    items = [
        f'<span><span class="tag" style="background:{escape(label.color)}">{escape(label.name)}</span></span>'
        for label in schema.labels
    ]
    return '<p class="legend">' + "".join(items) + "</p>"


def _who(doc: Document) -> str:
    prov = doc.provenance
    if prov.get("layer") == "prediction":
        return f"prediction: {prov.get('system', '?')} {prov.get('version', '')}".strip()
    return str(prov.get("layer") or "document")


def _differences(comparison: Comparison) -> str:
    rows = []
    for pair in comparison.pairs:
        if pair.status == "correct":
            continue
        gold = (
            f"{pair.gold.id} {pair.gold.label} [{pair.gold.start}, {pair.gold.end}) {pair.gold.text!r}"
            if pair.gold
            else ""
        )
        pred = (
            f"{pair.predicted.id} {pair.predicted.label} [{pair.predicted.start}, {pair.predicted.end}) "
            f"{pair.predicted.text!r}"
            if pair.predicted
            else ""
        )
        rows.append(
            f'<tr class="diff-{pair.status}"><td>{escape(pair.status)}</td><td>{escape(gold)}</td>'
            f"<td>{escape(pred)}</td></tr>"
        )
    counts = ", ".join(f"{comparison.count(s)} {s}" for s in ("correct", "boundary", "label", "missed", "spurious"))
    table = (
        '<table class="differences"><thead><tr><th>status</th><th>gold</th><th>prediction</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        if rows
        else '<p class="note">The prediction equals the gold.</p>'
    )
    return f'<h2>Differences</h2><p class="note">{counts}; strict span F1 {comparison.strict_f1:.3f}</p>{table}'


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
        f"<style>{_CSS}</style></head><body>{body}</body></html>\n"
    )


def _single(doc: Document, schema: Schema) -> str:
    title = f"{doc.id}: {doc.meta.get('title', '')}".rstrip(": ")
    return (
        f'<section id="doc-{escape(doc.id)}"><h1>{escape(title)}</h1><p class="note">{escape(_who(doc))}</p>'
        f'<div class="columns"><div class="panel text-panel">{text_html(doc, schema)}</div>'
        f'<div class="panel claims-panel"><h2>Claims</h2>{claims_html(doc)}</div></div></section>'
    )


def documents_html(documents: Sequence[Document], schema: Schema) -> str:
    """One page with every document (``predict --format html``)."""
    return _page(
        f"reportedly: {len(documents)} document(s)", _legend(schema) + "".join(_single(d, schema) for d in documents)
    )


def document_html(doc: Document, schema: Schema, *, vs: Document | None = None) -> str:
    """The page for ``doc``; with ``vs``, ``doc`` is the gold and ``vs`` the prediction."""
    title = f"{doc.id}: {doc.meta.get('title', '')}".rstrip(": ")
    if vs is None:
        return _page(f"reportedly: {doc.id}", _legend(schema) + _single(doc, schema))
    comparison = compare(doc, vs)
    marks = "".join(f'<span class="piece {s}">{escape(t)}</span> ' for s, t in STATUS_TEXT.items())
    body = (
        f"<h1>{escape(title)}</h1><p class='note'>{escape(_who(doc))} against {escape(_who(vs))}</p>"
        f"{_legend(schema)}<p class='legend'>{marks}</p>"
        f'<div class="columns"><div class="panel" id="gold"><h2>{escape(_who(doc))}</h2>'
        f"{text_html(doc, schema, comparison.status_of('gold'))}{claims_html(doc)}</div>"
        f'<div class="panel" id="prediction"><h2>{escape(_who(vs))}</h2>'
        f"{text_html(vs, schema, comparison.status_of('predicted'))}{claims_html(vs)}</div></div>"
        f"{_differences(comparison)}"
    )
    return _page(f"reportedly: {doc.id} (gold vs {vs.provenance.get('system', 'other')})", body)
