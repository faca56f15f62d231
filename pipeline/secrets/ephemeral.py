"""Day keys that live in memory only, for one run of an offline command.

Each day met gets a random secret on first use; nothing is written anywhere, so pseudonyms link
records within the run only, and the run's dead letters cannot be opened once it ends.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from pipeline.core.day_keys import DAY_MS, day_key_id
from pipeline.core.keys import Key
from pipeline.secrets.wrap import new_secret

LAST_DAY = 2_932_896  # 9999-12-31: the last day a date can name


class EphemeralDays:
    """A random key per day on first use, held by this object only."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self.today = int(clock() * 1000) // DAY_MS
        self._keys: dict[int, Key] = {}

    def key(self, day: int) -> Key | None:
        key = self._keys.get(day)
        if key is None:
            if not 0 <= day <= LAST_DAY:
                return None
            key = self._keys[day] = Key(day_key_id(day, os.urandom(4).hex()), new_secret())
        return key

    def get(self, key_id: str) -> Key | None:
        """The key of this id, if this run made it (to open its dead letters)."""
        return next((k for k in self._keys.values() if k.key_id == key_id), None)
