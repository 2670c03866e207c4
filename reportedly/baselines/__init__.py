"""Extraction systems: the registry (:mod:`.registry`), trained model folders (:mod:`.models`) and
:func:`reportedly.load_system` (:mod:`.system`); each system's code is in its own module."""

from __future__ import annotations

BUNDLED = ("rules", "crf", "encoder")  # run by `reportedly baseline` / `make baselines`
