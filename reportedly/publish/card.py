"""The dataset card (README.md of the published folder): a YAML header ``datasets`` reads, and a body
whose every figure is computed here from the documents, the agreement file and the leaderboard.

Prose that people write lives in corpus/README.md (how the texts were made, how they were
annotated, using the data, known limitations, changelog) and is copied in by section heading, so
the card and the corpus README cannot drift apart.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from reportedly.publish.card_tables import CONFIG_ROWS, cell, fields_table, splits_markdown, token_loss_lines
from reportedly.publish.corpus import Release, changelog_date, markdown_section
from reportedly.publish.dataset import CONFIGS, Tables
from reportedly.schema import Schema
from reportedly.stats import corpus_stats, stats_markdown

PRETTY_NAME = "reportedly"
TASK_CATEGORIES = ["token-classification"]
TAGS = ["claims", "attribution", "sourcing", "hedging", "news", "span-classification", "relation-extraction"]
SUMMARY = (
    "Original news-style documents annotated for **claims**, their **sources** and their **hedges**: "
    "which statements are claims, who is cited for each and how named that source is, "
    "which words mark the attribution, and how the text hedges the claim."
)
LICENSE_URLS = {
    "cc-by-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "cc-by-sa-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "cc0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}
NOT_AVAILABLE = "Not available"


def hub_license(license_name: str) -> str:
    """The Hub's licence identifier (lower case SPDX-like, e.g. ``cc-by-4.0``)."""
    return license_name.strip().lower()


def size_category(n: int) -> str:
    bounds = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")]
    return next((name for bound, name in bounds if n < bound), "n>1M")


# --- YAML header --------------------------------------------------------------------------------


def data_files(config: str, splits: Sequence[str]) -> list[dict[str, str]]:
    folder = "data" if config == "default" else config
    return [{"split": split, "path": f"{folder}/{split}-*"} for split in splits]


def card_header(
    release: Release,
    config_features: Mapping[str, Any],
    sizes: Mapping[str, Mapping[str, tuple[int, int, int]]],  # config -> split -> (rows, num_bytes, file bytes)
) -> str:
    """The YAML header, built with the ``datasets``/``huggingface_hub`` classes that read it back."""
    from datasets.info import DatasetInfo, DatasetInfosDict
    from datasets.splits import SplitDict, SplitInfo
    from datasets.utils.metadata import MetadataConfigs
    from huggingface_hub import DatasetCardData

    languages = sorted({str(doc.meta.get("lang", "en")) for doc in release.documents})
    card = DatasetCardData(
        license=hub_license(release.license),
        language=languages,
        pretty_name=PRETTY_NAME,
        task_categories=TASK_CATEGORIES,
        size_categories=[size_category(len(release.documents))],
        tags=TAGS,
    )
    infos = {}
    configs: dict[str, dict[str, Any]] = {}
    for config in CONFIGS:
        split_dict = SplitDict()
        for split, (rows, num_bytes, _) in sizes[config].items():
            split_dict.add(SplitInfo(name=split, num_bytes=num_bytes, num_examples=rows))
        download = sum(file_bytes for _, _, file_bytes in sizes[config].values())
        dataset_size = sum(num_bytes for _, num_bytes, _ in sizes[config].values())
        infos[config] = DatasetInfo(
            features=config_features[config],
            splits=split_dict,
            download_size=download,
            dataset_size=dataset_size,
        )
        configs[config] = {"data_files": data_files(config, list(sizes[config]))}
        if config == "default":
            configs[config]["default"] = True
    DatasetInfosDict(infos).to_dataset_card_data(card)
    MetadataConfigs(configs).to_dataset_card_data(card)
    return f"---\n{card.to_yaml()}\n---\n"


