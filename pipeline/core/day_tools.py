"""What each day key derives (pseudonymizer, sealer), cached only while the shell holds the key.

A day's secret must be gone from memory once the shell drops it: the cache is pruned whenever the
shell hands over another set of day keys, keeping only the keys that set still gives.
"""

from __future__ import annotations

from pipeline.core.day_keys import DayKeys, day_of_key_id
from pipeline.core.keys import Key
from pipeline.core.pseudonyms import Pseudonymizer
from pipeline.core.seal import Sealer


class DayTools:
    """Derived tools by day key, for the day keys of the current batch."""

    def __init__(self) -> None:
        self._days: DayKeys | None = None
        self._pseudonymizers: dict[Key, Pseudonymizer] = {}
        self._sealers: dict[Key, Sealer] = {}

    def use(self, days: DayKeys) -> None:
        """The day keys of the next batch: forget what was derived from keys they lack."""
        if days is self._days:
            return
        self._days = days
        for cache in (self._pseudonymizers, self._sealers):
            for key in [k for k in cache if not _held(days, k)]:
                del cache[key]

    def pseudonymizer(self, key: Key) -> Pseudonymizer:
        found = self._pseudonymizers.get(key)
        if found is None:
            found = self._pseudonymizers[key] = Pseudonymizer(key)
        return found

    def sealer(self, key: Key) -> Sealer:
        found = self._sealers.get(key)
        if found is None:
            found = self._sealers[key] = Sealer(key)
        return found

    @property
    def held(self) -> int:
        """How many keys have derived tools in memory."""
        return len(set(self._pseudonymizers) | set(self._sealers))


def _held(days: DayKeys, key: Key) -> bool:
    day = day_of_key_id(key.key_id)
    return day is not None and days.key(day) == key
