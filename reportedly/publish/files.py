"""Checksums of a published folder: ``SHA256SUMS`` in ``sha256sum`` format, written last."""

from __future__ import annotations

import hashlib
from pathlib import Path

CHECKSUMS = "SHA256SUMS"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def relative_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def write_checksums(folder: Path) -> None:
    lines = [f"{sha256_file(folder / rel)}  {rel}\n" for rel in relative_files(folder) if rel != CHECKSUMS]
    (folder / CHECKSUMS).write_text("".join(lines), encoding="utf-8", newline="\n")


def verify_checksums(folder: Path) -> list[str]:
    """Problems with ``folder/SHA256SUMS`` (missing, changed or unlisted files); empty when intact."""
    folder = Path(folder)
    listing = folder / CHECKSUMS
    if not listing.is_file():
        return [f"{listing} does not exist"]
    expected: dict[str, str] = {}
    for line in listing.read_text(encoding="utf-8").splitlines():
        digest, _, rel = line.partition("  ")
        expected[rel] = digest
    problems = []
    actual = {rel for rel in relative_files(folder) if rel != CHECKSUMS}
    for rel in sorted(actual - set(expected)):
        problems.append(f"{folder / rel} is not listed in {CHECKSUMS}")
    for rel, digest in sorted(expected.items()):
        if rel not in actual:
            problems.append(f"{folder / rel} is listed in {CHECKSUMS} but missing")
        elif sha256_file(folder / rel) != digest:
            problems.append(f"{folder / rel} differs from its checksum")
    return problems


def foreign_entries(folder: Path) -> list[str]:
    """Entries of ``folder`` (files, links, empty folders) that its ``SHA256SUMS`` does not list:
    what an earlier publish did not write, and ``--overwrite`` must not remove."""
    listing = folder / CHECKSUMS
    listed = {CHECKSUMS}
    for line in listing.read_text(encoding="utf-8", errors="replace").splitlines():
        listed.add(line.partition("  ")[2])
    parents = {parent.as_posix() for rel in listed for parent in Path(rel).parents} - {"."}
    foreign: list[str] = []
    pending = [folder]
    while pending:  # a folder publish did not make is reported once, not walked (a .git/ is large)
        for path in sorted(pending.pop().iterdir()):
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                foreign.append(rel)
            elif path.is_dir():
                if rel in parents:
                    pending.append(path)
                else:
                    foreign.append(rel + "/")
            elif rel not in listed:
                foreign.append(rel)
    return sorted(foreign)
