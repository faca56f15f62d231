"""Day keys: the secret of one UTC day as the Key that pseudonymizes and seals under it.

The engine holds no long-lived key: every pseudonym of an event is made under the key of the
event's day, and every dead letter is sealed under the key of the day its raw record arrived.
A day key's id names its day and the store's proposal (`2026-12-03.5f2a9c1e`); it is the
`key_id` of every record and dead letter made under it, so a reader knows which day made it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol

from pipeline.core.keys import Key

DAY_MS = 86_400_000
_ID = re.compile(r"(\d{4}-\d{2}-\d{2})\.([0-9a-z]{1,16})")
_EPOCH = date(1970, 1, 1)


def day_label(day: int) -> str:
    """`2026-12-03` for a day number (days since 1970-01-01, UTC)."""
    return datetime.fromtimestamp(day * 86_400, UTC).strftime("%Y-%m-%d")


def day_key_id(day: int, proposal: str) -> str:
    """The id of a day key: its day and the first 8 characters of its proposal id."""
    return f"{day_label(day)}.{proposal[:8]}"


def day_of_key_id(key_id: str) -> int | None:
    """The day a day-key id names, or None when `key_id` is not one (e.g. a master key id)."""
    match = _ID.fullmatch(key_id)
    if match is None:
        return None
    try:
        return (date.fromisoformat(match.group(1)) - _EPOCH).days
    except ValueError:
        return None


class DayKeys(Protocol):
    """Where the engine finds a day's key; None means the day has no secret (outside the window)."""

    @property
    def today(self) -> int:
        """The day whose key seals what has no day of its own (e.g. an undecodable payload)."""
        ...

    def key(self, day: int) -> Key | None: ...


@dataclass(frozen=True, slots=True)
class HeldDays:
    """The day keys a shell holds at one moment: a snapshot of the store's live days."""

    keys: Mapping[int, Key] = field(repr=False)
    today: int

    def __post_init__(self) -> None:
        if self.today not in self.keys:
            raise ValueError(f"no key for today ({day_label(self.today)})")

    def key(self, day: int) -> Key | None:
        return self.keys.get(day)

    def get(self, key_id: str) -> Key | None:
        """The key of this id, if held (to open dead letters)."""
        day = day_of_key_id(key_id)
        key = None if day is None else self.keys.get(day)
        return key if key is not None and key.key_id == key_id else None

    @property
    def days(self) -> tuple[int, ...]:
        return tuple(sorted(self.keys))
