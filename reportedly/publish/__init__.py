"""Publish the corpus as a Hugging Face dataset folder: parquet files, card, Croissant, checksums.

``publish(corpus, out)`` builds everything in a temporary folder next to ``out`` and renames it into
place, so a failed publish leaves nothing half-written. The same corpus gives the same bytes: rows in
split-file order, one parquet shard per split with fixed writer options, no timestamps anywhere.

    from reportedly.publish import publish
    result = publish(Path("corpus"), Path("dist/huggingface"))
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportedly.generated import Outcome, read_text_file, replace_section, update
from reportedly.incidents import Incident, ReportedlyError
from reportedly.publish.card import dataset_card
from reportedly.publish.card_tables import splits_markdown
from reportedly.publish.corpus import DATASET_URL, Release, read_release
from reportedly.publish.croissant import croissant, folder_of
from reportedly.publish.dataset import (
    CONFIGS,
    Tables,
    build_tables,
    config_features,
    document_from_row,
    spans_from_tags,
    write_parquet,
)
from reportedly.publish.errors import CODES
from reportedly.publish.files import (
    CHECKSUMS,
    foreign_entries,
    relative_files,
    sha256_file,
    verify_checksums,
    write_checksums,
)
from reportedly.publish.hub import push_to_hub
from reportedly.schema import Schema, load_schema

__all__ = [
    "CHECKSUMS",
    "CODES",
    "Published",
    "ReportedlyError",
    "document_from_row",
    "publish",
    "push_to_hub",
    "spans_from_tags",
    "verify_checksums",
]

CARD = "README.md"
CROISSANT = "croissant.json"
SPLITS_SECTION = "splits"


@dataclass(frozen=True)
class Published:
    out: Path
    version: str
    rows: Mapping[str, Mapping[str, int]]  # config -> split -> rows
    files: tuple[str, ...]  # relative paths, sorted
    warnings: tuple[Incident, ...]
    readme: Outcome | None


def shard_name(split: str) -> str:
    return f"{split}-00000-of-00001.parquet"


def _check_target(out: Path, overwrite: bool, force: bool = False) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise ReportedlyError.of("RPT-PUBLISH-NOT-EMPTY", f"{out} exists and is not a folder")
    if not out.exists() or not any(out.iterdir()):
        return
    if not overwrite:
        raise ReportedlyError.of("RPT-PUBLISH-NOT-EMPTY", f"{out} is not empty; nothing was written")
    if not (out / CHECKSUMS).is_file():
        raise ReportedlyError.of(
            "RPT-PUBLISH-NOT-EMPTY",
            f"{out} is not empty and holds no {CHECKSUMS}, so it is not an earlier publish output; "
            "--overwrite only replaces those",
        )
    foreign = foreign_entries(out)
    if foreign and not force:  # --overwrite replaces what publish wrote, never a .git/ or notes beside it
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise ReportedlyError.of(
            "RPT-FOREIGN-FILES",
            f"{out} holds {len(foreign)} entr(ies) not listed in its {CHECKSUMS}: {shown}; nothing was written",
        )


def _move_into_place(tmp: Path, out: Path) -> None:
    if not out.exists():
        os.replace(tmp, out)
        return
    if not any(out.iterdir()):
        out.rmdir()
        os.replace(tmp, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    os.replace(out, old)
    try:
        os.replace(tmp, out)
    except BaseException:
        os.replace(old, out)
        raise
    shutil.rmtree(old)


def _write_folder(
    folder: Path, release: Release, tables: Tables, schema: Schema, features: Mapping[str, Any], url: str
) -> dict[str, dict[str, int]]:
    sizes: dict[str, dict[str, tuple[int, int, int]]] = {}
    shards: dict[str, dict[str, tuple[str, str]]] = {}
    for config in CONFIGS:
        sizes[config], shards[config] = {}, {}
        for split, rows in tables.rows[config].items():
            if not rows:
                continue  # datasets cannot load an empty parquet split; the card's tables show the 0
            rel = f"{folder_of(config)}/{shard_name(split)}"
            written = write_parquet(rows, features[config], folder / rel)
            sizes[config][split] = (written.rows, written.num_bytes, written.path.stat().st_size)
            shards[config][split] = (rel, sha256_file(written.path))
    (folder / CARD).write_text(
        dataset_card(release, tables, features, sizes, schema, url), encoding="utf-8", newline="\n"
    )
    metadata = croissant(release, schema, features, shards, url=url)
    (folder / CROISSANT).write_text(
        json.dumps(metadata, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8", newline="\n"
    )
    write_checksums(folder)
    return {config: {split: size[0] for split, size in sizes[config].items()} for config in CONFIGS}


def publish(
    corpus: Path,
    out: Path,
    *,
    schema: Schema | None = None,
    overwrite: bool = False,
    agreement: Path | None = None,
    leaderboard: Path | None = None,
    readme: Path | None = None,
    url: str = DATASET_URL,
    force: bool = False,
) -> Published:
    """Build the dataset folder ``out`` from the corpus folder ``corpus``.

    ``agreement`` (default ``corpus/agreement.json``) and ``leaderboard`` feed the card when they
    exist; ``readme`` gets the per-split table in its ``splits`` section; ``url`` (the dataset's
    address) goes into the citation and the Croissant metadata. Raises :class:`ReportedlyError`
    (with a stable code) and writes nothing when the corpus is not releasable or ``out`` is not
    empty, unless ``overwrite`` and ``out`` is an earlier publish output holding only the files its
    ``SHA256SUMS`` lists (``force`` also removes the others).
    """
    schema = schema or load_schema()
    out = Path(out)
    _check_target(out, overwrite, force)
    release = read_release(Path(corpus), schema, agreement=agreement, leaderboard=leaderboard)
    features = config_features(schema)
    tables = build_tables(release.splits, schema)
    readme_text = None
    if readme is not None:  # check the markers before anything is written
        current = read_text_file(Path(readme), what="--readme file")
        body = splits_markdown(release, tables, schema)
        readme_text = replace_section(current, SPLITS_SECTION, body, where=str(readme))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.publish-", dir=out.parent))
    try:
        os.chmod(tmp, 0o755)
        rows = _write_folder(tmp, release, tables, schema, features, url)
        _move_into_place(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    outcome = update(Path(readme), readme_text, check=False) if readme is not None and readme_text else None
    return Published(out, release.version, rows, tuple(relative_files(out)), release.warnings, outcome)
