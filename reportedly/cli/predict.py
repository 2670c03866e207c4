"""``reportedly predict``, ``reportedly train`` and ``reportedly show``: the systems on any text.

Heavy modules (the systems, torch, the validator) are imported inside the commands, so that
``--help`` stays instant.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from reportedly.cli.app import DEFAULT_SCHEMA, SchemaOption, app, console, err_console, fail, fail_from, open_schema
from reportedly.incidents import ReportedlyError
from reportedly.names import check_name, join_inside

if TYPE_CHECKING:
    from reportedly.baselines.progress import TrainingProgress
    from reportedly.baselines.system import System
    from reportedly.document import Document
    from reportedly.schema import Schema

DEFAULT_CACHE = Path(".cache") / "baselines"
CorpusOption = Annotated[
    Path | None, typer.Option(help="Corpus folder the trained systems learn from (default: ./corpus).")
]
CacheOption = Annotated[Path, typer.Option(help="Where trained models are cached.")]
API_KEY_ENV = "REPORTEDLY_LLM_API_KEY"


@contextmanager
def training_progress(what: str) -> Iterator[Callable[[TrainingProgress], None]]:
    """Bars on stderr while a system trains: one over epochs, one over the steps of the current
    epoch, each with its time remaining."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err_console, transient=False) as bar:
        tasks: dict[str, Any] = {}

        def report(p: TrainingProgress) -> None:
            if "all" not in tasks:
                if p.resumed_from:
                    err_console.print(
                        f"{what}: resuming after {p.stage} {p.resumed_from} (checkpoint)", highlight=False
                    )
                tasks["all"] = bar.add_task(f"{what} {p.stage}s", total=p.epochs, completed=p.resumed_from)
            name = f"{p.stage} {p.epoch}/{p.epochs}"
            if tasks.get("name") != name:
                if "step" in tasks:
                    bar.remove_task(tasks["step"])
                tasks["step"] = bar.add_task(name, total=p.steps_per_epoch)
                tasks["name"] = name
            loss = f" loss {p.loss:.3f}" if p.loss is not None else ""
            bar.update(tasks["step"], completed=p.step, description=name + loss)
            bar.update(tasks["all"], completed=p.epoch - 1 + p.step / p.steps_per_epoch)

        yield report


def load_for_cli(name: str, schema: Schema, *, corpus: Path | None, cache: Path, **options: Any) -> System:
    """``load_system`` with coded errors, and training progress when a model must be trained first."""
    from reportedly.baselines.registry import spec
    from reportedly.baselines.system import load_system

    try:
        trained = not Path(name).is_dir() and "/" not in name and spec(name).trained
        if trained:
            with training_progress(f"training {name}") as report:
                return load_system(name, schema=schema, corpus=corpus, cache=cache, on_progress=report)
        return load_system(name, schema=schema, corpus=corpus, cache=cache, **options)
    except ReportedlyError as exc:
        raise fail(str(exc), exc.code) from None


