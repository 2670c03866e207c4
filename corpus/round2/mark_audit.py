"""Records the blind audit layers as what they are: `reportedly convert strings --annotator` writes
provenance.layer "annotation"; an audit layer says "audit" (run from the repository root)."""

from __future__ import annotations

import json
from pathlib import Path

from reportedly.document import atomic_write_text

for path in sorted(Path("corpus/round2/layers").glob("au[0-9]*/*.json")):
    record = json.loads(path.read_text(encoding="utf-8"))
    if record["provenance"].get("layer") != "audit":
        record["provenance"]["layer"] = "audit"
        atomic_write_text(path, json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        print(f"{path}: audit")
