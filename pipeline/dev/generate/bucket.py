"""A token bucket: paces a producer to a mean rate with bounded bursts (injectable clock)."""

from __future__ import annotations

import time
from collections.abc import Callable

_EPSILON = 1e-9


class TokenBucket:
    """`rate` tokens per second, at most `burst` banked; `take(n)` waits until n are available.

    A rate of 0 means unlimited: `take` never waits. `clock` and `sleep` are injectable so the
    pacing logic can be tested without real time.
    """

    def __init__(
        self,
        rate: float,
        burst: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate < 0:
            raise ValueError("rate must be >= 0")
        self.rate = float(rate)
        # Default burst: 50 ms worth of tokens, at least one.
        self.burst = float(burst) if burst is not None else max(1.0, self.rate * 0.05)
        if self.burst <= 0:
            raise ValueError("burst must be > 0")
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.burst if self.rate else 0.0
        self._last = clock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now

    def wait_time(self, n: float = 1.0) -> float:
        """Seconds until `n` tokens would be available (0 if they are now)."""
        if not self.rate:
            return 0.0
        self._refill()
        return max(0.0, (n - self._tokens) / self.rate)

    def try_take(self, n: float = 1.0) -> bool:
        """Take `n` tokens if available now; never waits."""
        if not self.rate:
            return True
        self._refill()
        if self._tokens >= n - _EPSILON:
            self._tokens -= n
            return True
        return False

    def take(self, n: float = 1.0, stop: Callable[[], bool] | None = None) -> bool:
        """Wait for and take `n` tokens (n may exceed `burst`: the debt is paid by waiting).

        Returns False (taking nothing) if `stop()` turns true while waiting.
        """
        if not self.rate:
            return True
        self._refill()
        self._tokens -= n
        while self._tokens < -_EPSILON:  # tolerate float rounding of the refill
            if stop is not None and stop():
                self._tokens += n
                return False
            self._sleep(min(0.1, -self._tokens / self.rate))
            self._refill()
        return True
