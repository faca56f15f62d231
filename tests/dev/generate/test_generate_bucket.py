"""TokenBucket pacing logic, on an injected clock (no real time involved)."""

from __future__ import annotations

import pytest

from pipeline.dev.generate import TokenBucket


class FakeClock:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds
        self.slept += seconds


def test_paces_to_the_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(1000, burst=10, clock=clock, sleep=clock.sleep)
    for _ in range(5000):
        bucket.take(1)
    # 10 banked at the start, the other 4,990 at 1,000/s.
    assert clock.now - 100.0 == pytest.approx(4.99, abs=1e-6)


def test_chunks_larger_than_the_burst_are_paid_by_waiting() -> None:
    clock = FakeClock()
    bucket = TokenBucket(200, burst=1, clock=clock, sleep=clock.sleep)
    for _ in range(10):
        bucket.take(100)
    assert clock.now - 100.0 == pytest.approx((1000 - 1) / 200, abs=1e-6)


def test_idle_time_banks_at_most_the_burst() -> None:
    clock = FakeClock()
    bucket = TokenBucket(100, burst=5, clock=clock, sleep=clock.sleep)
    clock.now += 3600  # an hour idle
    for _ in range(5):
        assert bucket.try_take()
    assert not bucket.try_take()
    assert bucket.wait_time(1) == pytest.approx(0.01)


def test_rate_zero_never_waits() -> None:
    clock = FakeClock()
    bucket = TokenBucket(0, clock=clock, sleep=clock.sleep)
    for _ in range(10_000):
        assert bucket.take(1000)
    assert clock.slept == 0.0
    assert bucket.wait_time(1e9) == 0.0


def test_stop_while_waiting_takes_nothing() -> None:
    clock = FakeClock()
    bucket = TokenBucket(10, burst=1, clock=clock, sleep=clock.sleep)
    assert bucket.take(1)
    assert not bucket.take(100, stop=lambda: True)
    assert clock.slept == 0.0
    # The debt was given back: the next token comes a tenth of a second later, as before.
    assert not bucket.try_take(1)
    clock.now += 0.1
    assert bucket.try_take(1)


def test_default_burst_is_fifty_milliseconds() -> None:
    assert TokenBucket(5000).burst == 250
    assert TokenBucket(3).burst == 1


def test_negative_rate_is_refused() -> None:
    with pytest.raises(ValueError):
        TokenBucket(-1)
