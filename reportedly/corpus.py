"""THE corpus reader: a corpus folder as one model, and the only module that lists one.

A corpus folder holds::

    VERSION                          the corpus version (MAJOR.MINOR.PATCH)
    README.md, agreement.json        the dataset card and the agreement figures it shows
    documents/<id>.json              gold documents (provenance.layer "gold")
    layers/<annotator>/<id>.json     each annotator's layer ("annotation" or "audit")
    splits/<name>.txt                document ids, one per line (train, dev, test, ...)
    adjudication/<id>.json           every disagreement between layers and its decision

Every part is optional, so a corpus can be work in progress: a text that has layers but no gold
yet, a layer folder of an annotator who has done only some texts, or an audit pass over gold
all read the same way. Readers ask :class:`Corpus` for what they need (documents, layers, the
documents of a split) and never build paths into the folder; :meth:`Corpus.files` lists the
files for the validator, which reads them with line numbers. Folders this module does not know
are ignored, so new kinds of work can be added without breaking readers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from reportedly.document import Document, read_document
from reportedly.incidents import ReportedlyError
from reportedly.names import check_name, join_inside
from reportedly.splits import parse_split

Layers = dict[str, dict[str, Document]]  # annotator -> document id -> document

DOCUMENTS, LAYERS, SPLITS, ADJUDICATION, VERSION = "documents", "layers", "splits", "adjudication", "VERSION"
README, AGREEMENT = "README.md", "agreement.json"  # the dataset card and its agreement figures
UNVERSIONED = "unversioned"


def is_corpus(path: Path) -> bool:
    """A folder with a ``documents/`` folder (gold, possibly empty) is a corpus."""
    return (Path(path) / DOCUMENTS).is_dir()


def read_layers(root: Path, annotators: Sequence[str] | None = None) -> Layers:
    """A folder of ``<annotator>/<id>.json`` layers (``corpus/layers`` or a converter's output)."""
    root = Path(root)
    names = list(annotators) if annotators else sorted(p.name for p in root.iterdir() if p.is_dir())
    layers: Layers = {}
    for name in names:
        folder = root / name
        if not folder.is_dir():
            raise FileNotFoundError(f"{folder}: no layer folder for annotator {name!r}")
        layers[name] = _by_id(sorted(folder.glob("*.json")))
    return layers


def _by_id(files: Sequence[Path]) -> dict[str, Document]:
    """Documents by id; two files of one id would silently replace each other: refused, naming both."""
    found: dict[str, Document] = {}
    where: dict[str, Path] = {}
    for path in files:
        doc = read_document(path)
        if doc.id in found:
            message = f"{path} and {where[doc.id]} both hold document {doc.id!r}"
            raise ReportedlyError.of("RPT-DUPLICATE-INPUT", message, file=str(path), doc_id=doc.id)
        found[doc.id], where[doc.id] = doc, path
    return found


@dataclass(frozen=True)
class CorpusFiles:
    """Every file of a corpus folder, by kind, for the validator (which reads them itself)."""

    documents: tuple[Path, ...]
    layers: tuple[tuple[str, Path], ...]  # (annotator, file)
    splits: tuple[Path, ...]


class Corpus:
    """A corpus folder; every part is read when first asked for, then kept.

    >>> from reportedly.schema import PACKAGE_ROOT
    >>> corpus = Corpus(PACKAGE_ROOT / "corpus")
    >>> corpus.split_names()
    ('dev', 'test', 'train')
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"Corpus({str(self.root)!r})"

    # --- where things are --------------------------------------------------------------------

    @property
    def documents_folder(self) -> Path:
        return self.root / DOCUMENTS

    @property
    def layers_folder(self) -> Path:
        return self.root / LAYERS

    @property
    def splits_folder(self) -> Path:
        return self.root / SPLITS

    @property
    def version_file(self) -> Path:
        return self.root / VERSION

    @property
    def readme_file(self) -> Path:
        return self.root / README

    @property
    def agreement_file(self) -> Path:
        return self.root / AGREEMENT

    @property
    def adjudication_folder(self) -> Path:
        return self.root / ADJUDICATION

    def document_file(self, doc_id: str) -> Path:
        return join_inside(self.documents_folder, f"{check_name(doc_id)}.json")

    def split_file(self, name: str) -> Path:
        """``splits/<name>.txt``; a name that is not a plain name (``../pilot``) is refused."""
        return join_inside(self.splits_folder, f"{check_name(name, what='split name')}.txt")

    def files(self) -> CorpusFiles:
        layers = (
            tuple(
                (folder.name, path)
                for folder in sorted(p for p in self.layers_folder.iterdir() if p.is_dir())
                for path in sorted(folder.glob("*.json"))
            )
            if self.layers_folder.is_dir()
            else ()
        )
        return CorpusFiles(
            tuple(sorted(self.documents_folder.glob("*.json"))), layers, tuple(sorted(self.splits_folder.glob("*.txt")))
        )

    def split_names(self) -> tuple[str, ...]:
        return tuple(p.stem for p in self.files().splits)

    # --- what is there -----------------------------------------------------------------------

    @cached_property
    def version(self) -> str:
        """The VERSION file's line, or ``unversioned``."""
        if not self.version_file.is_file():
            return UNVERSIONED
        return self.version_file.read_text(encoding="utf-8").strip() or UNVERSIONED

    @cached_property
    def documents(self) -> dict[str, Document]:
        """The gold documents by id, in file-name order."""
        return _by_id(self.files().documents)

    @cached_property
    def layers(self) -> Layers:
        """Each annotator's layers by document id (texts with no gold yet included)."""
        return read_layers(self.layers_folder) if self.layers_folder.is_dir() else {}

    @cached_property
    def splits(self) -> dict[str, tuple[str, ...]]:
        """Each split's document ids, in file order (blank lines and comments skipped)."""
        return {
            path.stem: tuple(doc_id for _, doc_id in parse_split(path.read_text(encoding="utf-8")))
            for path in self.files().splits
        }

    def split_entries(self, name: str) -> list[tuple[int, str]]:
        """``(line number, document id)`` of one split file (for messages that name the line)."""
        return parse_split(self.split_file(name).read_text(encoding="utf-8"))

    @cached_property
    def adjudication(self) -> dict[str, Mapping[str, Any]]:
        """The adjudication record of each document that has one."""
        folder = self.adjudication_folder
        if not folder.is_dir():
            return {}
        return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))}
