"""Annotator instructions for a project's instruction pane: LABELING.md rendered to HTML, cleaned
as Label Studio cleans them, so that what ``studio setup`` sends is what the server stores."""

from __future__ import annotations


def instructions_html(markdown: str) -> str:
    """Annotator instructions for Label Studio's instruction pane, rendered from LABELING.md, as
    Label Studio stores them.

    Label Studio cleans ``expert_instruction`` with bleach and its own tag and attribute lists
    (``label_studio/constants.py``), so the HTML is cleaned the same way here: what setup sends is
    what the server keeps, and a second setup sees no change. That cleaning drops ``<ol start>``;
    the items of a list that does not start at 1 carry their numbers as ``<li value>``, which it keeps.

    >>> print(instructions_html("3. third\\n4. fourth\\n"), end="")
    <ol>
    <li value="3">third</li>
    <li value="4">fourth</li>
    </ol>
    """
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(markdown)
    numbers: list[int | None] = []  # per open list: the next item's number, None where it needs none
    for token in tokens:
        if token.type in ("ordered_list_open", "bullet_list_open"):
            start = int(token.attrGet("start") or 1) if token.type == "ordered_list_open" else 1
            numbers.append(start if start != 1 else None)
            if "start" in token.attrs:
                del token.attrs["start"]
        elif token.type in ("ordered_list_close", "bullet_list_close"):
            numbers.pop()
        elif token.type == "list_item_open" and numbers and numbers[-1] is not None:
            token.attrSet("value", str(numbers[-1]))
            numbers[-1] += 1
    return as_label_studio_stores(md.renderer.render(tokens, md.options, {}))


def as_label_studio_stores(html: str) -> str:
    """``html`` cleaned as Label Studio cleans a project's instructions (bleach, its own allow-lists)."""
    import bleach
    from label_studio.constants import SAFE_HTML_ATTRIBUTES, SAFE_HTML_TAGS

    return str(bleach.clean(html, tags=SAFE_HTML_TAGS, attributes=SAFE_HTML_ATTRIBUTES))
