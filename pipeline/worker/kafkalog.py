"""librdkafka's logs and error callbacks into `logging`, concise and rate-limited."""

from __future__ import annotations

import logging
import time
from typing import Any

from confluent_kafka import KafkaError

from pipeline.kafka.clientlog import CLIENT_LOG, ClientLog

log = logging.getLogger("pipeline.worker.kafka")


class RateLimited:
    """Log each distinct key at most once per `interval` seconds (counting the ones skipped)."""

    def __init__(self, logger: logging.Logger, interval: float = 10.0) -> None:
        self.logger, self.interval = logger, interval
        self._last: dict[str, tuple[float, int]] = {}

    def __call__(self, level: int, key: str, message: str, *args: Any) -> None:
        now = time.monotonic()
        last, skipped = self._last.get(key, (-1e9, 0))
        if now - last < self.interval:
            self._last[key] = (last, skipped + 1)
            return
        self._last[key] = (now, 0)
        suffix = f" (and {skipped} more)" if skipped else ""
        self.logger.log(level, message + suffix, *args)

    def reset(self) -> None:
        """Forget what was logged: the next line of each key is logged at once."""
        self._last.clear()


_limited = RateLimited(log)


def describe(err: KafkaError) -> str:
    """`NAME (code)`: librdkafka's error name, without its free-text string."""
    return f"{err.name()} ({err.code()})"


def on_error(client: str) -> Any:
    """An `error_cb` for `client` ("consumer", "producer")."""

    def error_cb(err: KafkaError) -> None:
        level = logging.ERROR if err.fatal() else logging.WARNING
        _limited(level, f"{client}:{err.code()}", "%s error %s", client, describe(err))

    return error_cb


def client_logger() -> ClientLog:
    """Where librdkafka's own log lines go (warnings and up, rate-limited; see clientlog)."""
    return CLIENT_LOG


def callbacks(client: str) -> dict[str, Any]:
    """Config entries that route a client's errors and logs through `logging`."""
    return {"error_cb": on_error(client), "logger": client_logger(), "log_level": 4}
