"""The ``reportedly`` command line: a thin Typer app; every command calls one pure function."""

from __future__ import annotations

from reportedly.cli import annotation as _annotation  # noqa: F401  (registers commands)
from reportedly.cli import audit as _audit  # noqa: F401
from reportedly.cli import baselines as _baselines  # noqa: F401
from reportedly.cli import benchmark as _benchmark  # noqa: F401
from reportedly.cli import convert as _convert  # noqa: F401
from reportedly.cli import corpora as _corpora  # noqa: F401
from reportedly.cli import corpus as _corpus  # noqa: F401
from reportedly.cli import demo as _demo  # noqa: F401
from reportedly.cli import eval as _eval  # noqa: F401
from reportedly.cli import leaderboard as _leaderboard  # noqa: F401
from reportedly.cli import predict as _predict  # noqa: F401
from reportedly.cli import publish as _publish  # noqa: F401
from reportedly.cli import studio as _studio  # noqa: F401
from reportedly.cli import studio_backend as _studio_backend  # noqa: F401
from reportedly.cli import studio_files as _studio_files  # noqa: F401
from reportedly.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    app()
