"""Commands on the corpus and the schema: validate, schema build, stats, demo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from reportedly.cli.app import DEFAULT_SCHEMA, SchemaOption, app, console, error_code, fail, open_schema, schema_app
from reportedly.document import Document, read_documents
from reportedly.generated import update_section
from reportedly.incidents import ReportedlyError, Severity
from reportedly.schema import PACKAGE_ROOT

DEFAULT_CORPUS = Path("corpus")
STATISTICS_SECTION = "statistics"
DIVERSITY_SECTION = "diversity"


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Corpus folders, document folders, .json or .jsonl files.")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", help="text or json")] = "text",
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")] = False,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Check documents, layers and splits; exit 1 when any error is found.

    Example: reportedly validate corpus tests/fixtures/valid/minimal.json --format json
    """
    from reportedly.validate import validate_paths

    if output_format not in ("text", "json"):
        raise fail(f"--format must be text or json, not {output_format!r}", "RPT-CLI-OPTION")
    schema = open_schema(schema_path)
    report = validate_paths(paths or [DEFAULT_CORPUS], schema)
    if output_format == "json":
        print(
            json.dumps(
                {
                    "files": report.files,
                    "documents": report.documents,
                    "errors": report.errors,
                    "warnings": report.warnings,
                    "incidents": [i.to_dict() for i in report.incidents],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for incident in report.incidents:
            style = "red" if incident.severity is Severity.ERROR else "yellow"
            console.print(incident.render(), style=style, highlight=False, soft_wrap=True, markup=False)
        console.print(
            f"checked {report.documents} document(s) in {report.files} file(s): "
            f"{report.errors} error(s), {report.warnings} warning(s)",
            highlight=False,
        )
    if report.errors or (strict and report.warnings):
        raise typer.Exit(1)


def project_root(root: Path | None) -> Path:
    """``root``, else the current folder when it is a project (it has schema/schema.yaml): a command
    run in one checkout never rewrites the files of the checkout reportedly is installed from."""
    if root is not None:
        return root
    here = Path.cwd()
    if not (here / "schema" / "schema.yaml").is_file():
        raise fail(
            f"{here} is not a reportedly project folder (no schema/schema.yaml); "
            f"run the command there, or give --root (the installed project is {PACKAGE_ROOT})",
            "RPT-PROJECT-ROOT",
        )
    return here


@schema_app.command("build")
def schema_build(
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if a committed view is stale.")] = False,
    root: Annotated[
        Path | None,
        typer.Option(
            help="Project root holding schema/ and LABELING.md (default: the current folder).", show_default=False
        ),
    ] = None,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Generate schema/labelstudio.xml, schema/document.schema.json and the LABELING.md tables.

    Example: reportedly schema build --check
    """
    from reportedly.views import build_schema_views

    root = project_root(root)
    if schema_path == DEFAULT_SCHEMA:  # the project's own schema, not the installed package's
        schema_path = root / "schema" / "schema.yaml"
    schema = open_schema(schema_path)
    outcomes = build_schema_views(schema, root, check=check)
    stale = [o.path for o in outcomes if o.changed]
    for outcome in outcomes:
        state = ("stale" if check else "written") if outcome.changed else "up to date"
        console.print(f"{outcome.path}: {state}", highlight=False)
    if check and stale:
        raise fail(
            "stale generated file(s): " + ", ".join(map(str, stale)) + "; run `reportedly schema build`",
            "RPT-GENERATED-STALE",
        )


@app.command()
def stats(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Corpus folders, folders of documents or .jsonl files (default: corpus); a document id "
            "found in several is taken from the first.",
            show_default=False,
        ),
    ] = None,
    readme: Annotated[
        Path | None, typer.Option(help="Also write the tables into this file's statistics section.")
    ] = None,
    check: Annotated[bool, typer.Option("--check", help="With --readme: write nothing, exit 1 if stale.")] = False,
    diversity: Annotated[
        bool,
        typer.Option(
            "--diversity",
            help="Print how the corpus resembles real news instead: lengths, genres, name reuse, sourcing "
            "density, phenomena, repeated sourcing phrases; each figure against its target. Exit 1 on a miss "
            "with --strict.",
        ),
    ] = False,
    strict: Annotated[bool, typer.Option("--strict", help="With --diversity: exit 1 when a target is missed.")] = False,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Print corpus statistics: documents, words, spans per label, attribute values, relations.

    Example: reportedly stats corpus --readme corpus/README.md

    Example: reportedly stats corpus --diversity --readme corpus/README.md

    Example: reportedly stats corpus work/new-texts --diversity
    """
    from reportedly.corpus import Corpus, is_corpus
    from reportedly.stats import corpus_stats, stats_markdown

    schema = open_schema(schema_path)
    sources = paths or [DEFAULT_CORPUS]
    by_id: dict[str, Document] = {}
    for path in sources:
        try:
            found = list(Corpus(path).documents.values()) if is_corpus(path) else read_documents(path)
        except (ReportedlyError, OSError) as exc:
            raise fail(f"{exc}; run `reportedly validate {path}` for every problem", error_code(exc)) from None
        for doc in found:
            by_id.setdefault(doc.id, doc)
    docs = list(by_id.values())
    shown = " ".join(map(str, sources))
    from reportedly.diversity import diversity_markdown, diversity_report  # numpy: not at --help

    report = diversity_report(docs) if diversity else None
    table = (
        diversity_markdown(report)
        if report is not None
        else stats_markdown(corpus_stats(docs), schema.label_names, schema.relation_names)
    )
    print(table, end="")
    if readme is not None:
        section = DIVERSITY_SECTION if diversity else STATISTICS_SECTION
        try:
            outcome = update_section(readme, section, table, check=check)
        except ReportedlyError as exc:
            raise fail(str(exc), exc.code) from None
        if check and outcome.changed:
            flag = " --diversity" if diversity else ""
            raise fail(
                f"{readme}: {section} section is stale; run `reportedly stats {shown}{flag} --readme {readme}`",
                "RPT-GENERATED-STALE",
            )
    if report is not None and strict and not all(c.ok for c in report.checks):
        missed = ", ".join(c.name for c in report.checks if not c.ok)
        raise fail(f"diversity targets missed: {missed}", "RPT-DIVERSITY-TARGET")


@app.command()
def splits(
    corpus: Annotated[Path, typer.Argument(help="The corpus folder.")] = DEFAULT_CORPUS,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if a split file is stale.")] = False,
) -> None:
    """Write corpus/splits/{train,dev,test}.txt for every gold document (stratified by genre, stable).

    Example: reportedly splits corpus --check
    """
    from reportedly.corpus import Corpus, is_corpus
    from reportedly.splits import write_splits

    if not is_corpus(corpus):  # a mistyped path must not get a fresh, empty splits/ folder
        code = "RPT-PATH-KIND" if corpus.exists() else "RPT-PATH-MISSING"
        raise fail(f"{corpus} is not a corpus folder (it has no documents/ folder)", code)
    folder = Corpus(corpus)
    outcomes = write_splits(folder.splits_folder, [p.stem for p in folder.files().documents], check=check)
    for outcome in outcomes:
        state = ("stale" if check else "written") if outcome.changed else "up to date"
        console.print(f"{outcome.path}: {state}", highlight=False)
    if check and any(o.changed for o in outcomes):
        raise fail("split files are stale; run `reportedly splits`", "RPT-GENERATED-STALE")
