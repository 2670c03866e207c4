"""Croissant 1.0 metadata (JSON-LD) of the published folder, generated from the same features.

One ``cr:FileObject`` per parquet file (with its sha256), one ``cr:FileSet`` per configuration
that groups them, a ``splits`` record set, and one record set per configuration whose fields
mirror the ``datasets.Features`` (class labels are integers; their names are in the description).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportedly.publish.card import LICENSE_URLS, PRETTY_NAME, SUMMARY, hub_license
from reportedly.publish.corpus import Release, changelog_date
from reportedly.publish.dataset import CONFIGS
from reportedly.schema import Schema

CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
PARQUET = "application/x-parquet"
SPLIT_REGEX = r"^(\w+)(?:-\d{5}-of-\d{5}\.parquet)?$"  # the name is matched again after extraction

CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}


def folder_of(config: str) -> str:
    return "data" if config == "default" else config


def _data_type(feature: Any) -> str:
    import datasets

    if isinstance(feature, datasets.ClassLabel):
        return "sc:Integer"
    if isinstance(feature, datasets.Value) and feature.dtype.startswith("int"):
        return "sc:Integer"
    return "sc:Text"


def _description(feature: Any) -> str | None:
    import datasets

    if isinstance(feature, datasets.ClassLabel):
        return "class label: " + ", ".join(f"{i} = {name}" for i, name in enumerate(feature.names))
    return None


def _field(field_id: str, name: str, feature: Any, source: dict[str, Any], path: str = "") -> dict[str, Any]:
    """A field (with subfields for structs); ``path`` is the JSON path inside the parquet column."""
    import datasets

    node: dict[str, Any] = {"@type": "cr:Field", "@id": field_id, "name": name}
    repeated = isinstance(feature, datasets.List)
    inner = feature.feature if repeated else feature
    if repeated:
        node["repeated"] = True
    if path:
        source = {**source, "transform": {"jsonPath": path}}
    if isinstance(inner, dict):
        node["subField"] = [
            _field(f"{field_id}/{key}", key, sub, source, f"{path}.{key}" if path else key)
            for key, sub in inner.items()
        ]
        node["source"] = source
        return node
    node["dataType"] = _data_type(inner)
    description = _description(inner)
    if description:
        node["description"] = description
    node["source"] = source
    return node


def croissant(
    release: Release,
    schema: Schema,
    config_features: Mapping[str, Any],
    files: Mapping[str, Mapping[str, tuple[str, str]]],  # config -> split -> (relative path, sha256)
    *,
    url: str | None = None,
) -> dict[str, Any]:
    """The Croissant JSON-LD document (a plain dict; dump it with sorted keys)."""
    distribution: list[dict[str, Any]] = []
    for config in CONFIGS:
        for split, (path, sha256) in files[config].items():
            distribution.append(
                {
                    "@type": "cr:FileObject",
                    "@id": path,
                    "name": path,
                    "description": f"The {split} split of the {config} configuration.",
                    "contentUrl": path,
                    "encodingFormat": PARQUET,
                    "sha256": sha256,
                }
            )
        distribution.append(
            {
                "@type": "cr:FileSet",
                "@id": f"parquet-{config}",
                "name": f"parquet-{config}",
                "description": f"The parquet files of the {config} configuration, one per split.",
                "encodingFormat": PARQUET,
                "includes": f"{folder_of(config)}/*.parquet",
            }
        )
    splits_set: dict[str, Any] = {
        "@type": "cr:RecordSet",
        "@id": "splits",
        "name": "splits",
        "description": "The splits of the corpus (corpus/splits/*.txt).",
        "dataType": "cr:Split",
        "key": {"@id": "splits/name"},
        "field": [{"@type": "cr:Field", "@id": "splits/name", "name": "name", "dataType": "sc:Text"}],
        "data": [{"splits/name": split} for split in release.splits],
    }
    record_sets = [splits_set]
    for config in CONFIGS:
        file_set = {"fileSet": {"@id": f"parquet-{config}"}}
        fields = [
            {
                "@type": "cr:Field",
                "@id": f"{config}/split",
                "name": "split",
                "description": "The split of the row (from the file name).",
                "dataType": "sc:Text",
                "source": {**file_set, "extract": {"fileProperty": "filename"}, "transform": {"regex": SPLIT_REGEX}},
                "references": {"field": {"@id": "splits/name"}},
            }
        ]
        for name, feature in config_features[config].items():
            fields.append(_field(f"{config}/{name}", name, feature, {**file_set, "extract": {"column": name}}))
        record_sets.append(
            {
                "@type": "cr:RecordSet",
                "@id": config,
                "name": config,
                "description": f"The {config} configuration.",
                "field": fields,
            }
        )
    license_id = hub_license(release.license)
    metadata: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": PRETTY_NAME,
        "description": f"{SUMMARY} Corpus version {release.version}, annotation schema version {schema.version}.",
        "license": LICENSE_URLS.get(license_id, license_id),
        "version": release.version,
        "inLanguage": sorted({str(doc.meta.get("lang", "en")) for doc in release.documents}),
        "keywords": ["claims", "attribution", "sourcing", "hedging", "news"],
        "citeAs": "reportedly corpus, version " + release.version,
        "isLiveDataset": False,
        "distribution": distribution,
        "recordSet": record_sets,
    }
    published = changelog_date(release.readme, release.version)
    if published:
        metadata["datePublished"] = published  # from the changelog, so two publishes give the same bytes
    if url:
        metadata["url"] = url
    return metadata
