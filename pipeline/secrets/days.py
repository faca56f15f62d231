"""The personal-data clock as arithmetic: which UTC days are inside the window, and until when.

A day's secret lives from before the day starts until the day leaves the window: the last event
of day D happens just before the end of D, and its raw record is kept for the window, so D's
secret is destroyed at end(D) + window. Pure functions of times in epoch milliseconds.
"""

from __future__ import annotations

from pipeline.core.day_keys import DAY_MS, day_label

__all__ = ["DAY_MS", "day_label", "day_of", "destroy_at", "expired", "live_days"]


def day_of(ms: int) -> int:
    """The UTC day number (days since 1970-01-01) of an epoch-ms time."""
    return ms // DAY_MS


def destroy_at(day: int, window_ms: int) -> int:
    """When the secret of `day` must be gone: the end of the day plus the window."""
    return (day + 1) * DAY_MS + window_ms


def live_days(now_ms: int, window_ms: int, ahead_ms: int) -> range:
    """Days whose secrets must exist now: not yet destroyed, up to the day starting within
    `ahead_ms` (so tomorrow's secret is made before midnight)."""
    first = day_of(now_ms - window_ms) - 1
    while destroy_at(first, window_ms) <= now_ms:
        first += 1
    return range(first, day_of(now_ms + ahead_ms) + 1)


def expired(day: int, now_ms: int, window_ms: int) -> bool:
    """Whether the secret of `day` must already be destroyed."""
    return destroy_at(day, window_ms) <= now_ms
