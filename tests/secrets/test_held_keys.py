"""The day keys shells hold: refreshed from the store, dropped the moment their day leaves the
window, never replaced by another secret; and the in-memory keys of offline runs."""

from __future__ import annotations

import pytest
from confluent_kafka.admin import AdminClient, NewTopic

from pipeline.config.kafka import KafkaSettings
from pipeline.core.day_keys import day_of_key_id
from pipeline.secrets.days import DAY_MS, day_of
from pipeline.secrets.ephemeral import LAST_DAY, EphemeralDays
from pipeline.secrets.held import HeldDayKeys
from pipeline.secrets.store import DaySecretStore, DaySecretUnavailable
from tests.secrets.secrets_clock import HOUR, NOON, OTHER, RING, Clock


@pytest.fixture
def store_settings(admin: AdminClient, kafka_settings: KafkaSettings) -> KafkaSettings:
    topic = NewTopic(kafka_settings.day_secrets_topic, 1, 1, config={"cleanup.policy": "compact"})
    admin.create_topics([topic])[kafka_settings.day_secrets_topic].result(timeout=15)
    return kafka_settings


@pytest.mark.kafka
def test_held_keys_follow_the_clock_and_drop_a_day_the_moment_it_leaves(store_settings) -> None:
    settings = store_settings.model_copy(update={"replay_window_hours": 60})
    today = day_of(NOON)
    clock = Clock(today * DAY_MS + 6 * HOUR)
    store = DaySecretStore(settings, RING, clock=clock)
    held = HeldDayKeys(store, refresh_s=3600)
    first = held.days()
    assert first.today == today
    # today-3 ends 60 h before today 12:00; no tomorrow yet (made two hours before midnight)
    assert first.days == tuple(range(today - 3, today + 1))
    assert all(day_of_key_id(first.keys[d].key_id) == d for d in first.days)
    age = held.oldest_age_s()
    assert age is not None and age == (clock.ms - (today - 3) * DAY_MS) / 1000

    clock.ms = today * DAY_MS + 12 * HOUR  # the end of today-3 plus the window
    later = held.days()  # no refresh due (an hour), but today-3 is gone from memory at once
    assert later.days == tuple(range(today - 2, today + 1))
    assert later.keys[today] == first.keys[today]  # the same adopted secret

    clock.ms = (today + 1) * DAY_MS + 1
    tomorrow = held.days()  # the day changed: refreshed at once
    assert tomorrow.today == today + 1 and today + 1 in tomorrow.keys
    assert tomorrow.keys[today] == first.keys[today]
    store.close()


@pytest.mark.kafka
def test_a_failed_refresh_keeps_adopted_keys_only_while_today_is_among_them(
    store_settings,
) -> None:
    clock = Clock(NOON)
    DaySecretStore(store_settings, RING, clock=clock).held()  # the group adopted m1's secrets
    other = HeldDayKeys(DaySecretStore(store_settings, OTHER, clock=clock), refresh_s=0)
    with pytest.raises(DaySecretUnavailable, match="not in the key ring"):
        other.days()  # it cannot open the adopted secret: never one of its own instead

    ring_store = DaySecretStore(store_settings, RING, clock=clock)
    held = HeldDayKeys(ring_store, refresh_s=0)
    adopted = held.days()
    ring_store.keys = OTHER  # from now on every refresh fails (the store cannot unwrap)
    ring_store._secrets.clear()
    assert held.days().keys == adopted.keys  # kept: the same secrets, still covering today
    clock.ms = (day_of(NOON) + 1) * DAY_MS + 1  # a new day whose key it cannot get
    with pytest.raises(DaySecretUnavailable):
        held.days()


def test_ephemeral_days_are_random_per_run_and_stable_within_one() -> None:
    a, b = EphemeralDays(clock=Clock(NOON)), EphemeralDays(clock=Clock(NOON))
    today = day_of(NOON)
    assert a.today == today
    key = a.key(today)
    assert key is not None and a.key(today) == key and a.get(key.key_id) == key
    other = b.key(today)
    assert other is not None and other.secret != key.secret and b.get(key.key_id) is None
    assert day_of_key_id(key.key_id) == today
    assert a.key(LAST_DAY + 1) is None and a.key(-1) is None  # no date: no key
