"""Process-level tuning shared by the long-running shells."""

from __future__ import annotations

import gc


def tune_gc() -> None:
    """Move start-up objects out of the collector's way and collect young objects less often.

    Batches allocate many short-lived objects; with CPython's default thresholds the collector
    rescans the long-lived ones (GeoIP caches, compiled code) over and over.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
