"""Benchmark: an annotation session's round trip through a real Label Studio, and our share of it.

Starts a local Label Studio (from the migrated template that the tests cache in ``.cache/``; made
first when missing, which is the cost of a first start), generates a seeded workload of documents
with pre-annotations (news-like sentences; some texts carry emoji, combining accents and CRLF), then
times:

- **push**: ``studio push`` of every document as a task with its prediction (model_version = system),
  in batches of 500, into an empty project;
- **pull**: ``studio pull`` of a project holding the same tasks, each with one submitted annotation
  (seeded by a bulk import, not timed): snapshot export with full bodies, conversion, validation and
  atomic writes of one layer file per annotation.

"Our conversion" is the pure document <-> Label Studio conversion (``reportedly.convert.labelstudio``);
"our local work" adds checking the predictions before the push and validating and writing the layers
after the pull. The last line is ``our_share=<percent>`` (the target is below 10%).

    .venv/bin/python eval/bench/studio.py [--docs 2000] [--seed 0] [--cold]

``--team`` runs the team scenario instead (:mod:`studio_team`): ``--annotators`` annotators each
submit every one of ``--tasks`` tasks from concurrent clients, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path

from reportedly.convert.labelstudio import document_to_results
from reportedly.document import Document, Relation, Span, read_document
from reportedly.schema import PACKAGE_ROOT, load_schema
from reportedly.studio import client, server

TEMPLATE = PACKAGE_ROOT / ".cache" / f"labelstudio-{version('label-studio')}-template"
CONFIG = (PACKAGE_ROOT / "schema" / "labelstudio.xml").read_text(encoding="utf-8")
SOURCES = [
    ("The defence ministry", "named_organization", "not_applicable"),
    ("A senior official", "unnamed_person", "not_given"),
    ("Officials familiar with the talks", "unnamed_group", "not_given"),
    ("Harbour master Ilse Varga", "named_person", "not_applicable"),
    ("An internal memo", "document", "not_applicable"),
    ("Satellite images 🛰️ analysed by experts", "other_evidence", "not_applicable"),
]
CUES = ["said", "confirmed", "warned", "reported", "suggested"]
CLAIMS = [
    ("the plan would {h} cost {a} 40 million euros", "may", "about"),
    ("the bridge could {h} close in June for {a} three weeks", "reportedly", "roughly"),
    ("the cafe\u0301 owners {h} lose {a} a third of their trade", "are expected to", "up to"),
    ("ministers {h} signed the declaration on Monday after {a} two hours", "allegedly", "nearly"),
]
HEDGE_TYPES = {
    "may": "modal",
    "reportedly": "evidential",
    "are expected to": "speculative",
    "allegedly": "evidential",
    "about": "approximator",
    "roughly": "approximator",
    "up to": "approximator",
    "nearly": "approximator",
}


def make_document(index: int, rng: random.Random, sentences: int = 6) -> Document:
    """A document and its spans/relations, built together so the offsets are right by construction."""
    text, spans, relations = "", [], []
    newline = "\r\n" if index % 3 == 0 else "\n"
    for n in range(sentences):
        source, source_type, anonymity = rng.choice(SOURCES)
        cue = rng.choice(CUES)
        claim, hedge, approx = rng.choice(CLAIMS)
        ids = {k: f"{k}{n}" for k in ("S", "U", "C", "H", "A")}
        start = len(text)
        spans.append(
            Span(
                ids["S"],
                "SOURCE",
                start,
                start + len(source),
                source,
                {"source_type": source_type, "anonymity_reason": anonymity},
            )
        )
        text += source + " "
        spans.append(Span(ids["U"], "CUE", len(text), len(text) + len(cue), cue, {}))
        text += cue + " that "
        claim_text = claim.format(h=hedge, a=approx)
        claim_start = len(text)
        spans.append(
            Span(ids["C"], "CLAIM", claim_start, claim_start + len(claim_text), claim_text, {"quote": "indirect"})
        )
        for key, word in (("H", hedge), ("A", approx)):
            at = claim_start + claim_text.index(word)
            spans.append(
                Span(ids[key], "HEDGE", at, at + len(word), word, {"hedge_type": HEDGE_TYPES[word], "holder": "source"})
            )
            relations.append(Relation("hedges", ids[key], ids["C"]))
        relations += [Relation("attributed_to", ids["C"], ids["S"]), Relation("introduced_by", ids["C"], ids["U"])]
        text += claim_text + "." + (newline if n % 2 else " ")
    return Document(
        f"bench-{index:05d}",
        text,
        {"genre": "wire", "origin": "constructed"},
        tuple(spans),
        tuple(relations),
        {"layer": "prediction", "system": "bench-rules", "version": "1"},
    )


def rss_mb(pid: int) -> float | None:
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return None
    for line in status.read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cold", action="store_true", help="also time a first start without the template")
    parser.add_argument("--team", action="store_true", help="the team scenario: SQLite against PostgreSQL")
    parser.add_argument("--annotators", type=int, default=10, help="team: annotators (= concurrent clients)")
    parser.add_argument("--tasks", type=int, default=500, help="team: tasks, each annotated by every annotator")
    args = parser.parse_args()
    schema = load_schema()
    if args.team:
        from studio_team import run_team

        if not (TEMPLATE / "label_studio.sqlite3").exists():
            server.migrate_template(TEMPLATE)
        rng = random.Random(args.seed)
        docs = [make_document(i, rng, sentences=3) for i in range(args.tasks)]
        return run_team(docs, schema, CONFIG, annotators=args.annotators, sqlite_template=TEMPLATE)
    work = Path(tempfile.mkdtemp(prefix="reportedly-bench-studio-"))
    print(
        f"Label Studio {version('label-studio')}, label-studio-sdk {version('label-studio-sdk')}; "
        f"{args.docs} documents, seed {args.seed}"
    )
    try:
        if args.cold:
            cold_paths = server.StudioPaths(work / "cold")
            cold = server.serve(cold_paths, port=18080)
            server.stop(cold_paths)
            print(f"startup: first start with migrations {cold.seconds:.1f} s")
        made = time.perf_counter()
        cached = (TEMPLATE / "label_studio.sqlite3").exists()
        if not cached:
            server.migrate_template(TEMPLATE)
        migrate_s = time.perf_counter() - made
        paths = server.StudioPaths(work / ".studio")
        started = server.serve(paths, port=18090, template=TEMPLATE)
        memory = rss_mb(started.info.pid)
        print(
            f"startup: template {'cached' if cached else f'migrated in {migrate_s:.1f} s'}; start from a copy "
            f"{started.seconds:.1f} s; server RSS {memory or 0:.0f} MB"
        )
        conn = client.connect(started.info.url, started.credentials.token)

        rng = random.Random(args.seed)
        predictions = [make_document(i, rng) for i in range(args.docs)]
        documents = [Document(p.id, p.text, p.meta) for p in predictions]
        spans = sum(len(p.spans) for p in predictions) / len(predictions)
        chars = sum(len(p.text) for p in predictions) / len(predictions)
        print(
            f"workload: {chars:.0f} characters, {spans:.0f} spans and "
            f"{sum(len(p.relations) for p in predictions) / len(predictions):.0f} relations per document"
        )

        instructions = client.instructions_html((PACKAGE_ROOT / "LABELING.md").read_text(encoding="utf-8"))
        push_project = client.setup_project(conn, title="bench push", config=CONFIG, instructions=instructions).project
        tick = time.perf_counter()
        pushed = client.push(conn, push_project, documents, schema, predictions=predictions, system="bench-rules")
        push_s = time.perf_counter() - tick
        assert pushed.created == args.docs and pushed.predictions_created == args.docs
        print(
            f"push: {args.docs} tasks with predictions in {push_s:.2f} s (checking the predictions "
            f"{pushed.check_seconds:.2f} s, our conversion {pushed.convert_seconds:.2f} s)"
        )

        # the pull side: the same tasks, each with one submitted annotation (seeded, not timed)
        pull_project = client.setup_project(conn, title="bench pull", config=CONFIG, instructions=instructions).project
        user = int(conn.user["id"])
        seeded = [
            {
                "data": {"text": p.text, "doc_id": p.id, "meta": dict(p.meta)},
                "annotations": [{"result": document_to_results(p, schema), "completed_by": user, "lead_time": 30.0}],
            }
            for p in predictions
        ]
        for start in range(0, len(seeded), 500):
            conn.client.projects.import_tasks(pull_project.id, request=seeded[start : start + 500])
        out = work / "layers"
        tick = time.perf_counter()
        pulled = client.pull(conn, pull_project, schema, out, config=CONFIG, state_path=work / "pull-state.json")
        pull_s = time.perf_counter() - tick
        if pulled.has_errors or len(pulled.written) != args.docs:
            print(
                f"pull went wrong: {len(pulled.written)} written; {[p.render() for p in pulled.problems][:5]}",
                file=sys.stderr,
            )
            return 1
        first = next(iter(sorted(out.rglob("*.json"))))
        expected = replace(predictions[0], provenance={})
        got = read_document(first)
        assert (got.spans, got.relations, got.text) == (expected.spans, expected.relations, expected.text)
        export_s = pull_s - pulled.convert_seconds - pulled.local_seconds
        print(
            f"pull: {args.docs} annotations to layers in {pull_s:.2f} s (export and download {export_s:.2f} s, "
            f"our conversion {pulled.convert_seconds:.2f} s, validation and writes {pulled.local_seconds:.2f} s)"
        )
        again = time.perf_counter()
        repull = client.pull(conn, pull_project, schema, out, config=CONFIG, state_path=work / "pull-state.json")
        print(f"re-pull with no change: {time.perf_counter() - again:.2f} s, {len(repull.written)} files rewritten")

        total = push_s + pull_s
        conversion = pushed.convert_seconds + pulled.convert_seconds
        local = conversion + pushed.check_seconds + pulled.local_seconds
        print(
            f"push + pull: {total:.2f} s; our conversion {conversion:.2f} s ({100 * conversion / total:.1f}%); "
            f"our local work incl. validation and writes {local:.2f} s ({100 * local / total:.1f}%)"
        )
        print(f"our_share={100 * conversion / total:.1f}%")
        server.stop(paths)
        return 0
    finally:
        for root in (work / ".studio", work / "cold"):
            if (root / "server.json").exists():
                server.stop(server.StudioPaths(root))
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
