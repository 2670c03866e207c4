"""``reportedly predict llm``: prompt, ask, parse, align the quotes, keep what the schema accepts.

Quotes become offsets through the quote aligner (order mode, fuzzy matching on, as
``convert strings`` does for predictions); every quote it cannot place is recorded in the
document's ``provenance.alignment`` and counted by the scorer. Attribute values and relations the
schema does not allow, and spans that would cross another of their label, are dropped and listed
in ``provenance.llm.dropped``; an answer that holds no JSON object gives a document without spans
and ``provenance.llm.error``. Nothing is dropped silently, and the run's summary counts it all.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import msgspec

from reportedly.document import Document, Relation, Span
from reportedly.llm.client import ChatClient, ResponseCache
from reportedly.llm.prompt import PROMPT_VERSION, build_prompt, parse_answer
from reportedly.schema import Schema

SYSTEM = "llm"


def sanitize(doc: Document, schema: Schema) -> tuple[Document, list[str]]:
    """``doc`` without what the schema does not allow, and a line for each thing dropped."""
    dropped: list[str] = []
    spans: list[Span] = []
    for span in doc.spans:  # document order: of two crossing spans, the later one goes
        allowed = {a.name: a.value_names for a in schema.attributes_of(span.label)}
        attrs = {}
        for name, value in span.attrs.items():
            if value in allowed.get(name, ()):
                attrs[name] = value
            else:
                dropped.append(f"{span.id}: attribute {name}={value!r} is not in the schema")
        crossed = next(
            (k for k in spans if k.label == span.label and k.start < span.start < k.end < span.end), None
        ) or next((k for k in spans if (k.label, k.start, k.end) == (span.label, span.start, span.end)), None)
        if crossed is not None:
            dropped.append(f"{span.id}: {span.label} {span.text!r} crosses or repeats {crossed.id}")
            continue
        spans.append(msgspec.structs.replace(span, attrs=attrs))
    labels = {s.id: s.label for s in spans}
    relations: list[Relation] = []
    for rel in doc.relations:
        definition = next((r for r in schema.relations if r.name == rel.label), None)
        if definition is None:
            dropped.append(f"relation {rel.label} {rel.head}->{rel.tail}: no such relation in the schema")
        elif (labels.get(rel.head), labels.get(rel.tail)) != (definition.head, definition.tail):
            dropped.append(
                f"relation {rel.label} {rel.head}->{rel.tail}: needs {definition.head} -> {definition.tail}"
                if rel.head in labels and rel.tail in labels
                else f"relation {rel.label} {rel.head}->{rel.tail}: names a dropped span"
            )
        elif rel in relations:
            dropped.append(f"relation {rel.label} {rel.head}->{rel.tail}: given twice")
        else:
            relations.append(rel)
    return replace(doc, spans=tuple(spans), relations=tuple(relations)), dropped


@dataclass
class LlmRun:
    """The predictor of the llm system; keeps the counts its summary reports."""

    client: ChatClient
    schema: Schema
    price_input: float | None = None  # per million tokens
    price_output: float | None = None
    version: str = f"prompt-{PROMPT_VERSION}"
    model_hash: str = ""  # which model, asked with which prompt
    info: dict[str, Any] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)

    def __call__(self, documents: Sequence[Document]) -> list[Document]:
        from reportedly.quotes import DEFAULT_FUZZY_THRESHOLD, align_document

        prompts = [build_prompt(doc.id, doc.text, self.schema) for doc in documents]
        answers = self.client.complete_all(prompts)
        out = []
        for doc, answer in zip(documents, answers, strict=True):
            self.counts["documents"] += 1
            extra: dict[str, Any] = {"model": self.client.model, "prompt_version": PROMPT_VERSION}
            try:
                record = parse_answer(answer.content)
            except ValueError as exc:
                record = {}
                extra["error"] = f"{exc}; the answer began {answer.content[:120]!r}"
                self.counts["unreadable answers"] += 1
            aligned = align_document(
                {**record, "id": doc.id},  # the request named the document; trust that over the answer
                doc.text,
                meta=doc.meta,
                provenance={"layer": "prediction", "system": SYSTEM},
                mode="order",
                fuzzy_threshold=DEFAULT_FUZZY_THRESHOLD,
                labels=self.schema.label_names,
            )
            summary = aligned.summary()
            cleaned, dropped = sanitize(aligned.document, self.schema)
            if dropped:
                extra["dropped"] = dropped
            self.counts["quotes"] += summary["items"]
            self.counts["placed"] += len(cleaned.spans)
            self.counts["approximate"] += len(summary["approximate"])
            self.counts["dropped"] += len(dropped)
            self.reasons.update(p["reason"] for p in summary["unaligned"])
            out.append(replace(cleaned, provenance={**cleaned.provenance, "alignment": summary, "llm": extra}))
        return out

    def summary(self) -> str:
        usage = self.client.usage
        cost = ""
        if self.price_input is not None or self.price_output is not None:
            dollars = (
                usage.prompt_tokens * (self.price_input or 0) + usage.completion_tokens * (self.price_output or 0)
            ) / 1e6
            cost = f", cost {dollars:.4f}"
        unplaced = sum(self.reasons.values())
        why = f" ({', '.join(f'{n} {r}' for r, n in sorted(self.reasons.items()))})" if unplaced else ""
        return (
            f"llm {self.client.model}: {self.counts['documents']} document(s), {usage.requests} request(s) "
            f"({usage.retries} retried), {usage.cached} answer(s) from the cache; tokens {usage.prompt_tokens} in, "
            f"{usage.completion_tokens} out; {usage.seconds:.1f} s waiting{cost}. Quotes: {self.counts['quotes']}, "
            f"placed {self.counts['placed']} ({self.counts['approximate']} approximately), unplaced {unplaced}{why}, "
            f"dropped by the schema {self.counts['dropped']}, unreadable answers {self.counts['unreadable answers']}"
        )


def llm_run(
    *,
    schema: Schema,
    base_url: str,
    model: str,
    api_key: str | None = None,
    concurrency: int = 4,
    timeout: float = 120.0,
    retries: int = 4,
    backoff: float = 1.0,
    response_cache: Path | None = Path(".cache") / "llm",
    price_input: float | None = None,
    price_output: float | None = None,
) -> LlmRun:
    """The predictor of an OpenAI-compatible chat model; ``load_system("llm", base_url=..., model=...)``
    makes it a :class:`reportedly.System` (this package sits below the systems' registry)."""
    responses = ResponseCache(response_cache, model, PROMPT_VERSION) if response_cache is not None else None
    client = ChatClient(
        base_url,
        model,
        api_key=api_key,
        concurrency=concurrency,
        timeout=timeout,
        retries=retries,
        backoff=backoff,
        cache=responses,
    )
    # the "model" of an llm system: which model, asked with which prompt
    model_hash = hashlib.sha256(f"{model}\0{PROMPT_VERSION}\0{build_prompt('', '', schema)}".encode()).hexdigest()
    info = {"base_url": base_url, "model": model, "prompt_version": PROMPT_VERSION}
    return LlmRun(client, schema, price_input, price_output, model_hash=model_hash, info=info)
