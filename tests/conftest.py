"""Shared fixtures: the project root, the schema, and small documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportedly.schema import Schema, load_schema

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def schema() -> Schema:
    return load_schema(ROOT / "schema" / "schema.yaml")


# The real Label Studio server of the `studio` tests (see tests/studio_server.py).
pytest_plugins = ["studio_server"]
