"""``reportedly studio serve|stop|status|setup|invite|push|pull`` (``convert labelstudio``: :mod:`.studio_files`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from reportedly.cli import studio_rounds
from reportedly.cli.app import (
    DEFAULT_SCHEMA,
    HelpGroup,
    SchemaOption,
    app,
    console,
    err_console,
    fail,
    fail_from,
    open_schema,
)
from reportedly.cli.studio_common import annotator_overrides, open_config, open_predictions, report_layers
from reportedly.cli.studio_rounds import DbOption, LocalBackendOption, RoundOption
from reportedly.corpus import Corpus
from reportedly.incidents import ReportedlyError
from reportedly.schema import PACKAGE_ROOT
from reportedly.studio.database import parse_database
from reportedly.studio.defaults import DEFAULT_DIR, DEFAULT_PROJECT

# the Label Studio client, server and converters are imported where they are used: not at --help
if TYPE_CHECKING:
    from reportedly.studio import client as studio_client

studio_app = typer.Typer(
    cls=HelpGroup,
    help="Annotation sessions in a local Label Studio: serve, setup, push, pull (see README.md, 'Annotation session').",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(studio_app, name="studio")

DirOption = Annotated[
    Path,
    typer.Option(
        "--dir",
        envvar="REPORTEDLY_STUDIO_DIR",
        help="Folder of the local server: data, credentials (0600), pid, log, pull state.",
    ),
]
UrlOption = Annotated[
    str | None,
    typer.Option("--url", help="Label Studio URL (default: LABEL_STUDIO_URL, else the server `studio serve` started)."),
]
ProjectOption = Annotated[str, typer.Option("--project", help="Title of the Label Studio project.")]
ConfigOption = Annotated[Path, typer.Option("--config", help="The labeling config (generated from the schema).")]
AnnotatorMapOption = Annotated[
    list[str] | None,
    typer.Option("--annotator", help="USER=ID: annotator id for a Label Studio user (e-mail or user id); repeatable."),
]
DEFAULT_CONFIG = PACKAGE_ROOT / "schema" / "labelstudio.xml"
DEFAULT_INSTRUCTIONS = PACKAGE_ROOT / "LABELING.md"
DEFAULT_LAYERS = Corpus(Path("corpus")).layers_folder


def _connect(root: Path, url: str | None) -> studio_client.Connection:
    from reportedly.studio import client as studio_client
    from reportedly.studio.server import StudioPaths

    paths = StudioPaths(root)
    try:
        settings = studio_client.resolve_settings(paths, url=url)
        return studio_client.connect(settings.url, settings.token, token_source=settings.token_source)
    except ReportedlyError as exc:
        raise fail_from(exc) from None


# --- server -------------------------------------------------------------------------------------


@studio_app.command("serve")
def studio_serve(
    root: DirOption = DEFAULT_DIR,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (the next free one when busy).")] = 8080,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the server to answer.")] = 300.0,
    db: DbOption = None,
    local_backend: LocalBackendOption = False,
) -> None:
    """Start a local Label Studio (127.0.0.1 only) with an admin and API token made on the first start.

    Example: reportedly studio serve --db postgresql://labelstudio@127.0.0.1:5432/labelstudio
    """
    from reportedly.studio import server as studio_server
    from reportedly.studio.server import StudioPaths, mask

    paths = StudioPaths(root)
    try:
        result = studio_server.serve(
            paths,
            port=port,
            timeout=timeout,
            on_progress=lambda m: console.print(m, highlight=False),
            database=parse_database(db),
            loopback_backends=local_backend,
        )
    except ReportedlyError as exc:
        raise fail_from(exc) from None
    info, creds = result.info, result.credentials
    state = f"started in {result.seconds:.1f} s" if result.started else "already running"
    console.print(
        f"Label Studio is running at {info.url} (pid {info.pid}; {state}); database {info.database}", highlight=False
    )
    if result.started and info.port != result.requested_port:
        console.print(f"port {result.requested_port} was busy: Label Studio took {info.port}", highlight=False)
    where = (
        f"the password in {paths.credentials} (readable only by you)"
        if creds.password
        else "the password in LABEL_STUDIO_PASSWORD"
    )
    console.print(f"Log in as {creds.username} with {where}.", highlight=False)
    console.print(f"API token {mask(creds.token)} (kept in {paths.credentials}); log: {paths.log}", highlight=False)
    console.print("Next: reportedly studio setup; stop it with: reportedly studio stop", highlight=False)


@studio_app.command("stop")
def studio_stop(root: DirOption = DEFAULT_DIR, round_name: RoundOption = None) -> None:
    """Stop the Label Studio that `studio serve` started from this folder (by its pid), or a round's servers.

    Example: reportedly studio stop
    """
    from reportedly.studio import server as studio_server
    from reportedly.studio.server import StudioPaths

    if round_name:
        studio_rounds.stop(root, round_name)
        return
    console.print(studio_server.stop(StudioPaths(root)).message, highlight=False)


@studio_app.command("status")
def studio_status(root: DirOption = DEFAULT_DIR, round_name: RoundOption = None) -> None:
    """Say whether the server of this folder runs, and where; with --round, each annotator's progress.

    Example: reportedly studio status --round r2
    """
    from reportedly.studio import server as studio_server
    from reportedly.studio.server import StudioPaths

    if round_name:
        studio_rounds.status(root, round_name)
        return
    info = studio_server.running_server(StudioPaths(root))
    if info is None:
        console.print(f"no server running from {root}; start one with `reportedly studio serve`", highlight=False)
        raise typer.Exit(1)
    health = studio_server.http_status(f"{info.url}/health")
    console.print(
        f"running at {info.url} (pid {info.pid}, health {health}); database {info.database}; "
        f"data {info.data_dir}; log {info.log}",
        highlight=False,
    )


# --- project ------------------------------------------------------------------------------------


@studio_app.command("setup")
def studio_setup(
    project: ProjectOption = DEFAULT_PROJECT,
    config_path: ConfigOption = DEFAULT_CONFIG,
    instructions: Annotated[Path, typer.Option(help="Annotator instructions (Markdown).")] = DEFAULT_INSTRUCTIONS,
    overlap: Annotated[int, typer.Option(help="Annotators per task (independent passes).")] = 2,
    url: UrlOption = None,
    root: DirOption = DEFAULT_DIR,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
    round_name: RoundOption = None,
    annotators: Annotated[str | None, typer.Option(help="With --round: the annotators, a1,a2,a3.")] = None,
    db: DbOption = None,
    port: Annotated[int, typer.Option(help="With --round: the first annotator's port.")] = 8101,
    local_backend: LocalBackendOption = False,
    backend: Annotated[
        str | None,
        typer.Option(
            help="URL of a model backend (`studio backend`) that pre-annotates each task as it is opened; "
            "its secret, if any, from REPORTEDLY_STUDIO_BACKEND_SECRET."
        ),
    ] = None,
) -> None:
    """Create the project, or update it (matched by title): labeling config and instructions.

    With --round, start one server per annotator (database <db>_<round>_<annotator> on PostgreSQL)
    and set up the same project on each.

    Example: reportedly studio setup --round r2 --annotators a1,a2,a3
    """
    from reportedly.studio import client as studio_client

    schema = open_schema(schema_path)
    config = open_config(config_path, schema)
    if not instructions.exists():
        raise fail(f"{instructions} does not exist", "RPT-PATH-MISSING")
    if round_name:
        studio_rounds.setup(
            root,
            round_name,
            annotators,
            db=db,
            port=port,
            local_backend=local_backend,
            config=config,
            instructions=studio_client.instructions_html(instructions.read_text(encoding="utf-8")),
            description=f"reportedly: claims, sources and hedges (schema {schema.version}); round {round_name}",
        )
        return
    conn = _connect(root, url)
    try:
        result = studio_client.setup_project(
            conn,
            title=project,
            config=config,
            instructions=studio_client.instructions_html(instructions.read_text(encoding="utf-8")),
            description=f"reportedly: claims, sources and hedges (schema {schema.version})",
            overlap=overlap,
        )
        connected = _connect_backend(conn, result.project.id, backend) if backend else ""
    except ReportedlyError as exc:
        raise fail_from(exc) from None
    action = (
        "created"
        if result.created
        else ("updated " + ", ".join(result.changed) if result.changed else "already up to date")
    )
    console.print(
        f"project {project!r} (id {result.project.id}) {action}: {conn.url}/projects/{result.project.id}",
        highlight=False,
    )
    if connected:
        console.print(connected, highlight=False)


def _connect_backend(conn: studio_client.Connection, project_id: int, url: str) -> str:
    from reportedly.studio import backend as studio_backend

    secret = studio_backend.secret_from_env()
    system = studio_backend.backend_system(url, secret)
    studio_backend.connect_backend(conn, project_id, url, title=system, secret=secret)
    return f"model backend {system} at {url} connected: each task is pre-annotated when it is opened"


@studio_app.command("invite")
def studio_invite(url: UrlOption = None, root: DirOption = DEFAULT_DIR) -> None:
    """Print the sign-up link that lets annotators join (sign-up without it is off).

    Example: reportedly studio invite
    """
    from reportedly.studio import client as studio_client

    conn = _connect(root, url)
    try:
        console.print(studio_client.invite_url(conn), highlight=False, soft_wrap=True)
    except ReportedlyError as exc:
        raise fail_from(exc) from None


@studio_app.command("push")
def studio_push(
    inputs: Annotated[
        list[Path], typer.Argument(help="Corpus .json documents or folders, JSONL of {id, text, meta}, or .txt files.")
    ],
    predictions: Annotated[Path | None, typer.Option(help="Prediction JSONL to show as pre-annotations.")] = None,
    predict_with: Annotated[
        str | None,
        typer.Option(
            "--predict", metavar="SYSTEM", help="Run a system (rules, crf, encoder, a model folder) on the texts first."
        ),
    ] = None,
    system: Annotated[str | None, typer.Option(help="System name (model_version); default: from the file.")] = None,
    batch_size: Annotated[int, typer.Option(help="Tasks per import request.")] = 500,
    project: ProjectOption = DEFAULT_PROJECT,
    config_path: ConfigOption = DEFAULT_CONFIG,
    url: UrlOption = None,
    root: DirOption = DEFAULT_DIR,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
    round_name: RoundOption = None,
) -> None:
    """Import documents as tasks (never twice: matched by document id), optionally with predictions.

    Example: reportedly studio push inbox/*.txt --predict rules
    """
    from rich.progress import Progress

    from reportedly.convert import labelstudio
    from reportedly.studio import client as studio_client

    schema = open_schema(schema_path)
    config = open_config(config_path, schema)
    try:
        docs = labelstudio.read_inputs(inputs)
    except ReportedlyError as exc:
        raise fail_from(exc) from None
    if predictions is not None and predict_with is not None:
        raise fail("give --predictions FILE or --predict SYSTEM, not both", "RPT-CLI-OPTION")
    preds, system = open_predictions(predictions, system, {d.id: d.text for d in docs})
    if predict_with is not None:
        from reportedly.cli.predict import DEFAULT_CACHE, load_for_cli

        predictor = load_for_cli(predict_with, schema, corpus=None, cache=DEFAULT_CACHE)
        preds = predictor.predict(docs)
        system = system or predictor.name
    if round_name:
        studio_rounds.push(root, round_name, docs, schema, config=config, preds=preds, system=system)
        return
    conn = _connect(root, url)
    try:
        found = studio_client.require_project(conn, project)
        studio_client.check_config(conn, found, config)
        with Progress(console=console, transient=True) as bar:
            job = bar.add_task("pushing", total=max(1, len(docs)))
            result = studio_client.push(
                conn,
                found,
                docs,
                schema,
                predictions=preds,
                system=system,
                batch_size=batch_size,
                on_progress=lambda done, total: bar.update(job, completed=done, total=total),
            )
    except ReportedlyError as exc:
        raise fail_from(exc) from None
    for conflict in result.conflicts:
        err_console.print(Text(conflict, style="red"), highlight=False)
    predicted = (
        f"; predictions of {system}: {result.predictions_created} created, {result.predictions_updated} "
        f"updated, {result.predictions_unchanged} unchanged"
        if preds
        else ""
    )
    console.print(
        f"{result.created} task(s) created, {result.already_there} already there, "
        f"{len(result.conflicts)} conflict(s){predicted} ({result.seconds:.1f} s)",
        highlight=False,
    )
    if result.conflicts:
        raise typer.Exit(1)


@studio_app.command("pull")
def studio_pull(
    out: Annotated[Path, typer.Option(help="Layers folder: <out>/<annotator>/<doc-id>.json.")] = DEFAULT_LAYERS,
    force: Annotated[bool, typer.Option(help="Overwrite layers edited here since the last pull.")] = False,
    annotator: AnnotatorMapOption = None,
    project: ProjectOption = DEFAULT_PROJECT,
    config_path: ConfigOption = DEFAULT_CONFIG,
    url: UrlOption = None,
    root: DirOption = DEFAULT_DIR,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
    round_name: RoundOption = None,
) -> None:
    """Export every submitted annotation and write one layer per annotator and document.

    Example: reportedly studio pull --round r2 --out corpus/layers
    """
    from reportedly.studio import client as studio_client
    from reportedly.studio.server import StudioPaths

    schema = open_schema(schema_path)
    config = open_config(config_path, schema)
    if round_name:
        if not studio_rounds.pull(root, round_name, schema, out, config=config, force=force):
            raise typer.Exit(1)
        return
    mapping = annotator_overrides(annotator)
    conn = _connect(root, url)
    try:
        found = studio_client.require_project(conn, project)
        result = studio_client.pull(
            conn,
            found,
            schema,
            out,
            config=config,
            state_path=StudioPaths(root).pull_state,
            force=force,
            annotators=mapping,
        )
    except ReportedlyError as exc:
        raise fail_from(exc) from None
    report_layers(result, out)
    if result.has_errors:
        raise typer.Exit(1)
