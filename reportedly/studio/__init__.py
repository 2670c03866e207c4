"""Annotation sessions in a real Label Studio: serve, set up, push, pull (see README.md, "Annotation session").

``server`` runs a local Label Studio; ``client`` talks to one over HTTP; everything about Label
Studio's JSON and files (tasks, exports, layers written from them) is :mod:`reportedly.convert.labelstudio`.
"""

from __future__ import annotations

from reportedly.incidents import ReportedlyError
from reportedly.studio.client import (
    DEFAULT_PROJECT,
    Connection,
    Project,
    PushResult,
    SetupResult,
    check_config,
    connect,
    fetch_export,
    find_project,
    instructions_html,
    invite_url,
    pull,
    push,
    require_project,
    resolve_settings,
    setup_project,
)
from reportedly.studio.server import (
    DEFAULT_DIR,
    DEFAULT_PORT,
    ServeResult,
    StudioPaths,
    mask,
    migrate_template,
    running_server,
    serve,
    stop,
)

__all__ = [
    "DEFAULT_DIR",
    "DEFAULT_PORT",
    "DEFAULT_PROJECT",
    "Connection",
    "Project",
    "PushResult",
    "ReportedlyError",
    "ServeResult",
    "SetupResult",
    "StudioPaths",
    "check_config",
    "connect",
    "fetch_export",
    "find_project",
    "instructions_html",
    "invite_url",
    "mask",
    "migrate_template",
    "pull",
    "push",
    "require_project",
    "resolve_settings",
    "running_server",
    "serve",
    "setup_project",
    "stop",
]
