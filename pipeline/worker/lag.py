"""Consumer lag per assigned partition: high watermark minus position, at most once a second,
in records and in seconds.

While the worker consumes it reads the watermarks every fetch caches (no extra request). Paused
partitions are not fetched, so their cached watermarks stand still: while paused (no day key) the
tracker asks the broker instead, every `paused_interval` seconds, so the lag it shows keeps
growing with the backlog.

Lag in seconds is how old the oldest waiting record can be: now minus the Kafka timestamp of the
last record committed from the partition (the next record is at least that recent), 0 when no
record waits. It needs no extra request; a partition from which nothing was committed yet has no
age (its series is absent until then).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from confluent_kafka import Consumer, KafkaException, Message

log = logging.getLogger(__name__)


class LagTracker:
    """Publishes the lag of every assigned partition (see the module docstring)."""

    def __init__(
        self,
        consumer: Consumer,
        publish: Callable[[dict[int, int], dict[int, float]], None],
        interval: float = 1.0,
        paused_interval: float = 5.0,
        query_timeout: float = 1.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.consumer, self.publish, self.interval = consumer, publish, interval
        self.paused_interval, self.query_timeout = paused_interval, query_timeout
        self.clock = clock
        self._next = 0.0
        self._last_ms: dict[int, int] = {}  # partition -> timestamp of the last committed record

    def committed(self, batch: Iterable[Message]) -> None:
        """Remember the newest Kafka timestamp committed from each partition of `batch`."""
        last = self._last_ms
        for m in batch:
            ts = m.timestamp()[1]
            if ts > last.get(m.partition(), -1):
                last[m.partition()] = ts

    def seconds(self, lags: dict[int, int]) -> dict[int, float]:
        """Age of the oldest waiting record per partition, at most (see the module docstring)."""
        now_ms = self.clock() * 1000
        ages = {}
        for partition, behind in lags.items():
            if behind == 0:
                ages[partition] = 0.0
            elif partition in self._last_ms:
                ages[partition] = max(0.0, (now_ms - self._last_ms[partition]) / 1000)
        return ages

    def maybe_refresh(self, paused: bool = False) -> None:
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + (self.paused_interval if paused else self.interval)
        try:
            lags = self.lags(cached=not paused)
            self.publish(lags, self.seconds(lags))
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
