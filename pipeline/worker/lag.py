"""Consumer lag per assigned partition: high watermark minus position, at most once a second.

While the worker consumes it reads the watermarks every fetch caches (no extra request). Paused
partitions are not fetched, so their cached watermarks stand still: while paused (no day key) the
tracker asks the broker instead, every `paused_interval` seconds, so the lag it shows keeps
growing with the backlog.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from confluent_kafka import Consumer, KafkaException

log = logging.getLogger(__name__)


class LagTracker:
    """Publishes the lag of every assigned partition (see the module docstring)."""

    def __init__(
        self,
        consumer: Consumer,
        publish: Callable[[dict[int, int]], None],
        interval: float = 1.0,
        paused_interval: float = 5.0,
        query_timeout: float = 1.0,
    ) -> None:
        self.consumer, self.publish, self.interval = consumer, publish, interval
        self.paused_interval, self.query_timeout = paused_interval, query_timeout
        self._next = 0.0

    def maybe_refresh(self, paused: bool = False) -> None:
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + (self.paused_interval if paused else self.interval)
        try:
            self.publish(self.lags(cached=not paused))
        except KafkaException as exc:  # e.g. while the broker is away; the next tick retries
            log.debug("lag not refreshed: %s", exc.args[0].name())

    def lags(self, cached: bool = True) -> dict[int, int]:
        consumer = self.consumer
        lags: dict[int, int] = {}
        for tp in consumer.position(consumer.assignment()):
            if cached:
                low, high = consumer.get_watermark_offsets(tp, cached=True)
            else:
                low, high = consumer.get_watermark_offsets(tp, self.query_timeout, cached=False)
            if high < 0:
                continue  # nothing fetched yet for this partition
            position = tp.offset if tp.offset >= 0 else low
            lags[tp.partition] = max(0, high - max(position, low))
        return lags
