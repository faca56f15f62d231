"""The personal-data clock as arithmetic, and wrapping day secrets under the master key."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.keys import KeyRing
from pipeline.secrets.days import DAY_MS, day_label, day_of, destroy_at, expired, live_days
from pipeline.secrets.wrap import UnwrapError, new_secret, unwrap, wrap, wrapped_key_id

HOUR = 3_600_000
WINDOW = 72 * HOUR
RING = KeyRing.parse("m2:" + base64.b64encode(bytes(range(40, 72))).decode()
                     + ",m1:" + base64.b64encode(bytes(range(32))).decode())  # fmt: skip


def test_a_day_is_destroyed_when_its_last_event_leaves_the_window() -> None:
    day = day_of(1_764_979_200_000)  # 2025-12-06T00:00Z
    assert day_label(day) == "2025-12-06"
    assert destroy_at(day, WINDOW) == (day + 1) * DAY_MS + WINDOW
    last_event = (day + 1) * DAY_MS - 1
    assert not expired(day, last_event + WINDOW, WINDOW)  # its raw record still exists
    assert expired(day, last_event + WINDOW + 1, WINDOW)


@given(now=st.integers(10 * DAY_MS, 30_000 * DAY_MS), hours=st.integers(1, 744))
def test_live_days_are_exactly_the_days_not_yet_destroyed(now: int, hours: int) -> None:
    window = hours * HOUR
    days = live_days(now, window, 2 * HOUR)
    assert not expired(days[0], now, window) and expired(days[0] - 1, now, window)
    assert day_of(now) in days
    assert days[-1] == day_of(now + 2 * HOUR)  # tomorrow from 22:00 on


def test_tomorrow_is_live_two_hours_before_midnight() -> None:
    midnight = 20_000 * DAY_MS
    assert live_days(midnight - 2 * HOUR - 1, WINDOW, 2 * HOUR)[-1] == 19_999
    assert live_days(midnight - 2 * HOUR, WINDOW, 2 * HOUR)[-1] == 20_000


def test_a_wrapped_secret_opens_only_under_its_key_day_and_proposal() -> None:
    secret = new_secret()
    blob = wrap(RING.active, 20_000, "p1", secret)
    assert secret not in blob and wrapped_key_id(blob) == "m2"
    assert unwrap(RING, 20_000, "p1", blob) == secret
    with pytest.raises(UnwrapError, match="does not open"):
        unwrap(RING, 20_001, "p1", blob)  # moved to another day
    with pytest.raises(UnwrapError, match="does not open"):
        unwrap(RING, 20_000, "p2", blob)
    with pytest.raises(UnwrapError, match="not in the key ring"):
        unwrap(KeyRing.parse("m1:" + base64.b64encode(bytes(range(32))).decode()), 20_000, "p1",
               blob)  # fmt: skip


def test_secrets_are_random() -> None:
    assert len({new_secret() for _ in range(100)}) == 100