# --- body ---------------------------------------------------------------------------------------


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _provenance_lines(release: Release) -> list[str]:
    docs = release.documents
    methods = Counter(str(doc.provenance.get("method", "?")) for doc in docs)
    layers = Counter(str(doc.provenance.get("layer", "?")) for doc in docs)
    annotators = Counter(a for doc in docs for a in doc.provenance.get("annotators", []))
    team = Counter(len(doc.provenance.get("annotators", [])) for doc in docs)
    schema_versions = Counter(str(doc.provenance.get("schema_version", "?")) for doc in docs)
    guidelines = Counter(str(doc.provenance.get("guidelines", "not stated")) for doc in docs)
    adjudicated = sum(int(doc.provenance.get("adjudicated_items", 0)) for doc in docs)
    origins = Counter(str(doc.meta.get("origin", "?")) for doc in docs)
    lines = [
        f"From the documents' own `meta.origin` and `provenance` fields ({len(docs):,} documents):",
        "",
        "| origin | documents |",
        "|---|---:|",
        *[f"| {name} | {count:,} |" for name, count in sorted(origins.items())],
        "",
        "| provenance layer | documents |",
        "|---|---:|",
        *[f"| {name} | {count:,} |" for name, count in sorted(layers.items())],
        "",
        "| method | documents |",
        "|---|---:|",
        *[f"| {cell(name)} | {count:,} |" for name, count in sorted(methods.items())],
        "",
        "| annotator and adjudicator ids per document (language-model sessions) | documents |",
        "|---:|---:|",
        *[f"| {size} | {count:,} |" for size, count in sorted(team.items())],
        "",
        "| annotator or adjudicator id | documents |",
        "|---|---:|",
        *[f"| {cell(name)} | {count:,} |" for name, count in sorted(annotators.items())],
        "",
        "| schema version of the annotation | documents |",
        "|---|---:|",
        *[f"| {name} | {count:,} |" for name, count in sorted(schema_versions.items())],
        "",
        "| LABELING.md version the gold conforms to | documents |",
        "|---|---:|",
        *[f"| {name} | {count:,} |" for name, count in sorted(guidelines.items())],
        "",
        f"Disagreements between annotators decided by an adjudicator: {adjudicated:,}.",
    ]
    return lines


def _micro(pair: Mapping[str, Any], key: str) -> Any:
    block = pair.get(key)
    return block.get("micro", {}).get("f1") if isinstance(block, Mapping) else None


