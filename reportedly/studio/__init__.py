"""Annotation sessions in a real Label Studio: serve, set up, push, pull (see docs/annotation-session.md).

``server`` runs a local Label Studio; ``client`` talks to one; the conversion between our documents
and Label Studio's JSON is the pure module :mod:`reportedly.convert.labelstudio`.
"""

from __future__ import annotations

from reportedly.studio.client import (
    DEFAULT_PROJECT,
    Connection,
    Project,
    PushResult,
    SetupResult,
    WriteResult,
    check_config,
    connect,
    fetch_export,
    find_project,
    instructions_html,
    invite_url,
    pull,
    push,
    read_inputs,
    require_project,
    resolve_settings,
    setup_project,
    write_layers,
)
from reportedly.studio.server import (
    DEFAULT_DIR,
    DEFAULT_PORT,
    ServeResult,
    StudioError,
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
    "ServeResult",
    "SetupResult",
    "StudioError",
    "StudioPaths",
    "WriteResult",
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
    "read_inputs",
    "require_project",
    "resolve_settings",
    "running_server",
    "serve",
    "setup_project",
    "stop",
    "write_layers",
]
