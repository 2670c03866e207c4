"""The aligner on whole corpora: the gold corpus (whatever exists) and hand-made documents.

1. Strings and their order recover every span exactly (strict mode, ``occurrence`` = which match).
2. Strings with an LLM-style ``context`` recover every span or report it; none lands elsewhere.
3. Seeded perturbations (whitespace, curly/straight quotes and dashes, one-character typos) with
   ``order`` mode and fuzzy matching recover at least 95% exactly, and every other item is
   reported: as a problem, or as a fuzzy match with its score in ``provenance.alignment``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reportedly.document import Document, Span, read_document, sorted_spans
from reportedly.quotes import DEFAULT_FUZZY_THRESHOLD, align_document, word_bounded
from reportedly.quotes.text import _occurrences

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "corpus" / "documents"

# Hand-made sentences; [X:...] marks a span of label X (S SOURCE, U CUE, C CLAIM, H HEDGE).
SENTENCES = [
    "[S:Harbour master Ilse Varga] [U:said] [C:the channel [H:may] reopen on Friday].",
    "[S:Officials familiar with the talks] [U:said] [C:[H:about] 40 ships were waiting near Saint-Nazaire].",
    "\u201c[C:The queue is [H:reportedly] growing],\u201d [S:one pilot] [U:added].",
    "[U:According to] [S:a draft audit seen by this newspaper], [C:costs [H:roughly] doubled in 2023].",
    "[S:The ministry] [U:confirmed] that [C:ministers signed the declaration on Tuesday].",
    "[C:The merger] was [U:first reported by] [S:the Harbour Ledger].",
    "[S:Satellite images taken last week] [U:show] [C:new trenches near the river \u2014 some 2\u00a0km long].",
    "[S:A senior official who spoke on condition of anonymity] [U:described] [C:a [H:potential] classified component].",
    "[S:Analysts] [U:said] that [C:the deal [H:could] collapse before the summit].",
    "[C:The committee [H:reportedly] accused the alliance of delaying the vote].",
    "[S:Captain Zoe\u0308 Mart\u00edn] [U:denied] that [C:the port would close \U0001f6a2].",
    "[C:Fares have not risen since 2019].",
    "[S:She] [U:added] that [C:[H:about] 300 people attended the hearing].",
    "[H:If] the rain continues, [C:the final will be postponed], [S:the organisers] [U:said].",
    "[S:The operator] [U:said]: \u201c[C:We [H:may] not raise fares this year].\u201d",
    "[S:People close to the coach] [U:said] [C:he would stay until June].",
]
_LABELS = {"S": "SOURCE", "U": "CUE", "C": "CLAIM", "H": "HEDGE"}


def _parse(marked: str, offset: int) -> tuple[str, list[tuple[str, int, int]]]:
    out: list[str] = []
    spans: list[tuple[str, int, int]] = []
    stack: list[tuple[str, int]] = []
    position = offset
    for token in re.split(r"(\[[SUCH]:|\])", marked):
        if token.startswith("[") and token.endswith(":"):
            stack.append((_LABELS[token[1]], position))
        elif token == "]":
            label, start = stack.pop()
            spans.append((label, start, position))
        else:
            out.append(token)
            position += len(token)
    return "".join(out), spans


def hand_made_documents(count: int = 24, seed: int = 7) -> list[Document]:
    """Documents of 6-12 sentences drawn (with repeats) from SENTENCES, CRLF or LF line ends."""
    rng = random.Random(seed)
    documents = []
    for number in range(count):
        text, found = "", []
        newline = "\r\n" if number % 3 == 0 else "\n"
        for index in range(rng.randint(6, 12)):
            if index:
                text += rng.choice([" ", " ", newline, newline + newline])
            sentence, spans = _parse(rng.choice(SENTENCES), len(text))
            text += sentence
            found += spans
        spans = [Span(f"T{i}", label, s, e, text[s:e]) for i, (label, s, e) in enumerate(found, start=1)]
        documents.append(Document(f"hand-{number:02d}", text, {}, tuple(sorted_spans(spans))))
    return documents


def gold_documents() -> list[Document]:
    return [read_document(p) for p in sorted(GOLD.glob("*.json"))] if GOLD.is_dir() else []


def all_documents() -> list[Document]:
    return gold_documents() + hand_made_documents()


def _occurrence(doc: Document, span: Span) -> int:
    # Matches that cut a word are never candidates, so they do not count.
    whole = [s for s in _occurrences(doc.text, span.text) if word_bounded(doc.text, s, s + len(span.text))]
    return whole.index(span.start) + 1


def test_hand_made_documents_are_what_the_markup_says() -> None:
    docs = hand_made_documents()
    assert sum(len(d.spans) for d in docs) > 500
    for doc in docs:
        for span in doc.spans:
            assert doc.text[span.start : span.end] == span.text and span.text.strip() == span.text


@pytest.mark.parametrize("source", ["gold", "hand-made"])
def test_strings_and_order_recover_every_span(source: str) -> None:
    docs = gold_documents() if source == "gold" else hand_made_documents()
    for doc in docs:
        record = {
            "id": doc.id,
            "spans": [
                {"id": s.id, "label": s.label, "text": s.text, "occurrence": _occurrence(doc, s)}
                for s in sorted_spans(doc.spans)
            ],
        }
        result = align_document(record, doc.text)
        assert result.problems == []
        assert [(s.id, s.start, s.end) for s in result.document.spans] == [(s.id, s.start, s.end) for s in doc.spans]


def test_order_mode_without_occurrences_recovers_the_hand_made_documents() -> None:
    for doc in hand_made_documents():
        record = {"id": doc.id, "spans": [{"id": s.id, "label": s.label, "text": s.text} for s in doc.spans]}
        result = align_document(record, doc.text, mode="order")
        assert result.problems == []
        assert {(s.id, s.start, s.end) for s in result.document.spans} == {(s.id, s.start, s.end) for s in doc.spans}


def _context(doc: Document, span: Span, quote: str, rng: random.Random, width: int = 24) -> str:
    left = doc.text[max(0, span.start - width) : span.start]
    right = doc.text[span.end : span.end + width]
    left = left[left.find(" ") + 1 :] if " " in left and span.start - width > 0 else left
    right = right[: right.rfind(" ")] if " " in right and span.end + width < len(doc.text) else right
    return left + quote + right


def test_context_recovers_or_reports_every_span() -> None:
    rng = random.Random(3)
    placed = reported = 0
    for doc in all_documents():
        record = {
            "id": doc.id,
            "spans": [
                {"id": s.id, "label": s.label, "text": s.text, "context": _context(doc, s, s.text, rng)}
                for s in doc.spans
            ],
        }
        result = align_document(record, doc.text)
        truth = {s.id: (s.start, s.end) for s in doc.spans}
        for span in result.document.spans:
            assert (span.start, span.end) == truth[span.id], "strict mode never places a span wrongly"
        assert {p.item for p in result.problems} == set(truth) - {s.id for s in result.document.spans}
        assert {p.reason for p in result.problems} <= {"ambiguous"}
        placed += len(result.document.spans)
        reported += len(result.problems)
    assert placed > 0.7 * (placed + reported)


# --- perturbations ------------------------------------------------------------------------------

_SWAPS = {
    "\u201c": '"',
    "\u201d": '"',
    "\u2019": "'",
    "\u2018": "'",
    '"': "\u201d",
    "'": "\u2019",
    "\u2014": "-",
    "-": "\u2013",
    "\u00a0": " ",
}


def _whitespace(text: str, rng: random.Random) -> str:
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if not spaces:
        return rng.choice([" ", "\n", "\t"]) + text + rng.choice(["", " "])
    i = rng.choice(spaces)
    return text[:i] + rng.choice(["  ", "\n", " \n ", "\t", ""]) + text[i + 1 :]


def _quotes(text: str, rng: random.Random) -> str | None:
    places = [i for i, ch in enumerate(text) if ch in _SWAPS]
    if not places:
        return None
    return "".join(_SWAPS[ch] if i in places else ch for i, ch in enumerate(text))


def _typo(text: str, rng: random.Random) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    i = rng.choice(letters)
    kind = rng.choice(["substitute", "delete", "insert", "transpose"])
    other = rng.choice("abcdefghijklmnopqrstuvwxyz".replace(text[i].lower(), ""))
    if kind == "substitute":
        return text[:i] + other + text[i + 1 :]
    if kind == "delete" and len(text) > 1:
        return text[:i] + text[i + 1 :]
    if kind == "transpose" and i + 1 < len(text) and text[i + 1] != text[i]:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + other + text[i:]


@dataclass(frozen=True)
class Outcome:
    items: int
    exact: int
    problems: int  # not exact, reported as unaligned (with a reason)
    approximate_reported: int  # not exact, placed and listed under provenance.alignment.approximate
    by_kind: dict[str, tuple[int, int]]

    @property
    def silent(self) -> int:
        """Items placed wrongly without a report."""
        return self.items - self.exact - self.problems - self.approximate_reported


def perturb(doc: Document, span: Span, kind: str, rng: random.Random) -> tuple[str, str]:
    """The quote and the context an LLM might give for ``span``: ``whitespace`` (a space doubled,
    dropped or turned into a line break or tab), ``quotes`` (curly/straight quotes, dashes and
    no-break spaces swapped, in the quote if it has any and in its context) or ``typo`` (one
    letter substituted, deleted, inserted or swapped with the next)."""
    if kind == "whitespace":
        quote = _whitespace(span.text, rng)
        return quote, _whitespace(_context(doc, span, quote, rng), rng)
    if kind == "quotes":
        quote = _quotes(span.text, rng) or span.text
        context = _context(doc, span, quote, rng)
        return quote, _quotes(context, rng) or _whitespace(context, rng)
    quote = _typo(span.text, rng)
    return quote, _context(doc, span, quote, rng)


def perturbed_run(
    docs: list[Document], *, seed: int = 11, threshold: float = DEFAULT_FUZZY_THRESHOLD, with_context: bool = True
) -> Outcome:
    rng = random.Random(seed)
    items = exact = problems = approximate_reported = 0
    by_kind: dict[str, list[int]] = {}
    for doc in docs:
        spans, kinds = [], {}
        for span in doc.spans:
            kind = rng.choice(["whitespace", "quotes", "typo"])
            quote, context = perturb(doc, span, kind, rng)
            item = {"id": span.id, "label": span.label, "text": quote}
            spans.append({**item, "context": context} if with_context else item)
            kinds[span.id] = kind
        result = align_document({"id": doc.id, "spans": spans}, doc.text, mode="order", fuzzy_threshold=threshold)
        placed = {s.id: (s.start, s.end) for s in result.document.spans}
        summary = result.summary()
        approximate = {f["item"] for f in summary["approximate"]}
        unaligned = {u["item"] for u in summary["unaligned"]}
        assert summary["aligned"] + len(unaligned) == len(doc.spans)
        for span in doc.spans:
            items += 1
            hit = placed.get(span.id) == (span.start, span.end)
            exact += hit
            tally = by_kind.setdefault(kinds[span.id], [0, 0])
            tally[0] += 1
            tally[1] += hit
            if not hit:
                problems += span.id in unaligned
                approximate_reported += span.id in approximate
    return Outcome(items, exact, problems, approximate_reported, {k: (v[0], v[1]) for k, v in by_kind.items()})


def _report(name: str, outcome: Outcome) -> Iterator[str]:
    yield (
        f"{name}: {outcome.exact}/{outcome.items} exact ({outcome.exact / outcome.items:.1%}); "
        f"{outcome.problems} reported unaligned, {outcome.approximate_reported} reported as approximate "
        f"matches elsewhere, {outcome.silent} misplaced silently"
    )
    for kind, (n, hit) in sorted(outcome.by_kind.items()):
        yield f"  {kind}: {hit}/{n} ({hit / n:.1%})"


@pytest.mark.parametrize("with_context", [True, False], ids=["with-context", "strings-only"])
def test_perturbed_strings_recover_at_least_95_percent_with_context(
    with_context: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome = perturbed_run(all_documents(), with_context=with_context)
    with capsys.disabled():
        print(
            "\n"
            + "\n".join(
                _report(
                    f"perturbed strings ({'with' if with_context else 'without'} context, "
                    f"order mode, fuzzy {DEFAULT_FUZZY_THRESHOLD:g})",
                    outcome,
                )
            )
        )
    assert outcome.items > 500
    # Without context, a string repeated in its document can only be placed by order; in the long
    # documents of round 2 every miss of a whitespace or quote perturbation is such a string (583 of
    # 583 on corpus 0.3.0), so strings alone are held to 93% and context is what annotators are asked for.
    assert outcome.exact >= (0.95 if with_context else 0.93) * outcome.items
    if with_context:
        # a typo can still turn a quote into another word inside its own context ("She" -> "he"),
        # which no aligner can tell from a right answer: allow one such case in a thousand
        assert outcome.silent <= outcome.items / 1000
    else:
        # without context a typo can turn a quote into another word of the text ("She" -> "he"),
        # which no aligner can tell from a right answer
        assert outcome.silent <= 0.01 * outcome.items


def test_hallucinated_strings_are_reported_not_placed() -> None:
    doc = hand_made_documents(count=1)[0]
    invented = ["the central bank", "rates will rise next quarter", "allegedly", "three ferries were cancelled"]
    record = {"id": doc.id, "spans": [{"id": f"X{i}", "label": "CLAIM", "text": t} for i, t in enumerate(invented)]}
    result = align_document(record, doc.text, mode="order", fuzzy_threshold=DEFAULT_FUZZY_THRESHOLD)
    assert result.document.spans == ()
    assert [p.reason for p in result.problems] == ["not_found"] * len(invented)
