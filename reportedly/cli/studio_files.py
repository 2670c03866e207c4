"""``reportedly convert labelstudio`` and ``convert labelstudio-export``: Label Studio's files, no server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from reportedly.cli.app import DEFAULT_SCHEMA, SchemaOption, console, fail, fail_from, open_schema
from reportedly.cli.convert import convert_app
from reportedly.cli.studio import DEFAULT_CONFIG, DEFAULT_LAYERS, AnnotatorMapOption, ConfigOption, DirOption
from reportedly.cli.studio_common import annotator_overrides, open_config, open_predictions, report_layers
from reportedly.document import atomic_write_text
from reportedly.incidents import ReportedlyError
from reportedly.studio.defaults import DEFAULT_DIR


@convert_app.command("labelstudio")
def convert_labelstudio(
    exports: Annotated[list[Path], typer.Argument(help="Label Studio JSON export files (format 'JSON').")],
    out: Annotated[Path, typer.Option(help="Layers folder: <out>/<annotator>/<doc-id>.json.")] = DEFAULT_LAYERS,
    force: Annotated[bool, typer.Option(help="Overwrite layers edited here since they were last written.")] = False,
    annotator: AnnotatorMapOption = None,
    config_path: ConfigOption = DEFAULT_CONFIG,
    root: DirOption = DEFAULT_DIR,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Label Studio JSON export files to annotation layers: the same conversion as `studio pull`.

    Example: reportedly convert labelstudio project-1-at-2025-01-01.json --out corpus/layers
    """
    from reportedly.convert import labelstudio
    from reportedly.studio.server import StudioPaths

    schema = open_schema(schema_path)
    config = open_config(config_path, schema) if config_path.exists() else None
    mapping = annotator_overrides(annotator)
    try:
        result = labelstudio.convert_export_files(
            exports, out, schema, config, annotators=mapping, state_path=StudioPaths(root).pull_state, force=force
        )
    except ReportedlyError as exc:
        raise fail_from(exc) from None
    report_layers(result, out)
    if result.has_errors:
        raise typer.Exit(1)


@convert_app.command("labelstudio-export")
def convert_to_labelstudio(
    inputs: Annotated[list[Path], typer.Argument(help="Corpus .json documents or folders, JSONL, or .txt files.")],
    out: Annotated[Path, typer.Option(help="The task file to import in Label Studio (.json).")],
    predictions: Annotated[Path | None, typer.Option(help="Prediction JSONL to include as pre-annotations.")] = None,
    system: Annotated[str | None, typer.Option(help="System name (model_version); default: from the file.")] = None,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Documents (and predictions) as a Label Studio task file: what `studio push` sends, for the UI's import.

    Example: reportedly convert labelstudio-export corpus/documents --out tasks.json
    """
    from reportedly.convert import labelstudio

    schema = open_schema(schema_path)
    try:
        docs = labelstudio.read_inputs(inputs)
    except ReportedlyError as exc:
        raise fail_from(exc) from None
    preds, system = open_predictions(predictions, system, {d.id: d.text for d in docs})
    try:
        tasks = labelstudio.tasks_payload(docs, schema, predictions=preds, system=system)
    except ValueError as exc:
        raise fail(str(exc), "RPT-LS-FORMAT") from None
    atomic_write_text(out, json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")
    console.print(f"{len(tasks)} task(s), {len(preds)} prediction(s) -> {out}", highlight=False)
