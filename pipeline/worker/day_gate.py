"""The gate before every batch: today's day keys, or a stop with back-off until they come back.

A worker without today's key must not produce: it never falls back to another secret. `current`
returns the keys for the next batch, or None while they cannot be had; then the caller consumes
nothing (the confluent loop pauses its partitions and keeps polling, so it stays in the group),
the metrics say unavailable and the log says why, at most every `log_interval` seconds, naming
days and key ids only (DaySecretUnavailable's messages never hold a secret). Retries back off
from `first_retry_s` to `max_retry_s`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from pipeline.core.day_keys import HeldDays
from pipeline.observability.metrics import WorkerMetrics
from pipeline.secrets.held import HeldDayKeys
from pipeline.secrets.store import DaySecretUnavailable
from pipeline.worker.kafkalog import RateLimited

log = logging.getLogger(__name__)


class DayGate:
    """Today's day keys for each batch; see the module docstring."""

    def __init__(
        self,
        days: HeldDayKeys,
        metrics: WorkerMetrics,
        *,
        first_retry_s: float = 0.5,
        max_retry_s: float = 30.0,
        log_interval: float = 30.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.days, self.metrics, self.monotonic = days, metrics, monotonic
        self.first_retry_s, self.max_retry_s = first_retry_s, max_retry_s
        self._limited = RateLimited(log, log_interval)
        self._retry_s = first_retry_s
        self._retry_at = 0.0
        self._since: float | None = None  # when the keys became unavailable

    @property
    def blocked(self) -> bool:
        return self._since is not None

    def current(self) -> HeldDays | None:
        """The day keys for the next batch, or None while today's key cannot be had."""
        now = self.monotonic()
        if self._since is not None and now < self._retry_at:
            return None
        try:
            held = self.days.days()
        except DaySecretUnavailable as exc:
            self._unavailable(exc, now)
            return None
        if self._since is not None:
            log.warning(
                "day key available again after %.0f s: resuming (%d day keys held)",
                now - self._since,
                len(held.keys),
            )
            self._since, self._retry_s = None, self.first_retry_s
        self.metrics.day_keys(held)
        return held

    def _unavailable(self, exc: DaySecretUnavailable, now: float) -> None:
        if self._since is None:
            self._since = now
            self._limited.reset()
        self.metrics.day_keys(None)
        self._retry_at = now + self._retry_s
        self._limited(
            logging.ERROR,
            "unavailable",
            "no day key for today: %s. Consuming nothing (lag grows) until it can be had; "
            "retrying in %.1f s",
            exc,
            self._retry_s,
        )
        self._retry_s = min(self.max_retry_s, self._retry_s * 2)

    def wait_s(self) -> float:
        """Seconds until the next attempt (0 when not blocked)."""
        return max(0.0, self._retry_at - self.monotonic()) if self._since is not None else 0.0
