"""An injected clock and fixed master keys shared by the day-secret tests."""

from __future__ import annotations

import base64

from pipeline.core.keys import KeyRing
from pipeline.secrets.days import DAY_MS

HOUR = 3_600_000
RING = KeyRing.parse("m1:" + base64.b64encode(bytes(range(32))).decode())
OTHER = KeyRing.parse("m9:" + base64.b64encode(bytes(range(100, 132))).decode())
NOON = 20_425 * DAY_MS + 12 * HOUR  # 2025-12-03T12:00Z


class Clock:
    """Epoch milliseconds set by the test, read as `time.time` is (seconds)."""

    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> float:
        return self.ms / 1000
