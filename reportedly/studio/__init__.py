"""Annotation sessions in a real Label Studio: serve, set up, push, pull (see README.md, "Annotation session").

``server`` runs a local Label Studio; ``client`` talks to one over HTTP; everything about Label
Studio's JSON and files (tasks, exports, layers written from them) is :mod:`reportedly.convert.labelstudio`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from reportedly.incidents import ReportedlyError
from reportedly.studio.defaults import DEFAULT_DIR, DEFAULT_PROJECT

if TYPE_CHECKING:
    from reportedly.studio.client import (
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

_SERVER_NAMES = frozenset(
    ("DEFAULT_PORT", "ServeResult", "StudioPaths", "mask", "migrate_template", "running_server", "serve", "stop")
)


def __getattr__(name: str) -> Any:
    # the client pulls in urllib and the Label Studio converters: each name is loaded from its module
    # when first asked for, so that importing reportedly.studio.defaults (`reportedly --help`) loads neither
    if name not in __all__:
        raise AttributeError(f"module 'reportedly.studio' has no attribute {name!r}")
    module = "server" if name in _SERVER_NAMES else "client"
    return getattr(import_module(f"reportedly.studio.{module}"), name)
