"""The unit the audit measures in: a site and a UTC day, the scope of every pseudonym."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

DAY_MS = 86_400_000
SiteDay = tuple[str, str]  # site_id, YYYY-MM-DD (UTC)


@lru_cache(maxsize=4096)
def day_label(day: int) -> str:
    """`YYYY-MM-DD` of a day number (days since 1970-01-01, UTC)."""
    return datetime.fromtimestamp(day * DAY_MS / 1000, UTC).strftime("%Y-%m-%d")


def site_day(record: dict[str, Any]) -> SiteDay:
    """The record's site and the UTC day of its event_time."""
    return record["site_id"], day_label(int(record["event_time"]) // DAY_MS)


def share(part: int, whole: int) -> float:
    """part / whole, 0 for an empty whole."""
    return part / whole if whole else 0.0
