"""librdkafka's own log lines into `logging`, rate-limited.

Every client the project creates gets a `ClientLog` as its `logger` (through `KafkaSettings`'s
configurations), so no `%3|...|FAIL|...` line reaches stderr past `logging`. librdkafka repeats a
line for every retry (an unreachable broker gives dozens a second): each kind of line (facility
and text with its numbers blanked) is logged at most once per `interval` seconds, and the next
one says how many were left out. The logger's level is WARNING unless configured otherwise.
confluent-kafka hands the lines over when the client is polled (consume, poll, flush).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any

LOGGER = "pipeline.kafka.librdkafka"
_THREAD = re.compile(r"^\[thrd:[^\]]*\]: ")
_NUMBERS = re.compile(r"\d+")
_TAIL = re.compile(r"\s*\((after|[0-9]+ identical) .*\)$")  # "(after 0ms in state CONNECT, ...)"


class ClientLog:
    """A librdkafka `logger`: `.log(level, "%s [%s] %s", facility, client, text)`."""

    def __init__(
        self,
        name: str = LOGGER,
        interval: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.logger = logging.getLogger(name)
        if self.logger.level == logging.NOTSET:
            self.logger.setLevel(logging.WARNING)
        self.interval, self.clock = interval, clock
        self._lock = threading.Lock()
        self._last: dict[str, tuple[float, int]] = {}

    def log(self, level: int, fmt: str, *args: Any) -> None:
        if not self.logger.isEnabledFor(level):
            return
        if len(args) != 3:  # not the shape confluent-kafka uses: pass it on as is
            self.logger.log(level, fmt, *args)
            return
        facility, client, text = (str(a) for a in args)
        text = _THREAD.sub("", text)
        key = f"{facility}|{_NUMBERS.sub('#', _TAIL.sub('', text))}"
        now = self.clock()
        with self._lock:
            last, skipped = self._last.get(key, (-1e18, 0))
            if now - last < self.interval:
                self._last[key] = (last, skipped + 1)
                return
            self._last[key] = (now, 0)
        more = f" (and {skipped} more like it in {self.interval:.0f} s)" if skipped else ""
        self.logger.log(
            level,
            "%s %s: %s%s",
            client,
            facility,
            text,
            more,
            extra={"kafka_client": client, "kafka_facility": facility},
        )


CLIENT_LOG = ClientLog()
