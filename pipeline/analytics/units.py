"""Visitors as the output knows them: one `visitor_key` per site and UTC day.

`visitor_key` is a keyed pseudonym of the client address, scoped to the site and the UTC day, so
the unit every figure counts is the triple (site, UTC day, visitor_key): the same person on two
days, or on two sites, is two units, and nothing can join them (by design). Records without a
visitor_key (the address was missing or invalid) belong to no unit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

DAY_MS = 86_400_000
Unit = tuple[str, int, str]  # (site_id, UTC day number since 1970-01-01, visitor_key)


def utc_day(epoch_ms: int) -> int:
    """The UTC day number of an epoch-millisecond time."""
    return epoch_ms // DAY_MS


def day_label(day: int) -> str:
    """`YYYY-MM-DD` of a UTC day number."""
    return datetime.fromtimestamp(day * 86_400, UTC).strftime("%Y-%m-%d")


def unit_of(record: Mapping[str, Any]) -> Unit | None:
    """The (site, UTC day, visitor_key) a record belongs to, or None without a visitor_key."""
    key = record.get("visitor_key")
    if key is None:
        return None
    return record["site_id"], utc_day(record["event_time"]), key


def visitors_per_site_day(records: Iterable[Mapping[str, Any]]) -> dict[tuple[str, int], int]:
    """Distinct visitors for each (site, UTC day) with any record."""
    seen: dict[tuple[str, int], set[str]] = defaultdict(set)
    for record in records:
        unit = unit_of(record)
        if unit is not None:
            seen[unit[0], unit[1]].add(unit[2])
    return {site_day: len(keys) for site_day, keys in seen.items()}
