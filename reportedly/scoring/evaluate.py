"""``reportedly.evaluate``: score an extraction system against the gold, with statistics.

>>> from reportedly.document import Document, make_span
>>> text = "Officials said the bridge may close."
>>> gold = [Document("d1", text, spans=(make_span(text, "S1", "SOURCE", 0, 9, source_type="unnamed_group",
...                                                  anonymity_reason="not_given"),))]
>>> result = evaluate(gold, gold, resamples=0)
>>> result.scores["spans_strict_micro_f"]
1.0
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from reportedly.document import Document, no_cycle_collection
from reportedly.incidents import Incident, ReportedlyError
from reportedly.manifest import Manifest
from reportedly.schema import PACKAGE_ROOT, Schema, load_schema
from reportedly.scoring import stats
from reportedly.scoring._types import FloatArray, IntArray
from reportedly.scoring.arrays import offsets, span_columns
from reportedly.scoring.attributes import attribute_codes
from reportedly.scoring.io import GoldSet, PredictionSet, alignment_summary, load_gold, load_predictions
from reportedly.scoring.matching import align_spans
from reportedly.scoring.metrics import Compiled, Group, compile_group
from reportedly.scoring.profile import MEASURES, profile_columns, profile_metrics, profile_series
from reportedly.scoring.relations import (
    RelationColumns,
    match_relations,
    relation_columns,
)
from reportedly.scoring.result import SCORER_VERSION, Comparison, EvalResult, Interval, SliceResult, Versions
from reportedly.scoring.scope import resolve_scope, scoped_document, scoped_schema
from reportedly.scoring.slices import PLACES, QUOTES, ItemMasks, genre_masks, place_masks, quote_masks, sentence_starts
from reportedly.scoring.tracks import TRACKS, Aligned, Track, resolve
from reportedly.validate import Place, Role, check_documents

DEFAULT_RESAMPLES = 10_000

Predicted = Sequence[Document] | PredictionSet | Path | str
Gold = Sequence[Document] | GoldSet | Path | str
Scoped = Manifest | None  # what a partial gold annotates (reportedly.scoring.scope)


@dataclass
class _System:
    """One system's aligned data and metric groups (whole set first, then slices)."""

    name: str
    groups: list[Group]
    series: dict[str, FloatArray]


# nothing in scoring makes reference cycles: the cyclic collector would only rescan the documents read
@no_cycle_collection()
def evaluate(
    gold: Gold,
    predicted: Predicted,
    *,
    schema: Schema | None = None,
    tracks: Sequence[str] = TRACKS,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    confidence: float = 0.95,
    vs: Predicted | None = None,
    system: str | None = None,
    split: str = "test",
    corpus_version: str | None = None,
    progress: bool = False,
    labels: Sequence[str] | None = None,
) -> EvalResult:
    """Score ``predicted`` against ``gold`` on the chosen tracks; ``vs`` adds paired tests.

    ``gold`` and ``predicted`` are documents, loaded sets, or paths (a corpus folder, a folder of
    document files, or a JSONL file). ``labels`` (else the gold's ``corpus.yaml``) scores those
    labels and the relations among them only. Raises :class:`ReportedlyError` listing every problem.
    """
    chosen = resolve(tracks)
    if resamples < 0 or not 0.0 < confidence < 1.0:
        raise ReportedlyError([Incident("RPT-EVAL-OPTION", "resamples must be >= 0 and confidence in (0, 1)")])
    schema = schema or load_schema()
    gold_set = _gold_set(gold, split, corpus_version, schema)
    scope = resolve_scope(schema, labels, gold_set.scope, [t.name for t in chosen])
    if not gold_set.documents:
        message = f"{gold_set.source} holds no documents for split {split!r}"
        raise ReportedlyError([Incident("RPT-EVAL-NO-GOLD", message)])
    gold_docs = list(gold_set.documents)
    _check_unique_gold(gold_docs)
    texts = {d.id: d.text for d in gold_docs}
    shared = _Shared(gold_docs, schema, chosen, gold_set.source, scope, checked=gold_set.checked_with is schema)
    first = _prediction_set(predicted, texts, system, schema)
    warnings: list[Incident] = []
    alignment = alignment_summary(first.documents)
    if alignment["unaligned"]:
        reasons = ", ".join(f"{n} {reason}" for reason, n in sorted(alignment["reasons"].items()))
        warnings.append(
            Incident(
                "RPT-PRED-UNALIGNED",
                f"{alignment['unaligned']} of {alignment['items']} quoted span(s) of "
                f"{first.system} could not be placed ({reasons}); they count as not predicted",
                first.source,
            )
        )
    main = _system(shared, first, warnings)
    other = None
    if vs is not None:
        other_set = _prediction_set(vs, texts, None, schema)
        other = _system(shared, other_set, warnings)
    result = _finish(
        shared,
        gold_set,
        main,
        other,
        warnings,
        resamples=resamples,
        seed=seed,
        confidence=confidence,
        progress=progress,
    )
    if alignment["items"]:
        result = replace(result, settings={**result.settings, "alignment": alignment})
    return result


