"""The daily rhythm of traffic: relative event rates by hour of the day in Japan (JST, UTC+9).

A hand-made curve in the shape Japanese web-analytics reports show for shopping and media sites
(approximate, not fitted to data): a trough around 04:00, a morning rise with the commute, a
lunch bump, and the day's peak from 21:00 to 23:00. Used by thinning: events are drawn at the
peak rate and each is kept with probability `weight(t) / PEAK`, so the mean rate is unchanged.
"""

from __future__ import annotations

_JST_MS = 9 * 3_600_000
_HOUR_MS = 3_600_000
# Relative rate for each JST hour 00..23.
HOURLY: tuple[float, ...] = (
    0.75, 0.50, 0.32, 0.22, 0.18, 0.20, 0.32, 0.55, 0.78, 0.88, 0.92, 0.95,
    1.05, 0.98, 0.90, 0.90, 0.92, 0.98, 1.05, 1.15, 1.30, 1.45, 1.45, 1.15,
)  # fmt: skip
PEAK = max(HOURLY)
MEAN = sum(HOURLY) / len(HOURLY)


def weight(epoch_ms: int) -> float:
    """The relative rate at `epoch_ms`."""
    return HOURLY[((epoch_ms + _JST_MS) // _HOUR_MS) % 24]
