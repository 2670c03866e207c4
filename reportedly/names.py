"""THE rule for ids and names that become file names, and THE join of a name to a folder.

Document ids, annotator names, split names and system names all end up in paths
(``corpus/layers/<annotator>/<id>.json``, ``eval/baselines/<system>/<split>.jsonl``), so one rule
decides what such a name may be, and every reader and writer asks it:

- it starts with a letter or a digit and goes on with letters, digits, ``.``, ``_`` and ``-``;
- it holds no ``..``, no path separator, no whitespace or control character, and it is at most
  :data:`MAX_NAME` characters long;
- it is anchored at the very end (``\\Z``): ``"d1\\n"`` is not ``"d1"`` (a ``$`` would accept it).

>>> is_valid_name("wire-0007"), is_valid_name("d1\\n"), is_valid_name("../x"), is_valid_name("a..b")
(True, False, False, False)

:func:`join_inside` joins names to an output folder and refuses any result that resolves outside
it, symbolic links included; writers use it for every path they build from a name.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from reportedly.incidents import Incident, ReportedlyError

MAX_NAME = 200  # room for suffixes such as ".disagreements.json" under the usual 255-byte limit
NAME_BODY = rf"(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{{0,{MAX_NAME - 1}}}"
NAME_PATTERN = re.compile(rf"{NAME_BODY}\Z")
# JSON Schema has no \Z, and Python's jsonschema lets a "$" match before a final newline:
# "(?![\s\S])" (nothing at all follows) is the same anchor, in the dialect both understand.
NAME_JSON_PATTERN = rf"^{NAME_BODY}(?![\s\S])"
NAME_RULE = (
    "an id starts with a letter or digit and uses only letters, digits, '.', '_' and '-' "
    f"(no '..', no spaces, no path separators, at most {MAX_NAME} characters)"
)


def is_valid_name(name: object) -> bool:
    """True when ``name`` is a string that can be an id and a file name."""
    return isinstance(name, str) and NAME_PATTERN.match(name) is not None


def check_name(name: object, *, what: str = "id", file: str | None = None, line: int | None = None) -> str:
    """``name`` when it follows the rule; a coded error (``RPT-ID-INVALID``) naming it otherwise."""
    if is_valid_name(name):
        return str(name)
    message = f"{what} {name!r} cannot be used: {NAME_RULE}"
    raise ReportedlyError(Incident("RPT-ID-INVALID", message, file, line), _with_fix("RPT-ID-INVALID", message, file))


def _with_fix(code: str, message: str, file: str | None) -> str:
    from reportedly.incidents import REGISTRY

    where = f"{file}: " if file else ""
    return f"{where}{message}. Fix: {REGISTRY[code].fix}."


_UNSAFE_PART = re.compile(r"[\x00-\x1f\x7f/\\]")


def join_inside(folder: Path, *parts: str) -> Path:
    """``folder / part / ...``, refused (``RPT-PATH-ESCAPE``) unless every part is one plain file
    name (no separator, no ``.`` or ``..``, no control character) and the result, with every
    symbolic link resolved, stays inside ``folder``.

    >>> join_inside(Path("out"), "a1", "wire-0001.json").as_posix()
    'out/a1/wire-0001.json'
    >>> join_inside(Path("out"), "../../x.json")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    reportedly.incidents.ReportedlyError: out: '../../x.json' would be written outside out. ...
    """
    folder = Path(folder)
    for part in parts:
        if not isinstance(part, str) or not part or part in (".", "..") or _UNSAFE_PART.search(part):
            raise _escape(folder, str(part))
    target = folder.joinpath(*parts)
    base = folder.resolve()
    if not target.resolve().is_relative_to(base):  # a symbolic link inside the folder that points out
        raise _escape(folder, os.path.join(*parts))
    return target


def _escape(folder: Path, name: str) -> ReportedlyError:
    message = f"{name!r} would be written outside {folder}"
    incident = Incident("RPT-PATH-ESCAPE", message, str(folder))
    return ReportedlyError(incident, _with_fix("RPT-PATH-ESCAPE", message, str(folder)))