# --- inputs ----------------------------------------------------------------------------------


def _gold_set(gold: Gold, split: str, corpus_version: str | None, schema: Schema) -> GoldSet:
    if isinstance(gold, GoldSet):
        found = gold
    elif isinstance(gold, str | Path):
        found = load_gold(Path(gold), split=split, schema=schema)
    else:
        found = GoldSet(tuple(gold), "unversioned", "all", "<documents>")
    if corpus_version is not None:
        return replace(found, corpus_version=corpus_version)
    return found


def _check_unique_gold(docs: Sequence[Document]) -> None:
    seen: set[str] = set()
    for doc in docs:
        if doc.id in seen:
            raise ReportedlyError(
                [Incident("RPT-DOC-DUPLICATE", f"gold document id {doc.id!r} occurs twice", doc_id=doc.id)]
            )
        seen.add(doc.id)


def _prediction_set(
    predicted: Predicted, texts: dict[str, str], system: str | None, schema: Schema | None = None
) -> PredictionSet:
    if isinstance(predicted, PredictionSet):
        return predicted if system is None else replace(predicted, system=system)
    if isinstance(predicted, str | Path):
        return load_predictions(Path(predicted), texts, system=system, schema=schema)
    problems: list[Incident] = []
    seen: set[str] = set()
    for i, doc in enumerate(predicted):
        if doc.id in seen or doc.id not in texts or doc.text != texts[doc.id]:
            code, message = (
                ("RPT-PRED-UNKNOWN-DOC", f"document id {doc.id!r} is not in the gold")
                if doc.id not in texts
                else ("RPT-PRED-DUPLICATE-DOC", f"document {doc.id!r} predicted twice")
                if doc.id in seen
                else ("RPT-PRED-TEXT-MISMATCH", "text differs from the gold text")
            )
            problems.append(Incident(code, message, f"<documents>[{i}]", doc_id=doc.id))
        seen.add(doc.id)
    if problems:
        raise ReportedlyError(problems)
    names = sorted({name for d in predicted if isinstance(name := d.provenance.get("system"), str) and name})
    return PredictionSet(tuple(predicted), system or (names[0] if names else "system"), "<documents>", None)


# --- per system ------------------------------------------------------------------------------


class _Shared:
    """What both systems share: the gold, its columns, the schema and the slice definitions."""

    def __init__(
        self, gold: list[Document], schema: Schema, tracks: tuple[Track, ...], source: str, scope: Scoped, checked: bool
    ):
        # the gold is validated by `reportedly validate`; what would make scoring undefined or
        # wrong is checked again (here, unless the reader did), by the one document checker,
        # under the gold's own codes
        if not checked:
            where = Place(source, None, None)
            found = check_documents(gold, schema, Role.GOLD, place_of=lambda _: where, integrity_only=True)
            problems = [incident for incident in found if incident.is_error]
            if problems:
                raise ReportedlyError(problems)
        self.full_schema, self.scope = schema, scope  # documents are checked against the whole schema
        if scope is not None:  # then only the scope's labels, relations and attributes are scored
            gold, schema = [scoped_document(d, scope) for d in gold], scoped_schema(schema, scope)
        self.gold, self.schema, self.chosen = gold, schema, tracks
        self.tracks = tuple(t.name for t in tracks)
        self.labels = schema.label_names
        self.label_index = {name: i for i, name in enumerate(self.labels)}
        self.relation_names = schema.relation_names
        self.offsets = offsets([d.text for d in gold])
        self.gold_spans = span_columns(gold, self.offsets, self.label_index)
        needs_relations = any(t.needs_relations for t in tracks)
        self.gold_relations = relation_columns(gold, self.gold_spans, self.relation_names) if needs_relations else None
        self.starts = sentence_starts([d.text for d in gold]) if "slices" in self.tracks else []


