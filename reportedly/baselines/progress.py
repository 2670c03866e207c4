"""What a training loop reports after each step (the command line turns it into bars with an ETA)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrainingProgress:
    epoch: int  # 1-based
    epochs: int
    step: int  # 1-based, within the epoch
    steps_per_epoch: int
    loss: float | None = None
    resumed_from: int = 0  # epochs done before this run (restored from a checkpoint)
    stage: str = "epoch"  # what an epoch is for this system ("epoch"; the crf trains one "label" at a time)
