"""The privacy engine: a pure, batch-oriented core with no I/O."""

from pipeline.core.engine import BatchResult, Engine, Record, Reject
from pipeline.core.reasons import Reason

__all__ = ["BatchResult", "Engine", "Reason", "Record", "Reject"]