def _system(shared: _Shared, predictions: PredictionSet, warnings: list[Incident]) -> _System:
    by_id = {d.id: d for d in predictions.documents}
    aligned: list[Document | None] = [by_id.get(d.id) for d in shared.gold]
    missing = [d.id for d, p in zip(shared.gold, aligned, strict=True) if p is None]
    if missing:
        shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
        warnings.append(
            Incident(
                "RPT-PRED-MISSING-DOC",
                f"{len(missing)} gold document(s) have no prediction from {predictions.system}: {shown}",
                predictions.source,
            )
        )
    n_docs, tracks, schema = len(shared.gold), shared.tracks, shared.schema
    locate = _locator(predictions, shared.gold)
    # predictions read from files were checked as they were read; check each document once
    checked = predictions.checked_with is shared.full_schema
    problems: list[Incident] = []
    if not checked:
        present = [(d, doc) for d, doc in enumerate(aligned) if doc is not None]
        found = check_documents(
            [doc for _, doc in present],
            shared.full_schema,
            Role.PREDICTION,
            place_of=lambda i: _place(locate(present[i][0])),
        )
        problems = [incident for incident in found if incident.is_error]
    if problems:
        raise ReportedlyError(problems)
    if shared.scope is not None:
        aligned = [scoped_document(d, shared.scope) if d is not None else None for d in aligned]
    pred_spans = span_columns(aligned, shared.offsets, shared.label_index)
    pred_relations: RelationColumns | None = None
    if shared.gold_relations is not None:
        pred_relations = relation_columns(aligned, pred_spans, shared.relation_names)
    match = align_spans(shared.gold_spans, pred_spans)
    rel_pairs = None
    if shared.gold_relations is not None and pred_relations is not None:
        rel_pairs = match_relations(match, shared.gold_relations, pred_relations)
    needs_attributes = any(t.needs_attributes for t in shared.chosen)
    aligned_set = Aligned(
        schema,
        n_docs,
        match,
        attribute_codes(match, schema) if needs_attributes else None,
        shared.gold_relations,
        pred_relations,
        rel_pairs,
    )

    def tables(group: Group, gold_in: ItemMasks | None, pred_in: ItemMasks | None) -> None:
        for track in shared.chosen:
            if track.tables is not None:
                track.tables(aligned_set, group, gold_in, pred_in)

    whole = Group("")
    tables(whole, None, None)
    series: dict[str, FloatArray] = {}
    if "profile" in tracks:
        series = profile_series(shared.gold, aligned)
        whole.add(profile_columns(series, n_docs), profile_metrics())
    groups = [whole]
    if "slices" in tracks and shared.gold_relations is not None and pred_relations is not None:
        for name, mask in genre_masks(shared.gold).items():
            groups.append(Group(name, dict(whole.columns), list(whole.metrics), mask))
        for value in QUOTES:
            gold_quote = quote_masks(shared.gold_spans, shared.gold_relations, schema, value)
            group = Group(f"quote={value}", documents=_documents_with(shared.gold_spans.doc[gold_quote.spans]))
            tables(group, gold_quote, quote_masks(pred_spans, pred_relations, schema, value))
            groups.append(group)
        gold_places = place_masks(shared.gold_spans, shared.gold_relations, shared.relation_names, shared.starts)
        pred_places = place_masks(pred_spans, pred_relations, shared.relation_names, shared.starts)
        for place in PLACES:
            group = Group(f"source={place}", documents=_documents_with(shared.gold_spans.doc[gold_places[place].spans]))
            tables(group, gold_places[place], pred_places[place])
            groups.append(group)
    return _System(predictions.system, groups, series)


Locate = Callable[[int], tuple[str | None, int | None, str]]


def _documents_with(doc_index: IntArray) -> int:
    return len(np.unique(doc_index))


def _place(where: tuple[str | None, int | None, str]) -> Place:
    return Place(where[0], None, where[1])


def _locator(predictions: PredictionSet, gold: Sequence[Document]) -> Locate:
    position = {d.id: i for i, d in enumerate(predictions.documents)} if predictions.locations is None else {}

    def locate(doc_index: int) -> tuple[str | None, int | None, str]:
        doc_id = gold[doc_index].id
        if predictions.locations is None:  # documents passed in memory: name their position
            return f"<documents>[{position[doc_id]}]", None, doc_id
        file, line = predictions.locations.get(doc_id, (predictions.source, None))
        return file, line, doc_id

    return locate


# --- statistics and the result ---------------------------------------------------------------


def _interval(row: FloatArray) -> Interval | None:
    if np.isnan(row).any():
        return None
    return Interval(float(row[0]), float(row[1]))


