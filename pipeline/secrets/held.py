"""The day keys a long-running shell holds: the store's live days, re-read now and then.

`days()` is called before every batch and does no I/O between refreshes: it re-reads the store
every `refresh_s`, at each new UTC day, and drops a day from memory the moment it leaves the
window. A refresh that fails keeps the keys already adopted (never another secret) while they
still cover today; without today's key it raises DaySecretUnavailable and the shell must stop.
"""

from __future__ import annotations

import logging
import time

from pipeline.core.day_keys import DAY_MS, HeldDays
from pipeline.secrets.days import day_of, expired
from pipeline.secrets.store import DaySecretStore, DaySecretUnavailable

log = logging.getLogger(__name__)
DEFAULT_REFRESH_S = 60.0


class HeldDayKeys:
    """Caches `store.held()` for `refresh_s` (monotonic time); the day arithmetic follows the
    store's clock, which tests inject."""

    def __init__(self, store: DaySecretStore, *, refresh_s: float = DEFAULT_REFRESH_S) -> None:
        self.store = store
        self.refresh_s = refresh_s
        self._held: HeldDays | None = None
        self._next_refresh = 0.0

    def days(self) -> HeldDays:
        """The keys for this batch, or DaySecretUnavailable."""
        now = self.store.now_ms()
        held = self._held
        if held is None or held.today != day_of(now) or time.monotonic() >= self._next_refresh:
            held = self._refresh(held)
        window = self.store.window_ms
        if any(expired(d, now, window) for d in held.keys):
            live = {d: k for d, k in held.keys.items() if not expired(d, now, window)}
            held = self._held = HeldDays(live, held.today)
        return held

    def _refresh(self, held: HeldDays | None) -> HeldDays:
        self._next_refresh = time.monotonic() + self.refresh_s
        try:
            self._held = self.store.held()
        except DaySecretUnavailable as exc:
            today = day_of(self.store.now_ms())
            if held is None or held.key(today) is None:
                self._held = None
                raise
            log.warning("day-secret store: %s; keeping the %d day keys held", exc, len(held.keys))
            self._held = HeldDays(held.keys, today)
        return self._held

    def oldest_age_s(self) -> float | None:
        """Seconds since the start of the oldest day whose key is held (None before the first
        refresh): above window + 1 day, a destruction is overdue."""
        if not self._held or not self._held.keys:
            return None
        return (self.store.now_ms() - min(self._held.keys) * DAY_MS) / 1000
