"""A model backend for live pre-annotation: any system behind Label Studio's ML backend protocol.

Label Studio 1.23 calls (``label_studio/ml/api_connector.py``): ``GET /health``, ``POST /setup``
(``{project, schema, hostname, access_token, extra_params}``) and ``POST /predict`` (``{tasks,
project, label_config, params}``, answered by ``{"results": [{"result": [...], "model_version":
...}]}``, one per task, in order); on connecting it also registers ``POST /webhook`` for project
events. A task opened in the editor without a prediction is sent to ``/predict``, and the answer is
stored as its prediction. Predictions are the documents' Label Studio results as `studio push`
sends them (:func:`reportedly.convert.labelstudio.document_to_prediction`).

Label Studio's setup call carries its admin's API token; the backend neither keeps nor logs it.
Bound to loopback by default; bound elsewhere it requires a shared secret, which Label Studio sends
as HTTP Basic authentication (``auth_method=BASIC_AUTH``) and which the backend checks on every call.
"""

from __future__ import annotations

import base64
import hmac
import ipaddress
import os
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from reportedly.convert.labelstudio import DOC_ID_KEY, document_to_prediction
from reportedly.document import Document
from reportedly.incidents import ReportedlyError
from reportedly.schema import TEXT_NAME, Schema
from reportedly.studio.defaults import DEFAULT_BACKEND_PORT, SECRET_ENV
from reportedly.studio.server import mask

BASIC_USER = "reportedly"


class Predicting(Protocol):
    """A system as the backend needs it: :func:`reportedly.load_system` returns one (the command
    line loads it; this package sits beside the systems, not above them)."""

    @property
    def name(self) -> str: ...

    def predict(self, documents: Sequence[Document]) -> list[Document]: ...


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_binding(host: str, secret: str | None) -> None:
    """Bound beyond loopback, the backend must have a shared secret (of a useful length)."""
    if not is_loopback(host) and not secret:
        raise ReportedlyError.of(
            "RPT-STUDIO-BACKEND",
            f"the backend would be reachable from other machines on {host} without a secret; set {SECRET_ENV} "
            "(e.g. to the output of `python -c 'import secrets; print(secrets.token_urlsafe(32))'`), or bind "
            "127.0.0.1",
        )
    if secret is not None and len(secret) < 16:
        raise ReportedlyError.of(
            "RPT-STUDIO-BACKEND", f"{SECRET_ENV} is too short ({len(secret)} characters; 16 or more)"
        )


def _authorised(headers: Mapping[str, str], secret: str | None) -> bool:
    if secret is None:
        return True
    scheme, _, encoded = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        _, _, password = base64.b64decode(encoded).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return False
    return hmac.compare_digest(password.encode(), secret.encode())


def predictions_for(tasks: Sequence[Mapping[str, Any]], system: Predicting, schema: Schema) -> list[dict[str, Any]]:
    """One prediction per task, in order: the system's document as Label Studio results."""
    documents = []
    for task in tasks:
        data = task.get("data") or {}
        text = data.get(TEXT_NAME)
        if not isinstance(text, str):
            raise ValueError(f"task {task.get('id')} has no data.{TEXT_NAME}")
        documents.append(Document(str(data.get(DOC_ID_KEY) or f"task-{task.get('id')}"), text, {}))
    return [document_to_prediction(doc, schema, system.name) for doc in system.predict(documents)]