@app.command()
def predict(
    system_name: Annotated[str, typer.Argument(metavar="SYSTEM", help="rules, crf, encoder, llm, or a model folder.")],
    inputs: Annotated[
        list[str],
        typer.Argument(metavar="INPUT...", help=".txt files, folders, JSONL or .json documents, or - (stdin)."),
    ],
    out: Annotated[Path | None, typer.Option(help="Write here instead of standard output.")] = None,
    output_format: Annotated[str, typer.Option("--format", help="jsonl, pretty or html.")] = "jsonl",
    jobs: Annotated[int, typer.Option(help="Worker processes (rules and crf; the encoder batches instead).")] = 1,
    corpus: CorpusOption = None,
    cache: CacheOption = DEFAULT_CACHE,
    base_url: Annotated[
        str | None, typer.Option(help="llm: an OpenAI-compatible API, e.g. http://127.0.0.1:8000/v1")
    ] = None,
    model: Annotated[str | None, typer.Option(help="llm: the model name the server knows.")] = None,
    api_key_env: Annotated[str, typer.Option(help="llm: the environment variable holding the API key.")] = API_KEY_ENV,
    concurrency: Annotated[int, typer.Option(help="llm: requests at once.")] = 4,
    timeout: Annotated[float, typer.Option(help="llm: seconds per request.")] = 120.0,
    retries: Annotated[int, typer.Option(help="llm: retries on 429, 5xx and timeouts (with backoff).")] = 4,
    llm_cache: Annotated[Path, typer.Option(help="llm: the response cache folder.")] = Path(".cache") / "llm",
    price_input: Annotated[float | None, typer.Option(help="llm: price per million input tokens.")] = None,
    price_output: Annotated[float | None, typer.Option(help="llm: price per million output tokens.")] = None,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Predict claims, sources, cues and hedges in any text, as validated prediction documents.

    Trained systems (crf, encoder) load from the cache, training first (with progress) when no
    model trained on the corpus is there; a model folder from `reportedly train --out` works too.

    Example: reportedly predict rules article.txt --format pretty
    """
    from reportedly.predict import FORMATS, predict_parallel, read_inputs

    if output_format not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)}, not {output_format!r}", "RPT-CLI-OPTION")
    schema = open_schema(schema_path)
    try:
        documents = read_inputs(inputs)
    except ReportedlyError as exc:
        raise fail(str(exc), exc.code) from None
    options: dict[str, Any] = {}
    if system_name == "llm":
        if not base_url or not model:
            raise fail("llm needs --base-url URL and --model NAME (any OpenAI-compatible server)", "RPT-CLI-OPTION")
        options = {
            "base_url": base_url,
            "model": model,
            "api_key": os.environ.get(api_key_env),
            "concurrency": concurrency,
            "timeout": timeout,
            "retries": retries,
            "response_cache": llm_cache,
            "price_input": price_input,
            "price_output": price_output,
        }
    system = load_for_cli(system_name, schema, corpus=corpus, cache=cache, **options)
    started = time.perf_counter()
    try:
        predicted = predict_parallel(system.predict, documents, jobs=jobs)
    except Exception as exc:
        code = getattr(exc, "code", None)
        if code is None:
            raise
        raise fail(str(exc), code) from None
    elapsed = time.perf_counter() - started
    _write(predicted, schema, output_format, out)
    summary = system.summary()
    if summary:
        err_console.print(summary, highlight=False, markup=False)
    where = f" -> {out}" if out else ""
    err_console.print(
        f"{system.name}: {len(predicted)} document(s) in {elapsed:.1f} s{where}", highlight=False, markup=False
    )


def _write(predicted: list[Document], schema: Schema, output_format: str, out: Path | None) -> None:
    from reportedly.document import atomic_write_text
    from reportedly.predict import to_jsonl

    if output_format == "jsonl":
        content = to_jsonl(predicted)
    elif output_format == "html":
        from reportedly.view.html import documents_html

        content = documents_html(predicted, schema)
    else:
        import io

        from rich.console import Console

        from reportedly.view.terminal import render

        buffer = io.StringIO() if out else None  # a file gets the whole page at once (temp + rename)
        target = Console(file=buffer, soft_wrap=True, markup=False)
        for doc in predicted:
            target.print(render(doc))
            target.print()
        if out is None or buffer is None:
            return
        content = buffer.getvalue()
    if out is None:
        sys.stdout.write(content)
    else:
        atomic_write_text(out, content)


@app.command()
def train(
    system_name: Annotated[str, typer.Argument(metavar="SYSTEM", help="crf or encoder.")],
    corpus: CorpusOption = None,
    out: Annotated[Path | None, typer.Option(help="Model folder to write (default: the cache).")] = None,
    epochs: Annotated[int, typer.Option(help="Training epochs (encoder).")] = 16,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 13,
    cache: CacheOption = DEFAULT_CACHE,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Train a system on a corpus's train split (the crf tunes on dev) and write its model folder.

    Shows progress with the time remaining; the encoder saves a checkpoint after every epoch, and
    running the same command after an interruption resumes from it.

    Example: reportedly train encoder --out models/encoder && reportedly predict models/encoder article.txt
    """
    from reportedly.baselines.models import plan_training
    from reportedly.baselines.registry import TRAINABLE, spec
    from reportedly.baselines.system import default_corpus

    schema = open_schema(schema_path)
    try:
        if not spec(system_name).trained:
            raise ReportedlyError.of(
                "RPT-SYSTEM-UNKNOWN", f"{system_name} is not trained; trainable: {', '.join(TRAINABLE)}"
            )
        run = plan_training(
            system_name, corpus or default_corpus(), schema, seed=seed, epochs=epochs, cache=cache, out=out
        )
        folder = run.folder
        started = time.perf_counter()
        with training_progress(f"training {system_name}") as report:
            card = run.run(schema, report)
    except ReportedlyError as exc:
        raise fail(str(exc), exc.code) from None
    except KeyboardInterrupt:
        resume = " (the encoder resumes from its last checkpoint)" if system_name == "encoder" else ""
        raise fail("interrupted; run the same command again to carry on" + resume, "RPT-INTERRUPTED") from None
    console.print(
        f"{card.system} {card.version} trained on {card.trained_on['train']} document(s) in "
        f"{time.perf_counter() - started:.0f} s -> {folder} (model {card.model_hash[:12]})",
        highlight=False,
        markup=False,
    )


def _one(path: Path, doc_id: str | None, texts: dict[str, str] | None = None) -> Document:
    from reportedly.document import read_document, read_jsonl

    try:
        docs = read_jsonl(path, texts=texts) if path.suffix == ".jsonl" else [read_document(path)]
    except (ReportedlyError, OSError) as exc:
        raise fail_from(exc) from None
    if doc_id is not None:
        docs = [d for d in docs if d.id == doc_id]
    if len(docs) != 1:
        found = "no document" if not docs else f"{len(docs)} documents"
        raise fail(
            f"{path} holds {found}{f' with id {doc_id}' if doc_id else ''}; choose one with --doc ID", "RPT-SHOW-DOC"
        )
    return docs[0]


@app.command()
def show(
    document: Annotated[Path, typer.Argument(metavar="DOC", help="A .json document, or a JSONL file (with --doc).")],
    vs: Annotated[Path | None, typer.Option("--vs", help="Another annotation of it (e.g. predictions JSONL).")] = None,
    doc: Annotated[str | None, typer.Option("--doc", help="The document id, in a JSONL file.")] = None,
    out: Annotated[Path | None, typer.Option(help="The HTML file (default out/show/ID.html).")] = None,
    schema_path: SchemaOption = DEFAULT_SCHEMA,
) -> None:
    """Write a self-contained HTML view of a document: spans by label, claims with their sources, cues
    and hedges; with --vs, gold against prediction with missed, spurious and boundary errors marked.

    Example: reportedly show corpus/documents/wire-0001.json --vs eval/baselines/crf/test.jsonl --out wire-0001.html
    """
    from reportedly.document import atomic_write_text
    from reportedly.view.html import document_html

    schema = open_schema(schema_path)
    first = _one(document, doc)
    other = _one(vs, first.id, {first.id: first.text}) if vs is not None else None
    if other is not None and other.text != first.text:
        raise fail(f"{vs}: document {first.id} has another text than in {document}", "RPT-SHOW-DOC")
    path = out or join_inside(Path("out") / "show", f"{check_name(first.id)}.html")
    atomic_write_text(path, document_html(first, schema, vs=other))
    console.print(f"wrote {path}", highlight=False, markup=False)
