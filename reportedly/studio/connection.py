"""The connection to a Label Studio server: which URL and token (the folder's token only for the
folder's own server), and a checked connection with a connect timeout and a timeout per call."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reportedly.incidents import ReportedlyError
from reportedly.studio.server import StudioPaths, mask, read_credentials, read_server_info

DEFAULT_URL = "http://127.0.0.1:8080"


# --- connection ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    url: str
    token: str
    token_source: str


def resolve_settings(paths: StudioPaths, *, url: str | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Where the server is and which token to use.

    URL: ``--url``, else LABEL_STUDIO_URL, else the server this folder started.
    Token: LABEL_STUDIO_API_KEY (given for whatever URL is used), else, only for the server this
    folder started, LABEL_STUDIO_USER_TOKEN or the folder's credentials file. The folder's token
    never goes to another address: a foreign URL without LABEL_STUDIO_API_KEY is refused
    (``RPT-STUDIO-FOREIGN-URL``) before anything is sent.
    """
    env = os.environ if env is None else env
    info = read_server_info(paths)
    ours = info.url.rstrip("/") if info and info.url else None
    asked = url or env.get("LABEL_STUDIO_URL")
    resolved_url = (asked or ours or DEFAULT_URL).rstrip("/")
    if env.get("LABEL_STUDIO_API_KEY"):
        return Settings(resolved_url, env["LABEL_STUDIO_API_KEY"], "LABEL_STUDIO_API_KEY")
    if ours is not None and resolved_url == ours:
        if env.get("LABEL_STUDIO_USER_TOKEN"):  # the same precedence as `serve`
            return Settings(resolved_url, env["LABEL_STUDIO_USER_TOKEN"], "LABEL_STUDIO_USER_TOKEN")
        return Settings(resolved_url, read_credentials(paths).get("token", ""), str(paths.credentials))
    if asked:
        started = f"the one started from {paths.root} is at {ours}" if ours else f"none was started from {paths.root}"
        raise ReportedlyError.of(
            "RPT-STUDIO-FOREIGN-URL",
            f"{resolved_url} is not the Label Studio this project folder started ({started}), so its token is "
            "not sent there; set LABEL_STUDIO_API_KEY to the token of that server",
        )
    raise ReportedlyError.of(
        "RPT-STUDIO-UNREACHABLE",
        f"no Label Studio started from {paths.root} is running; start it with `reportedly studio serve`, "
        "or give --url with LABEL_STUDIO_API_KEY",
    )


@dataclass
class Connection:
    url: str
    token: str
    client: Any  # label_studio_sdk.LabelStudio
    user: dict[str, Any]

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """A raw API call through the SDK's authenticated HTTP client (pinned SDK 2.1.2)."""
        import httpx

        try:
            response = self.client._client_wrapper.httpx_client.request(path, method=method, **kwargs)
        except httpx.TimeoutException:
            raise ReportedlyError.of(
                "RPT-STUDIO-TIMEOUT", f"no answer from {self.url} to {method} /{path} in time; the server may be busy"
            ) from None
        if response.status_code >= 400:
            raise ReportedlyError.of(
                "RPT-STUDIO-API",
                f"{method} {self.url}/{path} failed: HTTP {response.status_code} {response.text[:500]}",
            )
        return response.json() if response.content else None


def api_error_text(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    return json.dumps(body, ensure_ascii=False)[:800] if body is not None else str(exc)[:800]


CONNECT_TIMEOUT = 5.0  # seconds to open a connection: a local or LAN server answers in milliseconds


def call_timeout(default: float) -> float:
    """Seconds to wait for one answer: REPORTEDLY_STUDIO_TIMEOUT, else ``default``."""
    try:
        return float(os.environ.get("REPORTEDLY_STUDIO_TIMEOUT") or default)
    except ValueError:
        return default


def connect(url: str, token: str, *, token_source: str = "the token", timeout: float | None = None) -> Connection:
    """A checked connection: the server answers and accepts the token.

    A connection is given :data:`CONNECT_TIMEOUT` seconds; each call then waits at most ``timeout``
    seconds (REPORTEDLY_STUDIO_TIMEOUT, default 120) for its answer, and the first call (whoami)
    a tenth of that, at least 5 s: a server that accepts and never answers fails fast, with a code
    (``RPT-STUDIO-TIMEOUT``) and what was being waited for."""
    import httpx
    from label_studio_sdk import LabelStudio
    from label_studio_sdk.core.api_error import ApiError

    url = url.rstrip("/")
    start_hint = "start it with `reportedly studio serve`, or point to a running one with --url or LABEL_STUDIO_URL"
    if not token:
        raise ReportedlyError.of(
            "RPT-STUDIO-TOKEN",
            f"no API token for {url}: set LABEL_STUDIO_API_KEY, or run `reportedly studio serve`, "
            "which keeps one in .studio/credentials.json",
        )
    per_call = timeout if timeout is not None else call_timeout(120.0)
    first = min(per_call, max(5.0, per_call / 10))
    http = httpx.Client(timeout=httpx.Timeout(per_call, connect=CONNECT_TIMEOUT), follow_redirects=True)
    factory: Any = LabelStudio  # the SDK's constructor is untyped
    client = factory(base_url=url, api_key=token, httpx_client=http, max_retries=0)  # timeouts: the client's
    try:
        whoami = client.users.whoami(request_options={"timeout": httpx.Timeout(first, connect=CONNECT_TIMEOUT)})
    except httpx.ReadTimeout:
        raise ReportedlyError.of(
            "RPT-STUDIO-TIMEOUT",
            f"{url} accepted the connection but gave no answer to GET /api/current-user/whoami "
            f"(checking the API token) within {first:.0f} s; is this a running Label Studio?",
        ) from None
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        raise ReportedlyError.of(
            "RPT-STUDIO-UNREACHABLE", f"Label Studio is not reachable at {url} ({exc}); {start_hint}"
        ) from None
    except ApiError as exc:
        if exc.status_code in (401, 403):
            raise ReportedlyError.of(
                "RPT-STUDIO-TOKEN",
                f"Label Studio at {url} refused the API token {mask(token)} from {token_source} "
                f"(HTTP {exc.status_code}). Use the token of this server: the one in .studio/credentials.json "
                "for a server started by `reportedly studio serve`, or set LABEL_STUDIO_API_KEY to the token "
                "shown under Account & Settings (a legacy token is accepted only when the server was first "
                "started with LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN=true; else use a personal access token)",
            ) from None
        raise ReportedlyError.of(
            "RPT-STUDIO-UNREACHABLE",
            f"Label Studio at {url} answered HTTP {exc.status_code} to whoami: "
            f"{api_error_text(exc)}; is this a Label Studio server?",
        ) from None
    except httpx.HTTPError as exc:
        raise ReportedlyError.of(
            "RPT-STUDIO-UNREACHABLE", f"Label Studio is not reachable at {url} ({exc}); {start_hint}"
        ) from None
    return Connection(url, token, client, whoami.dict() if hasattr(whoami, "dict") else dict(whoami))
