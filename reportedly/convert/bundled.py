"""The brat label mappings shipped in ``reportedly/convert/mappings``, by name.

A module of its own so that the command line can list them in its help without loading the brat
converter.
"""

from __future__ import annotations

from importlib import resources

BUNDLED_DIR = "mappings"


def bundled_mappings() -> list[str]:
    """Names of the mappings shipped in ``reportedly/convert/mappings``."""
    folder = resources.files("reportedly.convert").joinpath(BUNDLED_DIR)
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))