def agreement_lines(data: Mapping[str, Any] | None, schema: Schema) -> list[str]:
    if data is None:
        return [f"{NOT_AVAILABLE}: no agreement file (written by `reportedly agree --json corpus/agreement.json`)."]
    pairs = [p for p in data.get("pairs", []) if isinstance(p, Mapping)]
    if not pairs:
        return [f"{NOT_AVAILABLE}: no document has layers from two annotators."]
    annotators = ", ".join(map(str, data.get("annotators", [])))
    lines = [
        f"Annotators {annotators}; {_fmt(data.get('documents'))} documents with at least two independent layers "
        f"(schema {_fmt(data.get('schema_version'))}). F1 of one annotator against another, scored by the "
        "benchmark's scorer with one layer as reference (micro over labels; partial gives overlaps half credit, "
        "type full credit when the labels agree).",
        "",
        "| pair | documents | span F1 strict | span F1 partial | span F1 type | relation F1 strict "
        "| relation F1 lenient |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for pair in pairs:
        name = "–".join(map(str, pair.get("annotators", [])))
        cells = [
            _fmt(_micro(pair, k))
            for k in ("spans_strict", "spans_partial", "spans_type", "relations_strict", "relations_lenient")
        ]
        lines.append(f"| {name} | {_fmt(pair.get('documents'))} | " + " | ".join(cells) + " |")
    alphas = data.get("krippendorff_alpha") or {}
    lines += [
        "",
        "Attributes, over spans both annotators marked identically:",
        "",
        "| attribute | Cohen's kappa (mean over pairs) | Krippendorff's alpha (nominal) |",
        "|---|---:|---:|",
    ]
    for attr in schema.attributes:
        kappas = [p.get("cohen_kappa", {}).get(attr.name) for p in pairs]
        known = [k for k in kappas if isinstance(k, int | float) and not math.isnan(k)]
        kappa = sum(known) / len(known) if known else None
        lines.append(f"| {attr.label}.{attr.name} | {_fmt(kappa)} | {_fmt(alphas.get(attr.name))} |")
    return lines


def demote(markdown: str) -> str:
    """Drop a leading ``# title`` and push every other heading one level down (not in code blocks)."""
    lines = markdown.strip().splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    out, fenced = [], False
    for line in lines:
        if line.lstrip().startswith("```"):
            fenced = not fenced
        out.append(line if fenced else re.sub(r"^(#+) ", r"#\1 ", line))
    return "\n".join(out).strip() + "\n"


def _readme_part(release: Release, heading: str, fallback: str) -> str:
    section = markdown_section(release.readme, heading) if release.readme else None
    return section if section else fallback + "\n"


def card_body(release: Release, tables: Tables, config_features: Mapping[str, Any], schema: Schema, url: str) -> str:
    docs = release.documents
    stats = corpus_stats(docs)
    out = [
        f"# {PRETTY_NAME} {release.version}",
        "",
        SUMMARY,
        "",
        f"- corpus version {release.version} (from corpus/VERSION), annotation schema version {schema.version}",
        f"- {len(docs):,} documents in {len(release.splits)} splits ({', '.join(release.splits)}), "
        f"{sum(len(r['tokens']) for rows in tables.rows['tokens'].values() for r in rows):,} tokens, "
        f"{stats.total_spans:,} spans, {sum(stats.relations.values()):,} relations",
        f"- licence {release.license}; language(s) {', '.join(sorted({str(d.meta.get('lang', 'en')) for d in docs}))}",
        "- every text is constructed: written for this corpus by language-model writing sessions; the people, "
        "places and outlets in it are invented (see below)",
        "",
        "## Splits and configurations",
        "",
        splits_markdown(release, tables, schema).rstrip(),
        "",
        "## Labels, attributes and relations",
        "",
        "| label | description |",
        "|---|---|",
        *[f"| `{label.name}` | {cell(label.description)} |" for label in schema.labels],
        "",
        "| relation | head → tail | description |",
        "|---|---|---|",
        *[f"| `{r.name}` | {r.head} → {r.tail} | {cell(r.description)} |" for r in schema.relations],
        "",
        "The full definitions, decision rules and examples are in the project's LABELING.md. Counts over all splits:",
        "",
        stats_markdown(stats, schema.label_names, schema.relation_names).rstrip(),
        "",
        "## Data fields",
        "",
    ]
    for config in CONFIGS:
        out += [f"### `{config}`: {CONFIG_ROWS[config]}", ""]
        out += fields_table(config, config_features[config], schema)
        out.append("")
    out += [
        "BIO tags cannot hold two spans of one label where one lies inside the other; the `tokens` "
        "configuration tags the outermost. What the tags do not reproduce exactly, over all splits:",
        "",
        *token_loss_lines(tables.token_loss, schema),
        "",
        "## How the texts were made",
        "",
        _readme_part(
            release,
            "How the texts were made",
            "Every document is an original text written for this corpus by language-model writing sessions; "
            "people, places and outlets are invented.",
        ).rstrip(),
        "",
        "## How the annotation was made",
        "",
        _readme_part(release, "How the annotation was made", "").rstrip(),
        "",
        *_provenance_lines(release),
        "",
        "## Agreement",
        "",
        *agreement_lines(release.agreement, schema),
        "",
        "## Audit of the gold",
        "",
        _readme_part(
            release, "Audit of the gold", f"{NOT_AVAILABLE}: no blind audit was published with this version."
        ).rstrip(),
        "",
        "## Diversity",
        "",
        _readme_part(
            release, "Diversity", f"{NOT_AVAILABLE}: no diversity figures were published with this version."
        ).rstrip(),
        "",
        "## Baseline scores",
        "",
        demote(release.leaderboard).rstrip()
        if release.leaderboard
        else f"{NOT_AVAILABLE}: no leaderboard was published with this version.",
        "",
        "## Using the data",
        "",
        _readme_part(release, "Using the data", "").rstrip(),
        "",
        "## Known limitations",
        "",
        _readme_part(release, "Known limitations", "").rstrip(),
        "",
        "## Changelog",
        "",
        _readme_part(release, "Changelog", "").rstrip(),
        "",
        "## Files",
        "",
        "- `data/`, `flat/`, `tokens/`: one parquet file per split and configuration",
        "- `croissant.json`: Croissant 1.0 metadata (JSON-LD) with the sha256 of every parquet file",
        "- `SHA256SUMS`: sha256 of every other file in this folder (`sha256sum -c SHA256SUMS`)",
        "",
        "## Licence and citation",
        "",
        f"The corpus is released under {release.license}.",
        "",
        *citation(release, schema, url),
    ]
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip() + "\n"


def citation(release: Release, schema: Schema, url: str) -> list[str]:
    """A complete BibTeX entry: the year is the date of this version's changelog entry."""
    date = changelog_date(release.readme, release.version)
    year = date[:4] if date else ""
    key = "reportedly_" + re.sub(r"[^0-9A-Za-z]", "_", release.version)
    return [
        "```bibtex",
        f"@misc{{{key},",
        "  title   = {reportedly: claims, their sources and their hedges in news text},",
        "  author  = {{reportedly contributors}},",
        f"  year    = {{{year}}},",
        f"  version = {{{release.version}}},",
        f"  url     = {{{url}}},",
        f"  note    = {{Annotation schema {schema.version}. Texts, annotations and adjudication made by language-model "
        "sessions; not reviewed by people}},",
        "}",
        "```",
    ]


def dataset_card(
    release: Release,
    tables: Tables,
    config_features: Mapping[str, Any],
    sizes: Mapping[str, Mapping[str, tuple[int, int, int]]],
    schema: Schema,
    url: str,
) -> str:
    return card_header(release, config_features, sizes) + card_body(release, tables, config_features, schema, url)
