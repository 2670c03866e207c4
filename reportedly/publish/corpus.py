"""Read a corpus folder for publishing, refusing every state a release must not have.

A release is: a valid corpus (the validator's errors, plus documents in no split), the split files
train/dev/test (others are published too, after them), the version in ``VERSION`` with its entry in
the changelog of ``README.md``, constructed texts only, and one licence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportedly.corpus import Corpus, is_corpus
from reportedly.document import Document
from reportedly.incidents import Incident, ReportedlyError, Severity
from reportedly.publish.dataset import unrepresentable
from reportedly.publish.errors import Blocking
from reportedly.schema import Schema
from reportedly.validate import validate_corpus

SPLITS = ("train", "dev", "test")
# corpus/splits/dev.txt is published as the Hub's conventional "validation" split
HUB_SPLIT_NAMES = {"dev": "validation"}
VERSION_PATTERN = re.compile(r"^\d+\.\d+\.\d+$")
SPLIT_NAME = re.compile(r"^\w+$")
BLOCKING_WARNINGS = {"RPT-SPLIT-UNASSIGNED"}  # a warning while annotating, an error for a release
CONSTRUCTED = "constructed"


# Where the project publishes the dataset (``reportedly publish --push-to-hub`` or ``--url`` names another).
DATASET_URL = "https://huggingface.co/datasets/reportedly/reportedly"


@dataclass(frozen=True)
class Release:
    root: Path
    version: str
    splits: Mapping[str, tuple[Document, ...]]  # split name -> documents in split-file order
    license: str
    readme: str  # corpus README.md ("" when there is none)
    agreement: Mapping[str, Any] | None
    leaderboard: str | None
    warnings: tuple[Incident, ...]

    @property
    def documents(self) -> list[Document]:
        return [doc for docs in self.splits.values() for doc in docs]


def split_names(corpus: Corpus) -> list[str]:
    """The published splits: train, dev and test first, then any other split file."""
    missing = [str(corpus.split_file(name)) for name in SPLITS if name not in corpus.splits]
    if missing:
        raise ReportedlyError.of("RPT-PUBLISH-SPLIT-FILE", f"missing split file(s): {', '.join(missing)}")
    extra = sorted(name for name in corpus.splits if name not in SPLITS)
    bad = [str(corpus.split_file(name)) for name in extra if not SPLIT_NAME.match(name)]
    if bad:
        raise ReportedlyError.of(
            "RPT-PUBLISH-SPLIT-FILE", f"split file name(s) {bad} are not valid split names (letters, digits, _)"
        )
    return [*SPLITS, *extra]


def read_version(corpus: Corpus) -> str:
    path = corpus.version_file
    if not path.is_file():
        raise ReportedlyError.of("RPT-PUBLISH-VERSION", f"{path} does not exist")
    version = path.read_text(encoding="utf-8").strip()
    if not VERSION_PATTERN.match(version):
        raise ReportedlyError.of("RPT-PUBLISH-VERSION", f"{path} holds {version!r}, not MAJOR.MINOR.PATCH")
    return version


def markdown_section(text: str, heading: str) -> str | None:
    """The body of the ``## heading`` section of a Markdown text, or None."""
    match = re.search(rf"^## {re.escape(heading)}[ \t]*\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    return match.group(1).strip() + "\n" if match else None


def changelog_date(readme: str, version: str) -> str | None:
    """The date of ``version``'s changelog entry (``- 0.1.0 (2026-11-27): ...``), if it gives one."""
    changelog = markdown_section(readme, "Changelog") or ""
    match = re.search(rf"^[-*] {re.escape(version)} \((\d{{4}}-\d{{2}}-\d{{2}})\)", changelog, re.MULTILINE)
    return match.group(1) if match else None


def check_changelog(readme_path: Path, readme: str, version: str) -> None:
    changelog = markdown_section(readme, "Changelog")
    if changelog is None or not re.search(rf"^[-*] {re.escape(version)}\b", changelog, re.MULTILINE):
        raise ReportedlyError.of(
            "RPT-PUBLISH-CHANGELOG", f"{readme_path} has no changelog entry for version {version} (from VERSION)"
        )


def read_release(
    root: Path,
    schema: Schema,
    *,
    agreement: Path | None = None,
    leaderboard: Path | None = None,
) -> Release:
    """Everything a publish needs from ``root``, or a :class:`ReportedlyError` naming what to fix.

    ``agreement`` defaults to ``root/agreement.json``; both it and ``leaderboard`` are optional
    (the card then says "not available").
    """
    root = Path(root)
    if not is_corpus(root):
        raise ReportedlyError.of("RPT-PUBLISH-INVALID", f"{root} has no documents/ folder; pass the corpus folder")
    corpus = Corpus(root)
    version = read_version(corpus)
    readme_path = corpus.readme_file
    readme = readme_path.read_text(encoding="utf-8") if readme_path.is_file() else ""
    if readme:
        check_changelog(readme_path, readme, version)
    names = split_names(corpus)

    report = validate_corpus(root, schema)
    blocking = [i for i in report.incidents if i.severity is Severity.ERROR or i.code in BLOCKING_WARNINGS]
    if blocking:
        raise Blocking(tuple(blocking)).error()
    warnings = tuple(i for i in report.incidents if i not in blocking)

    splits: dict[str, tuple[Document, ...]] = {}
    for name in names:
        docs = tuple(corpus.documents[doc_id] for doc_id in corpus.splits[name])
        if not docs:
            raise ReportedlyError.of("RPT-PUBLISH-EMPTY", f"{corpus.split_file(name)} lists no document")
        splits[HUB_SPLIT_NAMES.get(name, name)] = docs
    problems = []
    for split, docs in splits.items():
        for doc in docs:
            where = f"{corpus.document_file(doc.id)} (split {split})"
            problems += [f"{where}: {p}" for p in unrepresentable(doc, schema)]
            if doc.meta.get("origin") != CONSTRUCTED:
                raise ReportedlyError.of(
                    "RPT-PUBLISH-ORIGIN", f"{where}: meta.origin is {doc.meta.get('origin')!r}, not {CONSTRUCTED!r}"
                )
    if problems:
        raise ReportedlyError.of("RPT-PUBLISH-UNREPRESENTABLE", "; ".join(problems))
    licenses = sorted({str(doc.meta.get("license")) for docs in splits.values() for doc in docs})
    if len(licenses) != 1 or licenses == ["None"]:
        raise ReportedlyError.of("RPT-PUBLISH-LICENSE", f"the published documents have licence(s) {licenses}")

    agreement = corpus.agreement_file if agreement is None else agreement
    agreement_data = None
    if agreement.exists():
        try:
            agreement_data = json.loads(agreement.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ReportedlyError.of(
                "RPT-PUBLISH-INPUT", f"{agreement}:{exc.lineno}: invalid JSON: {exc.msg}"
            ) from None
        except (OSError, ValueError, RecursionError) as exc:  # a folder, not UTF-8, a 4,300-digit number
            raise ReportedlyError.of(
                "RPT-PUBLISH-INPUT", f"{agreement}: cannot read the agreement JSON ({exc})"
            ) from None
        if not isinstance(agreement_data, dict):
            raise ReportedlyError.of("RPT-PUBLISH-INPUT", f"{agreement}: the agreement JSON must be an object")
    leaderboard_text = None
    if leaderboard is not None and leaderboard.exists():
        try:
            leaderboard_text = leaderboard.read_text(encoding="utf-8")
        except (OSError, ValueError) as exc:
            raise ReportedlyError.of(
                "RPT-PUBLISH-INPUT", f"{leaderboard}: cannot read the leaderboard ({exc})"
            ) from None
    return Release(root, version, splits, licenses[0], readme, agreement_data, leaderboard_text, warnings)