def _value(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def _counts(group: Group) -> dict[str, int]:
    return {
        name: round(float(values.sum())) for name, values in group.columns.items() if not name.startswith("profile_")
    }


def _finish(
    shared: _Shared,
    gold_set: GoldSet,
    main: _System,
    other: _System | None,
    warnings: list[Incident],
    *,
    resamples: int,
    seed: int,
    confidence: float,
    progress: bool,
) -> EvalResult:
    n_docs = len(shared.gold)
    compiled = [compile_group(g, n_docs) for g in main.groups]
    compiled_other = compile_group(other.groups[0], n_docs) if other else None
    if compiled_other is not None and compiled_other.keys != compiled[0].keys:
        raise ValueError("the two systems produced different metric keys")  # internal invariant
    steps = stats.chunk_count(resamples, n_docs) * (len(compiled) + (1 if other else 0))
    bar = _progress(progress, steps)
    with bar as live:
        task = live.add_task("bootstrap", total=steps) if live is not None else None

        def tick() -> None:
            if live is not None and task is not None:
                live.advance(task)

        slices: dict[str, SliceResult] = {}
        scores: dict[str, float | None] = {}
        ci: dict[str, Interval | None] = {}
        comparison = None
        for group, comp in zip(main.groups, compiled, strict=True):
            values = stats.point(comp, main.series)
            group_scores = {k: _value(v) for k, v in zip(comp.keys, values.tolist(), strict=True)}
            group_ci: dict[str, Interval | None] = dict.fromkeys(comp.keys)
            pair = (compiled_other, other.series) if (other and compiled_other and group.name == "") else None
            boot = None
            if resamples > 0:
                boot = stats.bootstrap(
                    comp, main.series, resamples=resamples, seed=seed, confidence=confidence, other=pair, tick=tick
                )
                group_ci = {k: _interval(row) for k, row in zip(comp.keys, boot.ci, strict=True)}
            if group.name == "":
                scores, ci = group_scores, group_ci
                if other is not None and compiled_other is not None:
                    comparison = _comparison(comp, main, compiled_other, other, boot, resamples, seed, tick)
            else:
                docs = int(group.doc_mask.sum()) if group.doc_mask is not None else group.documents or 0
                slices[group.name] = SliceResult(docs, group_scores, group_ci, _counts(group))
    git = _git_hash()
    settings: dict[str, Any] = {
        "split": gold_set.split,
        "gold": gold_set.source,
        "documents": n_docs,
        "tracks": list(shared.tracks),
        "labels": list(shared.labels),
        "resamples": resamples,
        "seed": seed,
        "confidence": confidence,
        "ci_method": "percentile bootstrap over documents" if resamples > 0 else "none (resamples = 0)",
    }
    points = {
        measure: {
            "documents": [d.id for d in shared.gold],
            "gold": main.series[f"profile_{measure}_gold"].tolist(),
            "pred": main.series[f"profile_{measure}_pred"].tolist(),
        }
        for measure in MEASURES
        if f"profile_{measure}_gold" in main.series
    }
    return EvalResult(
        system=main.name,
        versions=Versions(gold_set.corpus_version, shared.schema.version, SCORER_VERSION, git),
        settings=settings,
        scores=scores,
        ci=ci,
        counts=_counts(main.groups[0]),
        slices=slices,
        comparison=comparison,
        profile_points=points,
        warnings=tuple(warnings),
    )


def _comparison(
    comp: Compiled,
    main: _System,
    comp_other: Compiled,
    other: _System,
    boot: stats.BootstrapResult | None,
    resamples: int,
    seed: int,
    tick: Callable[[], None],
) -> Comparison:
    a, b = stats.point(comp, main.series), stats.point(comp_other, other.series)
    keys = comp.keys
    p_ar = (
        stats.randomization(comp, main.series, (comp_other, other.series), trials=resamples, seed=seed, tick=tick)
        if resamples > 0
        else np.full(len(keys), np.nan)
    )
    none: dict[str, Interval | None] = dict.fromkeys(keys)
    return Comparison(
        other=other.name,
        scores={k: _value(v) for k, v in zip(keys, b.tolist(), strict=True)},
        ci={k: _interval(r) for k, r in zip(keys, boot.ci_other, strict=True)}
        if boot and boot.ci_other is not None
        else none,
        diff={k: _value(x - y) for k, x, y in zip(keys, a.tolist(), b.tolist(), strict=True)},
        diff_ci={k: _interval(r) for k, r in zip(keys, boot.diff_ci, strict=True)}
        if boot and boot.diff_ci is not None
        else none,
        p_bootstrap={k: _value(p) for k, p in zip(keys, boot.p_bootstrap.tolist(), strict=True)}
        if boot and boot.p_bootstrap is not None
        else dict.fromkeys(keys),
        p_randomization={k: _value(p) for k, p in zip(keys, p_ar.tolist(), strict=True)},
        resamples=resamples,
        trials=resamples,
    )


def _progress(enabled: bool, total: int) -> Any:
    import sys

    if not enabled or total < 2 or not sys.stderr.isatty():
        return nullcontext(None)
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True, markup=False),
        transient=True,
    )


def _git_hash() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=PACKAGE_ROOT, capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None
