"""Corpus validation: every check returns incidents with a stable code, a severity and a place.

Nothing here raises on bad input or stops at the first problem; ``validate_paths`` returns the
full list, and the CLI decides how to print it.
"""

from __future__ import annotations

from reportedly.incidents import Severity
from reportedly.validate.document import (
    CODES,
    INTEGRITY,
    Place,
    Role,
    check_document,
    check_documents,
    is_sound,
)
from reportedly.validate.files import (
    FileResult,
    Report,
    validate_corpus,
    validate_file,
    validate_paths,
    validate_splits,
)
from reportedly.validate.records import validate_decoded, validate_record

__all__ = [
    "CODES",
    "INTEGRITY",
    "FileResult",
    "Place",
    "Report",
    "Role",
    "Severity",
    "check_document",
    "check_documents",
    "is_sound",
    "validate_corpus",
    "validate_decoded",
    "validate_file",
    "validate_paths",
    "validate_record",
    "validate_splits",
]
