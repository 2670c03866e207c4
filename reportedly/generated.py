"""Generated files and generated sections of hand-written files, with a staleness check.

Every generated view (schema files, LABELING.md tables, corpus statistics, leaderboard) goes
through :func:`update`, so ``--check`` means the same thing everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from reportedly.document import atomic_write_text
from reportedly.incidents import ReportedlyError


@dataclass(frozen=True)
class Outcome:
    path: Path
    changed: bool  # True: written (or, in check mode, stale)


def begin_marker(name: str) -> str:
    return f"<!-- BEGIN GENERATED: {name} -->"


def end_marker(name: str) -> str:
    return f"<!-- END GENERATED: {name} -->"


def replace_section(document: str, name: str, body: str, *, where: str = "") -> str:
    """Replace what lies between the named markers; the markers must each occur exactly once."""
    begin, end = begin_marker(name), end_marker(name)
    if document.count(begin) != 1 or document.count(end) != 1:
        raise ReportedlyError.of(
            "RPT-GENERATED-MARKERS",
            f"{where or 'document'}: expected exactly one '{begin}' and one '{end}' line; "
            "add them where the generated section belongs",
        )
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    return pattern.sub(lambda _: f"{begin}\n{body.rstrip()}\n{end}", document, count=1)


def read_text_file(path: Path, *, what: str = "file") -> str:
    """A UTF-8 text file, or a coded error naming it: missing, a folder, unreadable or not UTF-8."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportedlyError.of("RPT-PATH-MISSING", f"the {what} does not exist", file=str(path)) from None
    except IsADirectoryError:
        raise ReportedlyError.of("RPT-PATH-KIND", f"the {what} is a folder, not a file", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise ReportedlyError.of(
            "RPT-ENCODING", f"the {what} is not UTF-8 (byte {exc.start})", file=str(path)
        ) from None
    except OSError as exc:
        raise ReportedlyError.of("RPT-IO", f"cannot read the {what}: {exc.strerror or exc}", file=str(path)) from None


def update(path: Path, content: str, *, check: bool) -> Outcome:
    """Write ``content`` to ``path`` unless identical; in check mode only report staleness."""
    path = Path(path)
    current = read_text_file(path, what="generated file") if path.exists() else None
    if current == content:
        return Outcome(path, False)
    if not check:
        atomic_write_text(path, content)
    return Outcome(path, True)


def update_section(path: Path, name: str, body: str, *, check: bool) -> Outcome:
    path = Path(path)
    current = read_text_file(path, what="file with generated sections")
    return update(path, replace_section(current, name, body, where=str(path)), check=check)
