"""The command line stays thin: a cli module uses only the public names of other modules.

What two commands share is a public helper (:mod:`reportedly.cli.studio_common`) or a library
function; reaching for another module's ``_private`` name means the work sits in the wrong place.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CLI = Path(__file__).resolve().parent.parent / "reportedly" / "cli"


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_uses(source: str, module: str) -> list[str]:
    """``line: what`` for each private name of another reportedly module that ``source`` imports
    (``from reportedly.x import _y``, ``import reportedly.x._y``, ``from . import _y``) or reaches
    through an imported module (``x._y``)."""
    package = module.rsplit(".", 1)[0]
    tree = ast.parse(source)
    modules: set[str] = set()  # local names bound to reportedly modules
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: counted from the package of this module
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], *([base] if base else [])])
            if not base.startswith("reportedly"):
                continue
            for alias in node.names:
                if _private(alias.name) or any(_private(part) for part in base.split(".")):
                    found.append(f"{node.lineno}: from {base} import {alias.name}")
                modules.add(alias.asname or alias.name)  # may be a module (from reportedly.cli import studio)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("reportedly"):
                    if any(_private(part) for part in alias.name.split(".")):
                        found.append(f"{node.lineno}: import {alias.name}")
                    modules.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in modules:
                found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


@pytest.mark.parametrize("path", sorted(CLI.glob("*.py")), ids=lambda p: p.name)
def test_no_cli_module_uses_a_private_name_of_another_module(path: Path) -> None:
    assert private_uses(path.read_text(encoding="utf-8"), f"reportedly.cli.{path.stem}") == []


def test_the_scan_finds_each_kind_of_private_use() -> None:
    source = "\n".join(
        [
            "from reportedly.cli.studio import DirOption, _mapping",
            "from .convert import _write",
            "import reportedly.convert._hidden",
            "from reportedly.studio import client as studio_client",
            "from reportedly.cli import annotation as _annotation",  # a public module bound to a private name
            "from typer._click.core import Context",  # not ours
            "studio_client._first_difference('a', 'b')",
            "studio_client.read_config",
            "self._cache",
        ]
    )
    assert private_uses(source, "reportedly.cli.x") == [
        "1: from reportedly.cli.studio import _mapping",
        "2: from reportedly.cli.convert import _write",
        "3: import reportedly.convert._hidden",
        "7: studio_client._first_difference",
    ]
