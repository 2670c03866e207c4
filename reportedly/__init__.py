"""reportedly: claims, their sources and their hedges in news text."""

from reportedly.document import Document, Relation, Span
from reportedly.evaluation import evaluate

__version__ = "0.1.0"
__all__ = ["Document", "Relation", "Span", "__version__", "evaluate"]