def create_app(system: Predicting, schema: Schema, *, secret: str | None = None) -> Any:
    """The Starlette application of the protocol."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def guarded(request: Request) -> JSONResponse | None:
        if not _authorised(request.headers, secret):
            return JSONResponse({"error": "authentication required"}, status_code=401)
        return None

    async def health(request: Request) -> JSONResponse:
        refused = await guarded(request)
        return refused or JSONResponse({"status": "UP", "model_class": "reportedly", "model_version": system.name})

    async def setup(request: Request) -> JSONResponse:
        refused = await guarded(request)  # the body carries Label Studio's admin token: never kept
        return refused or JSONResponse({"model_version": system.name})

    async def predict(request: Request) -> JSONResponse:
        refused = await guarded(request)
        if refused:
            return refused
        try:
            body = await request.json()
            tasks = body.get("tasks") if isinstance(body, dict) else None
            if not isinstance(tasks, list):
                raise ValueError("the body has no list of tasks")
            results = await run_in_threadpool(predictions_for, tasks, system, schema)  # health stays responsive
        except ValueError as exc:
            return JSONResponse({"error": f"RPT-STUDIO-BACKEND: {exc}"}, status_code=400)
        return JSONResponse({"results": results, "model_version": system.name})

    async def webhook(request: Request) -> JSONResponse:
        refused = await guarded(request)
        return refused or JSONResponse({})

    return Starlette(
        routes=[
            Route("/health", health, methods=["GET"]),
            Route("/", health, methods=["GET"]),
            Route("/setup", setup, methods=["POST"]),
            Route("/predict", predict, methods=["POST"]),
            Route("/webhook", webhook, methods=["POST"]),
        ]
    )


def serve_backend(
    system: Predicting,
    schema: Schema,
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_BACKEND_PORT,
    secret: str | None = None,
) -> Any:
    """A uvicorn server for the backend (call ``.run()``; it stops on Ctrl-C)."""
    import uvicorn

    check_binding(host, secret)
    config = uvicorn.Config(create_app(system, schema, secret=secret), host=host, port=port, log_level="warning")
    return uvicorn.Server(config)


def connect_backend(conn: Any, project_id: int, url: str, *, title: str, secret: str | None = None) -> dict[str, Any]:
    """Connect the project to the backend at ``url`` (once: an existing connection to it is updated),
    and let it pre-annotate each task as it is opened."""
    url = url.rstrip("/")
    body: dict[str, Any] = {"project": project_id, "url": url, "title": title, "is_interactive": False}
    if secret:
        body.update(auth_method="BASIC_AUTH", basic_auth_user=BASIC_USER, basic_auth_pass=secret)
    existing = [b for b in conn.request("GET", "api/ml", params={"project": project_id}) if b["url"].rstrip("/") == url]
    try:
        if existing:
            backend = conn.request("PATCH", f"api/ml/{existing[0]['id']}", json=body)
        else:
            backend = conn.request("POST", "api/ml", json=body)
    except ReportedlyError as exc:
        text = str(exc).replace(secret, mask(secret)) if secret else str(exc)
        hint = (
            "; Label Studio refuses model backends on reserved networks: run the backend on the server's "
            "machine, on 127.0.0.1, and start the server with `reportedly studio serve --local-backend`"
            if "reserved network" in text.lower() or "HTTP 500" in text
            else ""
        )
        raise ReportedlyError.of(
            "RPT-STUDIO-BACKEND", f"cannot connect the model backend {url}: {text}{hint}"
        ) from None
    conn.request("PATCH", f"api/projects/{project_id}/", json={"model_version": title, "show_collab_predictions": True})
    return dict(backend)


def secret_from_env(env: Mapping[str, str] | None = None) -> str | None:
    return (os.environ if env is None else env).get(SECRET_ENV) or None


def backend_system(url: str, secret: str | None = None) -> str:
    """The name of the system a running backend serves (from its health answer)."""
    import httpx

    auth = (BASIC_USER, secret) if secret else None
    try:
        response = httpx.get(f"{url.rstrip('/')}/health", auth=auth, timeout=10)
    except httpx.HTTPError as exc:
        raise ReportedlyError.of(
            "RPT-STUDIO-BACKEND",
            f"the model backend at {url} does not answer ({exc}); start it with `reportedly studio backend SYSTEM`",
        ) from None
    if response.status_code == 401:
        raise ReportedlyError.of("RPT-STUDIO-BACKEND", f"the model backend at {url} wants its secret: set {SECRET_ENV}")
    name = response.json().get("model_version") if response.status_code == 200 else None
    if not isinstance(name, str) or not name:
        raise ReportedlyError.of(
            "RPT-STUDIO-BACKEND", f"{url} is not a reportedly model backend (HTTP {response.status_code})"
        )
    return name
