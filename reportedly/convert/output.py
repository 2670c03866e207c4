"""What every converter does before and when it writes: read the inputs, check the documents,
plan the files, then write them.

Nothing is written when a check finds an error, and a file that exists with other content is
only replaced when the caller says so. A converter's ``plan_*`` function returns a
:class:`Planned` (its issues, the check and the files it would write); the command line prints
it and writes the files with :func:`write_files`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reportedly.convert.issues import Issue
from reportedly.document import Document, document_to_dict, dumps_document, read_documents
from reportedly.incidents import Incident, ReportedlyError, coded, has_errors
from reportedly.names import check_name, join_inside
from reportedly.outputs import write_files as write_all
from reportedly.schema import Schema
from reportedly.validate import Role, validate_record

# (document, the file it came from, span id -> line in that file)
Placed = tuple[Document, str, Mapping[str, int]]


@dataclass
class Checked:
    incidents: list[Incident] = field(default_factory=list)
    missing_attributes: int = 0  # RPT-ATTR-MISSING left out because the caller allows it

    @property
    def errors(self) -> list[Incident]:
        return [i for i in self.incidents if i.is_error]


@dataclass(kw_only=True)
class Planned:
    """What a conversion would write. ``issues`` are the converter's own problems and ``checked``
    the validation of its documents; ``files`` (path -> content) is filled only when neither holds
    an error, and the check is only run when the conversion had none, since nothing is written then.
    Each converter's plan adds the counts its summary reports."""

    issues: tuple[Issue, ...] = ()
    checked: Checked = field(default_factory=Checked)
    files: dict[Path, str] = field(default_factory=dict)

    @property
    def writable(self) -> bool:
        """True when there is no error, so the files may be written."""
        return not has_errors(self.issues) and not self.checked.errors


def read_input_documents(paths: Iterable[Path], what: str) -> list[Document]:
    """The documents of every path (a .json file, a .jsonl file or a folder), in order; an unreadable
    one is refused (``cannot read <what> <path>: ...``) with the code its error carries or its kind gets."""
    documents: list[Document] = []
    for path in paths:
        try:
            documents += read_documents(path)
        except (ReportedlyError, OSError) as exc:
            message = f"cannot read {what} {path}: {exc}"
            raise ReportedlyError(Incident(coded(exc)[0], message, str(path)), message) from None
    return documents


def check_before_writing(
    documents: Iterable[Placed],
    schema: Schema,
    *,
    role: Role | None = None,
    expected_layer: str | None = None,
    annotator_of: Mapping[int, str] | None = None,
    allow_missing_attrs: bool = False,
) -> Checked:
    """Validate documents about to be written, each incident placed in the file it came from."""
    checked = Checked()
    for index, (doc, file, lines) in enumerate(documents):
        annotator = annotator_of.get(index) if annotator_of else None
        incidents, _ = validate_record(
            document_to_dict(doc), schema, file=file, expected_layer=expected_layer, annotator=annotator, role=role
        )
        for incident in incidents:
            if incident.line is None and incident.span_id is not None and incident.span_id in lines:
                incident = replace(incident, line=lines[incident.span_id])
            if allow_missing_attrs and incident.code == "RPT-ATTR-MISSING":
                checked.missing_attributes += 1
            else:
                checked.incidents.append(incident)
    return checked


def document_files(documents: Sequence[Document], out: Path) -> dict[Path, str]:
    """``out`` as a .jsonl file of all documents, or a folder of ``<id>.json`` files (each id checked
    and joined inside ``out``)."""
    if out.suffix == ".jsonl":
        lines = [json.dumps(document_to_dict(d), ensure_ascii=False) + "\n" for d in documents]
        return {out: "".join(lines)}
    return {join_inside(out, f"{check_name(doc.id)}.json"): dumps_document(doc) for doc in documents}


def write_files(files: Mapping[Path, str], *, overwrite: bool, root: Path, lock: bool = True) -> int:
    """Write every file under the folder ``root``, all or none (:func:`reportedly.outputs.write_files`:
    names joined inside ``root``, temporary files renamed into place, and with ``lock`` a lock on
    ``root`` for the run); refuse, before writing any, when one exists with other content and
    ``overwrite`` is not given. A single output file needs no lock: its rename is atomic."""
    root = Path(root)
    named = {Path(path).relative_to(root).parts: content for path, content in files.items()}
    targets = {join_inside(root, *parts): content for parts, content in named.items()}  # refuses before any write
    clashes = [
        path for path, content in targets.items() if path.is_file() and path.read_text(encoding="utf-8") != content
    ]
    if clashes and not overwrite:
        shown = ", ".join(map(str, clashes[:5])) + (f" and {len(clashes) - 5} more" if len(clashes) > 5 else "")
        raise ReportedlyError([Issue("RPT-OUT-EXISTS", f"{len(clashes)} file(s) would change: {shown}")])
    return len(write_all(root, named, lock=lock))


def output_root(out: Path) -> tuple[Path, bool]:
    """The folder a converter writes into and whether it holds it for the run: ``out`` itself for a
    folder of files, the parent of a single ``.jsonl`` file (written atomically)."""
    out = Path(out)
    return (out.parent, False) if out.suffix == ".jsonl" else (out, True)


def provenance_for(
    schema: Schema, *, annotator: str | None, method: str | None, system: str | None, default_method: str
) -> dict[str, Any]:
    """An annotation layer's provenance (with ``annotator``) or a prediction's (with ``system``)."""
    if (annotator is None) == (system is None):
        raise ReportedlyError.of(
            "RPT-CLI-OPTION", "give exactly one of --annotator (annotation layer) or --system (predictions)"
        )
    if annotator is not None:
        return {
            "layer": "annotation",
            "annotators": [annotator],
            "method": method or default_method,
            "schema_version": schema.version,
        }
    return {"layer": "prediction", "system": system, "schema_version": schema.version}
