"""Problems found while converting: a stable code, a level, the place (file and line) and the fix.

Converters return issues instead of raising or printing, and keep going, so one run lists every
problem of a folder; the CLI prints them and writes nothing when any is an error.
"""

from __future__ import annotations

from reportedly.incidents import CONVERT, Code, Incident, catalogue

# The converters' part of the catalogue in reportedly.incidents.
CODES: dict[str, Code] = catalogue(CONVERT)


Issue = Incident  # converters' name for an incident
