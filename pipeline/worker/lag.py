"""Consumer lag per assigned partition: high watermark minus position, at most once a second."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from confluent_kafka import Consumer, KafkaException

log = logging.getLogger(__name__)


class LagTracker:
    """Reads cached watermarks (updated by every fetch, no extra request) and positions."""

    def __init__(
        self,
        consumer: Consumer,
        publish: Callable[[dict[int, int]], None],
        interval: float = 1.0,
    ) -> None:
        self.consumer, self.publish, self.interval = consumer, publish, interval
        self._next = 0.0

    def maybe_refresh(self) -> None:
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + self.interval
        try:
            self.publish(self.lags())
        except KafkaException as exc:  # e.g. while the broker is away; the next tick retries
            log.debug("lag not refreshed: %s", exc.args[0].name())

    def lags(self) -> dict[int, int]:
        consumer = self.consumer
        lags: dict[int, int] = {}
        for tp in consumer.position(consumer.assignment()):
            low, high = consumer.get_watermark_offsets(tp, cached=True)
            if high < 0:
                continue  # nothing fetched yet for this partition
            position = tp.offset if tp.offset >= 0 else low
            lags[tp.partition] = max(0, high - max(position, low))
        return lags
