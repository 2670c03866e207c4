"""``predict --format pretty``: the text with spans coloured by label, then each claim with its
source, cue and hedges. Everything is built as :class:`rich.text.Text`, so user text is never read
as markup."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from reportedly.document import Document
from reportedly.view.claims import claim_views, describe, first_mentions

STYLES = {"CLAIM": "underline", "SOURCE": "bold cyan", "CUE": "magenta", "HEDGE": "bold yellow"}


def highlighted(doc: Document) -> Text:
    text = Text(doc.text)
    # claims first, so the shorter spans inside them keep their own colour on top
    for span in sorted(doc.spans, key=lambda s: (s.label != "CLAIM", s.start)):
        text.stylize(STYLES.get(span.label, "reverse"), span.start, span.end)
    return text


def render(doc: Document) -> Group:
    system = doc.provenance.get("system", "")
    title = Text(f"{doc.id}", style="bold")
    if system:
        title.append(f"  ({system} {doc.provenance.get('version', '')})", style="dim")
    legend = Text("  ").join(Text(label, style=style) for label, style in STYLES.items())
    lines: list[Text] = [title, legend, highlighted(doc), Text("")]
    views = claim_views(doc)
    firsts = first_mentions(doc)
    for view in views:
        line = Text(f"{view.claim.id} ", style="bold")
        line.append(view.claim.text, style=STYLES["CLAIM"])
        quote = view.claim.attrs.get("quote")
        if quote:
            line.append(f"  [{quote} quote]", style="dim")
        lines.append(line)
        if not view.sources:
            lines.append(Text("    source: the author (unattributed)", style="dim"))
        for source in view.sources:
            entry = Text("    source: ")
            entry.append(describe(source), style=STYLES["SOURCE"])
            if source.id in firsts:
                entry.append(f"  = {firsts[source.id].text!r}", style="dim")
            lines.append(entry)
        for cue in view.cues:
            lines.append(Text("    cue:    ") + Text(describe(cue), style=STYLES["CUE"]))
        for hedge in view.hedges:
            lines.append(Text("    hedge:  ") + Text(describe(hedge), style=STYLES["HEDGE"]))
    counts = {label: sum(1 for s in doc.spans if s.label == label) for label in STYLES}
    lines.append(Text(", ".join(f"{n} {label}" for label, n in counts.items()), style="dim"))
    return Group(*lines)
