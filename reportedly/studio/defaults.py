"""Defaults the studio modules share with the command line, which shows them in its help.

A module of its own, importing nothing: ``reportedly --help`` reads these without loading the HTTP
client, the server or the Label Studio converters.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_DIR = Path(".studio")  # the local server's folder (reportedly.studio.server)
DEFAULT_PROJECT = "reportedly"  # the Label Studio project's title
SECRET_ENV = "REPORTEDLY_STUDIO_BACKEND_SECRET"  # the model backend's secret (reportedly.studio.backend)
DEFAULT_BACKEND_PORT = 9090
