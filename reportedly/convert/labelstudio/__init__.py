"""Label Studio tasks, annotations and predictions <-> reportedly documents. Pure: no server, no files.

The labeling config is the one :func:`reportedly.schema.labelstudio_xml` generates: a ``<Labels
name="label">`` on ``<Text name="text">``, one per-region ``<Choices>`` named after each attribute,
and ``<Relations>``. In Label Studio's JSON one span becomes:

- a ``labels`` result ``{"id": span.id, "from_name": "label", "value": {"start", "end", "text",
  "labels": [span.label]}}``;
- one ``choices`` result per attribute, sharing the span's ``id`` (that is how Label Studio ties a
  per-region choice to its region);
- and each relation a ``relation`` result ``{"from_id": head, "to_id": tail, "direction": "right",
  "labels": [relation.label]}``.

A task's data is ``{"text": document.text, "doc_id": document.id, "meta": document.meta}``: the
document id lives in the task, so pushing twice never duplicates a task and pulling names the layer.

**Offsets.** Ours are code points, and so are the Label Studio editor's. Other tools that write Label
Studio JSON (JavaScript, Java) often count UTF-16 code units, which differ after an astral character
such as an emoji. Every region is therefore checked: ``value.text`` must equal ``text[start:end]``.
When it does not, and the offsets read as UTF-16 units do give ``value.text``, they are converted
with a warning (``RPT-LS-UTF16``); otherwise the region is an error (``RPT-LS-OFFSET``) naming the
task, the annotation, the region and both texts, and that annotation is not converted.

Nothing is dropped silently: a result this schema cannot hold (another control's type, a relation
without a label) is reported as a warning and kept verbatim in ``provenance.unconverted_results``.
"""

from __future__ import annotations

from reportedly.convert.labelstudio.exports import (
    ConfigCheck,
    ExportConversion,
    Layer,
    WriteResult,
    annotation_to_layer,
    annotator_ids,
    check_export_format,
    config_problems,
    convert_export,
    convert_export_files,
    export_to_layers,
    parse_annotator_map,
    read_export_file,
    slug,
    user_key,
    write_export,
    write_layers,
)
from reportedly.convert.labelstudio.from_studio import (
    results_to_document,
    task_document,
)
from reportedly.convert.labelstudio.problems import (
    DOC_ID_KEY,
    META_KEY,
    METHOD_FROM_ANNOTATION,
    METHOD_FROM_PREDICTION,
    METHOD_INDEPENDENT,
    TOOL,
    Problem,
    Vocabulary,
    Where,
    vocabulary_of,
)
from reportedly.convert.labelstudio.to_studio import (
    check_predictions,
    document_to_prediction,
    document_to_results,
    document_to_task,
    read_inputs,
    read_predictions,
    task_data,
    tasks_payload,
    text_document,
)
from reportedly.incidents import ReportedlyError

__all__ = [
    "DOC_ID_KEY",
    "META_KEY",
    "METHOD_FROM_ANNOTATION",
    "METHOD_FROM_PREDICTION",
    "METHOD_INDEPENDENT",
    "TOOL",
    "ConfigCheck",
    "ExportConversion",
    "Layer",
    "Problem",
    "ReportedlyError",
    "Vocabulary",
    "Where",
    "WriteResult",
    "annotation_to_layer",
    "annotator_ids",
    "check_export_format",
    "check_predictions",
    "config_problems",
    "convert_export",
    "convert_export_files",
    "document_to_prediction",
    "document_to_results",
    "document_to_task",
    "export_to_layers",
    "parse_annotator_map",
    "read_export_file",
    "read_inputs",
    "read_predictions",
    "results_to_document",
    "slug",
    "task_data",
    "task_document",
    "tasks_payload",
    "text_document",
    "user_key",
    "vocabulary_of",
    "write_export",
    "write_layers",
]
