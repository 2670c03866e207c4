"""Writes corpus/round2/briefs.jsonl: one writing brief per round-2 document (seeded, reproducible).

Each brief fixes a document's id, genre, topic, length band, setting, sourcing density and the
sourcing and surface phenomena it should contain. The writer sessions worked from these briefs.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

SEED = 20261207
# genre: (first new number, [short, medium, long, very long] counts)
PLAN = {
    "correction": (1, [15, 0, 0, 0]),
    "local": (1, [10, 9, 1, 0]),
    "roundup": (1, [0, 11, 4, 0]),
    "factcheck": (1, [4, 9, 2, 0]),
    "study": (1, [4, 9, 2, 0]),
    "court": (1, [3, 9, 2, 1]),
    "earnings": (1, [4, 9, 2, 0]),
    "opinion": (1, [0, 12, 3, 0]),
    "interview": (1, [0, 7, 5, 3]),
    "pressconf": (1, [0, 7, 5, 3]),
    "liveblog": (1, [0, 7, 5, 3]),
    "longread": (1, [0, 0, 12, 3]),
    "wire": (12, [5, 4, 0, 0]),
    "feature": (12, [0, 6, 3, 0]),
    "release": (12, [4, 5, 0, 0]),
    "analysis": (12, [0, 6, 3, 0]),
    "briefing": (12, [4, 5, 0, 0]),
    "newsletter": (11, [3, 6, 1, 0]),
}
BANDS = [("short", 90, 235), ("medium", 290, 640), ("long", 950, 1400), ("very long", 1560, 1850)]
TOPICS = {
    "correction": ["economy", "courts", "health", "elections", "sport", "culture", "housing", "crime"],
    "local": ["housing", "transport", "education", "local_government", "crime", "culture", "health", "sport"],
    "court": ["courts", "crime", "labour", "technology", "housing", "environment"],
    "earnings": ["economy", "technology", "energy", "trade", "agriculture", "transport"],
    "study": ["science", "health", "climate", "agriculture", "education", "environment"],
    "factcheck": ["elections", "health", "economy", "climate", "migration", "crime", "energy"],
}
ALL_TOPICS = [
    "defense", "health", "economy", "climate", "technology", "courts", "elections", "science", "sport",
    "energy", "transport", "education", "housing", "labour", "crime", "culture", "agriculture", "trade",
    "local_government", "migration", "environment",
]  # fmt: skip
SETTINGS = [
    "Lisbon, Portugal", "Porto, Portugal", "Gdańsk, Poland", "Kraków, Poland", "Tartu, Estonia", "Cork, Ireland",
    "Bergen, Norway", "Tampere, Finland", "Ghent, Belgium", "Lyon, France", "Marseille, France", "Bilbao, Spain",
    "Valencia, Spain", "Bologna, Italy", "Thessaloniki, Greece", "Plovdiv, Bulgaria", "Cluj-Napoca, Romania",
    "Brno, Czechia", "Ljubljana, Slovenia", "Izmir, Türkiye", "Tbilisi, Georgia", "Almaty, Kazakhstan",
    "Nairobi, Kenya", "Mombasa, Kenya", "Accra, Ghana", "Lagos, Nigeria", "Dakar, Senegal", "Kigali, Rwanda",
    "Lusaka, Zambia", "Durban, South Africa", "Casablanca, Morocco", "Tunis, Tunisia", "Amman, Jordan",
    "Muscat, Oman", "Karachi, Pakistan", "Pune, India", "Kochi, India", "Dhaka, Bangladesh", "Colombo, Sri Lanka",
    "Kathmandu, Nepal", "Chiang Mai, Thailand", "Da Nang, Vietnam", "Cebu, Philippines", "Surabaya, Indonesia",
    "Penang, Malaysia", "Busan, South Korea", "Sapporo, Japan", "Kaohsiung, Taiwan", "Ulaanbaatar, Mongolia",
    "Perth, Australia", "Dunedin, New Zealand", "Halifax, Canada", "Winnipeg, Canada", "Tucson, United States",
    "Duluth, United States", "Savannah, United States", "Monterrey, Mexico", "Medellín, Colombia",
    "Valparaíso, Chile", "Córdoba, Argentina", "Montevideo, Uruguay", "Recife, Brazil", "Curitiba, Brazil",
    "Arequipa, Peru", "Reykjavík, Iceland", "an invented small town (name it yourself)",
    "an invented region (name it yourself)",
]  # fmt: skip
SOURCING = [
    "a quotation running over two or more paragraphs",
    "a quotation interrupted by its cue (\u201cX,\u201d she said, \u201cY.\u201d)",
    "an attribution nested three levels deep (A says B told C that ...)",
    "a source named a sentence or more before the cue that introduces its claim",
    "an attribution without any source (passive or impersonal: it was reported, it is understood)",
    "belief or opinion verbs (think, believe, suspect, doubt) used by sources",
    "conditional 'would' (if ..., it would ...) in reported speech",
    "nominal cues (a claim, an allegation, an estimate, a statement, in a filing, according to)",
    "varied attribution verbs (conceded, insisted, countered, testified, estimated, posted, wrote, told reporters)",
    "a document or data set as a source (a filing, minutes, a leaked memo, a spreadsheet)",
    "another outlet credited with a report",
    "a list (bulleted or numbered) inside the text",
    "an unnamed source with a reason given for anonymity, phrased in your own way",
    "a denial or a refusal to comment",
]  # fmt: skip
SURFACE = [
    "names with diacritics",
    "a name or phrase in a non-Latin script (with its transliteration)",
    "emoji inside a quoted social-media post",
    "currencies, percentages and dates written in several styles",
]
GENRE_NOTES = {
    "correction": "A correction or editor's note appended to, or published about, an earlier article.",
    "local": "Local news: council, schools, roads, a neighbourhood; a dateline is common.",
    "roundup": "A news roundup of several short, separate items under one heading each.",
    "factcheck": "A fact-check: the claim checked, who made it, the evidence, a verdict.",
    "study": "A report on a science or health study: findings, the authors, outside experts, limits.",
    "court": "A court report: charges, testimony, filings, lawyers' statements, the judge's rulings.",
    "earnings": "A business or earnings report: results, guidance, analysts, executives on a call.",
    "opinion": "An opinion column in the columnist's own voice, citing a few others.",
    "interview": "An interview or Q&A transcript with a short introduction.",
    "pressconf": "A press-conference transcript or close report: opening statement, questions, answers.",
    "liveblog": "A live blog with timestamped entries, newest first or oldest first.",
    "longread": "An investigative long read built on documents, named and unnamed sources.",
    "wire": "A wire story: dateline, agency credit, inverted pyramid.",
    "feature": "A feature: scene-setting, several voices, a narrative arc.",
    "release": "A press release by an (invented) organisation, with a boilerplate and a contact line.",
    "analysis": "A news analysis weighing what different sources say.",
    "briefing": "A short briefing note or explainer with key points.",
    "newsletter": "A newsletter issue with a personal voice and several short items.",
}


def briefs() -> list[dict[str, object]]:
    rng = random.Random(SEED)
    out: list[dict[str, object]] = []
    for genre, (first, counts) in PLAN.items():
        bands = [band for band, count in zip(BANDS, counts, strict=True) for _ in range(count)]
        rng.shuffle(bands)
        for offset, (band, low, high) in enumerate(bands):
            topic = rng.choice(TOPICS.get(genre, ALL_TOPICS))
            if band in ("short",):
                density = rng.choice(["sparse: 0-2 sources", "sparse: 0-2 sources", "normal"])
            elif band in ("long", "very long"):
                density = rng.choice(["dense: 30 or more source mentions", "normal", "dense: 30 or more source mentions"])
            else:
                density = rng.choice(["sparse: 0-2 sources", "normal", "normal", "normal"])
            if genre == "opinion":
                density = rng.choice(["sparse: 0-2 sources", "normal"])
            sourcing = rng.sample(SOURCING, 2 if band == "short" else 4)
            if band == "short":
                sourcing = [s for s in sourcing if "two or more paragraphs" not in s] or sourcing[:1]
            surface = rng.sample(SURFACE, 1 if band == "short" else 2)
            out.append(
                {
                    "id": f"{genre}-{first + offset:04d}",
                    "genre": genre,
                    "genre_note": GENRE_NOTES[genre],
                    "topic": topic,
                    "length_words": [low, high],
                    "band": band,
                    "setting": rng.choice(SETTINGS),
                    "density": density,
                    "sourcing": sourcing,
                    "surface": surface,
                    "quotes": rng.choice(["curly quotes", "straight quotes", "curly and straight quotes mixed"]),
                    "correction_appended": rng.random() < 0.08 and genre != "correction",
                }
            )
    return out


if __name__ == "__main__":
    rows = briefs()
    path = Path(__file__).with_name("briefs.jsonl")
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    print(f"{len(rows)} briefs -> {path}")
