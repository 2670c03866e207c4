"""Round-1 documents in the first audit sample: every difference between the gold and the blind
v2.1 audit layer was decided under v2.1 and fixed, which is a full check against v2.1 (they were
left out of the v2.1 re-check for that reason). Their provenance says so (run once from the
repository root)."""

from __future__ import annotations

import json
from pathlib import Path

from reportedly.document import atomic_write_text

HERE = Path(__file__).parent
NOTE = "; conforms to LABELING.md 2.1 through the audit: every difference with the blind v2.1 layer decided under v2.1"

for doc_id in (HERE / "audit-sample.txt").read_text(encoding="utf-8").split():
    path = Path("corpus/documents") / f"{doc_id}.json"
    if not path.exists():
        continue  # a round-2 document, adjudicated under v2.1 from the start
    record = json.loads(path.read_text(encoding="utf-8"))
    if record["provenance"].get("guidelines") != "2.1":
        record["provenance"]["guidelines"] = "2.1"
        record["provenance"]["method"] += NOTE
        atomic_write_text(path, json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        print(f"{path}: guidelines 2.1")
