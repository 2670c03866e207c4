"""One incident vocabulary: every code written anywhere in the package is catalogued, with a
summary and a fix, and every exception the package defines is a ReportedlyError."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

import reportedly
from reportedly.incidents import REGISTRY, Incident, ReportedlyError, coded

PACKAGE = Path(reportedly.__file__).parent
CODE = re.compile(r"^RPT-[A-Z0-9]+(?:-[A-Z0-9]+)*$")


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__main__.py")


def _codes_written() -> dict[str, set[str]]:
    """Every string literal of the package (outside the catalogue) that is a whole incident code."""
    found: dict[str, set[str]] = {}
    for path in _modules():
        if path.parent == PACKAGE / "incidents" and path.name.startswith("codes"):  # the catalogue itself
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.match(node.value):
                found.setdefault(node.value, set()).add(str(path.relative_to(PACKAGE)))
    return found


def test_the_scan_finds_codes_of_every_part() -> None:
    written = _codes_written()
    for code in ("RPT-OFFSET-RANGE", "RPT-PRED-UNKNOWN-DOC", "RPT-BRAT-PARSE", "RPT-LS-OFFSET", "RPT-PUBLISH-UPLOAD"):
        assert code in written


def test_every_code_written_anywhere_is_catalogued_with_a_summary_and_a_fix() -> None:
    missing = {code: sorted(where) for code, where in _codes_written().items() if code not in REGISTRY}
    assert missing == {}
    for code, entry in REGISTRY.items():
        assert CODE.match(code), code
        assert entry.summary.strip() and entry.fix.strip(), code


def test_every_catalogued_code_is_used() -> None:
    """A code nobody reports is a stale entry (or a typo on the side that reports it)."""
    assert sorted(set(REGISTRY) - set(_codes_written())) == []


def test_the_package_defines_one_exception_type() -> None:
    defined = []
    for path in _modules():
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        module = importlib.import_module(name)
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == name and issubclass(cls, BaseException):
                defined.append(f"{name}.{cls_name}")
    assert defined == ["reportedly.incidents.ReportedlyError"]


def test_an_error_carries_its_incidents_and_the_first_error_code() -> None:
    warn = Incident("RPT-SPAN-WHITESPACE", "' x'")
    bad = Incident("RPT-OFFSET-RANGE", "[5, 3)", "a.json", 4)
    error = ReportedlyError([warn, bad])
    assert error.incidents == (warn, bad) and error.code == "RPT-OFFSET-RANGE"
    assert "a.json:4" in str(error) and "Fix:" in str(error)
    with pytest.raises(ReportedlyError) as raised:
        raise ReportedlyError.of("RPT-CLI-OPTION", "--average must be pooled or per-text")
    assert raised.value.code == "RPT-CLI-OPTION"


def test_every_exception_gets_a_code_and_a_message(tmp_path: Path) -> None:
    def raised(action: object) -> BaseException:
        try:
            action()  # type: ignore[operator]
        except Exception as exc:
            return exc
        raise AssertionError("nothing raised")

    assert coded(ReportedlyError.of("RPT-CLI-OPTION", "no")) == (
        "RPT-CLI-OPTION",
        "no. Fix: " + REGISTRY["RPT-CLI-OPTION"].fix + ".",
    )
    missing = raised(lambda: (tmp_path / "none").read_text())
    assert coded(missing) == ("RPT-PATH-MISSING", f"{tmp_path / 'none'}: no such file or folder")
    assert coded(raised(lambda: tmp_path.read_text()))[0] == "RPT-PATH-KIND"
    assert coded(raised(lambda: b"\xff".decode("utf-8")))[0] == "RPT-ENCODING"
    assert coded(RecursionError()) == ("RPT-JSON-SYNTAX", "an input is nested too deeply to read")
    assert coded(KeyError("x")) == ("RPT-INTERNAL", "KeyError: 'x'")
