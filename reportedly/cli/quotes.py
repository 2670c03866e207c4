"""``reportedly convert strings``: quoted spans (annotators, LLMs) to offset documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from reportedly.align import align_document
from reportedly.cli.app import DEFAULT_SCHEMA, SchemaOption, app, console, err_console, fail, open_schema
from reportedly.document import DocumentError, read_documents, write_document, write_jsonl
from reportedly.validate import Severity, check_document

convert_app = typer.Typer(help="Convert between reportedly documents and other formats.", no_args_is_help=True)
app.add_typer(convert_app, name="convert")


def _records(path: Path) -> list[tuple[str, Any]]:
    """Quote records from a .json file (one record or a list) or a .jsonl file, with their place."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return [(f"{path}:{n}", json.loads(line)) for n, line in enumerate(raw.splitlines(), 1) if line.strip()]
    data = json.loads(raw)
    return [(str(path), item) for item in (data if isinstance(data, list) else [data])]


@convert_app.command("strings")
def convert_strings(
    inputs: Annotated[list[Path], typer.Argument(help="Quote files (.json or .jsonl) of {id, spans, relations}.")],
    texts: Annotated[Path, typer.Option(help="Folder or .jsonl of documents that hold the texts.")],
    out: Annotated[Path, typer.Option(help="A folder (one <id>.json each) or a .jsonl file.")],
    annotator: Annotated[str | None, typer.Option(help="Write annotation layers for this annotator id.")] = None,
    method: Annotated[str | None, typer.Option(help="How the layer was produced (goes into provenance).")] = None,
    system: Annotated[str | None, typer.Option(help="Write predictions of this system name instead.")] = None,
    mode: Annotated[str, typer.Option(help="strict: repeated strings need context; order: resolve by order.")] = "strict",
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Find the offsets of quoted spans and write validated documents; report every unaligned item.

    Example: reportedly convert strings quotes/a1.jsonl --texts corpus/documents --annotator a1
    --method "independent pass" --out corpus/layers/a1
    """
    if (annotator is None) == (system is None):
        raise fail("give exactly one of --annotator (annotation layer) or --system (predictions)", "RPT-CLI-OPTION")
    if annotator is not None and not method:
        raise fail("--annotator needs --method (e.g. 'independent pass')", "RPT-CLI-OPTION")
    if mode not in ("strict", "order"):
        raise fail(f"--mode must be strict or order, not {mode!r}", "RPT-CLI-OPTION")
    schema = open_schema(schema_path)
    try:
        by_id = {doc.id: doc for doc in read_documents(texts)}
    except (DocumentError, OSError) as exc:
        raise fail(f"cannot read texts: {exc}", getattr(exc, "code", "RPT-PATH-MISSING")) from None
    provenance: dict[str, Any] = (
        {"layer": "annotation", "annotators": [annotator], "method": method, "schema_version": schema.version}
        if annotator is not None
        else {"layer": "prediction", "system": system, "schema_version": schema.version}
    )
    documents, problems, invalid = [], 0, 0
    for path in inputs:
        try:
            records = _records(path)
        except (OSError, json.JSONDecodeError) as exc:
            raise fail(f"{path}: {exc}", "RPT-JSON-SYNTAX") from None
        for where, record in records:
            doc_id = record.get("id") if isinstance(record, dict) else None
            if doc_id not in by_id:
                raise fail(f"{where}: document id {doc_id!r} is not in {texts}", "RPT-ALIGN-UNKNOWN-DOC")
            source = by_id[doc_id]
            result = align_document(record, source.text, meta=source.meta, provenance=provenance,
                                    mode=mode)  # type: ignore[arg-type]
            for problem in result.problems:
                problems += 1
                err_console.print(f"{where}: {problem.doc_id} {problem.item}: {problem.reason}: {problem.message}",
                                  highlight=False, markup=False)
            for incident in check_document(result.document, schema):
                if incident.severity is Severity.ERROR:
                    invalid += 1
                err_console.print(f"{where}: {incident.render()}", highlight=False, markup=False)
            documents.append(result.document)
    if problems or invalid:
        raise fail(f"{problems} item(s) not aligned and {invalid} validation error(s); nothing written",
                   "RPT-ALIGN-INCOMPLETE")
    if out.suffix == ".jsonl":
        write_jsonl(out, documents)
    else:
        for doc in documents:
            write_document(out / f"{doc.id}.json", doc)
    spans = sum(len(d.spans) for d in documents)
    console.print(f"aligned {spans} span(s) in {len(documents)} document(s) -> {out}", highlight=False)
