"""``reportedly studio backend SYSTEM``: a model backend that pre-annotates tasks as they are opened."""

from __future__ import annotations

from typing import Annotated

import typer

from reportedly.cli.app import DEFAULT_SCHEMA, SchemaOption, console, fail, open_schema
from reportedly.cli.studio import studio_app
from reportedly.incidents import ReportedlyError
from reportedly.studio.defaults import DEFAULT_BACKEND_PORT, SECRET_ENV


@studio_app.command("backend")
def studio_backend_command(
    system: Annotated[
        str, typer.Argument(help="The system to serve: rules, crf, encoder or a model folder (reportedly.load_system).")
    ],
    port: Annotated[int, typer.Option(help="Port to listen on.")] = DEFAULT_BACKEND_PORT,
    host: Annotated[
        str, typer.Option(help=f"Address to bind; beyond loopback, {SECRET_ENV} is required.")
    ] = "127.0.0.1",
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Serve SYSTEM behind Label Studio's ML backend protocol (health, setup, predict) until Ctrl-C.

    Example: reportedly studio backend rules --port 9090 & reportedly studio setup --backend http://127.0.0.1:9090
    """
    from reportedly.cli.predict import DEFAULT_CACHE, load_for_cli
    from reportedly.studio import backend as studio_backend
    from reportedly.studio.server import mask

    schema = open_schema(schema_path)
    secret = studio_backend.secret_from_env()
    if system == "llm":
        raise fail(
            "the llm needs --base-url and --model: use `reportedly studio push --predict` for it", "RPT-CLI-OPTION"
        )
    try:
        studio_backend.check_binding(host, secret)  # before a trained system is loaded (or trained)
        predictor = load_for_cli(system, schema, corpus=None, cache=DEFAULT_CACHE)  # one system API
        server = studio_backend.serve_backend(predictor, schema, host=host, port=port, secret=secret)
    except ReportedlyError as exc:
        raise fail(str(exc), exc.code) from None
    guard = f"secret {mask(secret)} required" if secret else "no secret (loopback only)"
    console.print(f"model backend {system} on http://{host}:{port} ({guard}); Ctrl-C stops it", highlight=False)
    server.run()
