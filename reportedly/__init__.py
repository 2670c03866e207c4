"""reportedly: claims, their sources and their hedges in news text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reportedly.document import Document, Relation, Span

if TYPE_CHECKING:
    from reportedly.baselines.system import System, load_system
    from reportedly.scoring.evaluate import evaluate

__version__ = "0.1.0"
__all__ = ["Document", "Relation", "Span", "System", "__version__", "evaluate", "load_system"]


def __getattr__(name: str) -> Any:
    # the scorer pulls in numpy and scipy: load it only when asked for
    if name == "evaluate":
        from reportedly.scoring.evaluate import evaluate

        return evaluate
    if name in ("load_system", "System"):
        from reportedly.baselines import system

        return getattr(system, name)
    raise AttributeError(f"module 'reportedly' has no attribute {name!r}")
