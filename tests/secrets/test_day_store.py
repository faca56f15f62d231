"""The day-secret store on the real broker, with the clock injected (never a sleep for a day)."""

from __future__ import annotations

import base64
import threading
import time
from pathlib import Path

import pytest
from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from pipeline.config.kafka import KafkaSettings
from pipeline.core.keys import KeyRing
from pipeline.kafka.broker import EmbeddedBroker
from pipeline.secrets.days import DAY_MS, day_of
from pipeline.secrets.store import DaySecretStore, DaySecretUnavailable
from tests.secrets.secrets_clock import HOUR, NOON, OTHER, RING, Clock

pytestmark = pytest.mark.kafka


@pytest.fixture
def secrets_topic(admin: AdminClient, kafka_settings: KafkaSettings) -> KafkaSettings:
    """The store's topic, compacted as shipped but with segments that roll in half a second."""
    config = {
        "cleanup.policy": "compact", "segment.ms": "500", "max.compaction.lag.ms": "500",
        "min.compaction.lag.ms": "0", "min.cleanable.dirty.ratio": "0.01",
        "delete.retention.ms": "100", "file.delete.delay.ms": "0",
    }  # fmt: skip
    topic = NewTopic(kafka_settings.day_secrets_topic, 1, 1, config=config)
    admin.create_topics([topic])[kafka_settings.day_secrets_topic].result(timeout=15)
    return kafka_settings


def _store(settings: KafkaSettings, clock: Clock, ring: KeyRing = RING) -> DaySecretStore:
    return DaySecretStore(settings, ring, clock=clock, roll_ms=500)


def _raw_records(settings: KafkaSettings) -> list[tuple[bytes | None, bytes | None]]:
    consumer = Consumer(settings.consumer_config(group_id=f"raw-{time.time_ns()}",
                                                 **{"enable.partition.eof": True}))  # fmt: skip
    tp = TopicPartition(settings.day_secrets_topic, 0)
    low, high = consumer.get_watermark_offsets(tp, 10)
    consumer.assign([TopicPartition(settings.day_secrets_topic, 0, low)])
    out = []
    while low < high:
        message = consumer.poll(5)
        assert message is not None
        if message.error():
            break
        out.append((message.key(), message.value()))
        if message.offset() + 1 >= high:
            break
    consumer.close()
    return out


def test_two_workers_racing_for_new_days_adopt_the_same_secrets(secrets_topic) -> None:
    clock = Clock(NOON)
    stores = [_store(secrets_topic, clock) for _ in range(3)]
    results: list[dict[int, bytes]] = [{} for _ in stores]
    days = list(range(day_of(NOON) - 2, day_of(NOON) + 1))
    for day in days:
        barrier = threading.Barrier(len(stores))

        def race(i: int, day: int = day, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            results[i][day] = stores[i].secret(day)

        threads = [threading.Thread(target=race, args=(i,)) for i in range(len(stores))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert results[0] == results[1] == results[2]
    assert len(set(results[0].values())) == len(days)  # one distinct secret per day
    # A worker that starts later reads the same adopted secrets.
    late = _store(secrets_topic, clock)
    assert {d: late.secret(d) for d in days} == results[0]
    # What the topic holds is wrapped: no secret in clear, and another key ring cannot open it.
    raw = b"".join(v or b"" for _k, v in _raw_records(secrets_topic))
    assert all(secret not in raw for secret in results[0].values())
    with pytest.raises(DaySecretUnavailable, match="not in the key ring"):
        _store(secrets_topic, clock, OTHER).secret(days[0])
    for store in [*stores, late]:
        store.close()


def test_tomorrow_exists_before_midnight_and_a_day_outside_the_window_has_none(
    secrets_topic,
) -> None:
    clock = Clock(day_of(NOON) * DAY_MS + 22 * HOUR + 1)
    store = _store(secrets_topic, clock)
    held = store.ensure_window()
    assert day_of(NOON) + 1 in held  # tomorrow, two hours ahead
    assert min(held) == day_of(NOON) - 3  # 72 h: the last three days are still replayable
    with pytest.raises(DaySecretUnavailable, match="has left the window"):
        store.secret(day_of(NOON) - 4)
    missing = [s for s in store.status() if s.key_id is None]
    assert missing == []
    store.close()


def test_a_day_leaving_the_window_is_destroyed_in_the_store_and_on_disk(
    secrets_topic, kafka_broker: EmbeddedBroker
) -> None:
    clock = Clock(NOON)
    store = _store(secrets_topic, clock)
    day = day_of(NOON)
    secret = store.secret(day)
    wrapped = [v for _k, v in _raw_records(secrets_topic) if v]
    assert len(wrapped) == 1

    clock.ms = (day + 1) * DAY_MS + 72 * HOUR  # the end of the day plus the window
    assert store.destroy_expired() == [day]
    with pytest.raises(DaySecretUnavailable, match="has left the window"):
        store.secret(day)
    fresh = _store(secrets_topic, clock)
    assert all(s.day != day for s in fresh.status())

    # The broker removes the bytes: tombstone segment rolled (the store's marker), cleaned.
    deadline = time.monotonic() + 90
    segments = Path(kafka_broker.data_dir) / "kraft" / f"{secrets_topic.day_secrets_topic}-0"
    while time.monotonic() < deadline:
        time.sleep(1)
        store.destroy_expired()  # appends the roll marker once the segment is old enough
        on_disk = b"".join(p.read_bytes() for p in segments.glob("*.log"))
        if wrapped[0] not in on_disk:
            break
    assert wrapped[0] not in on_disk, "the destroyed day's wrapped secret is still on disk"
    assert all(v != wrapped[0] for _k, v in _raw_records(secrets_topic))
    assert secret not in on_disk
    store.close()
    fresh.close()


def test_keys_status_lists_days_never_secrets_and_flags_overdue_destruction(
    secrets_topic, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from pipeline.cli.main import main

    monkeypatch.setenv("ANONYMIZER_KEYS", "m1:" + base64.b64encode(bytes(range(32))).decode())
    monkeypatch.setenv("ANONYMIZER_BOOTSTRAP_SERVERS", secrets_topic.bootstrap_servers)
    monkeypatch.setenv("ANONYMIZER_DAY_SECRETS_TOPIC", secrets_topic.day_secrets_topic)
    now = time.time() * 1000
    store = _store(secrets_topic, Clock(int(now)))
    today = day_of(int(now))
    secret = store.secret(today)
    assert main(["keys", "status"]) == 0
    out = capsys.readouterr().out
    assert "m1\tactive" in out
    label = time.strftime("%Y-%m-%d", time.gmtime(today * 86_400))
    assert f"{label}\twrapped under m1" in out
    assert "MISSING" in out  # the other live days have none yet
    assert base64.b64encode(secret).decode() not in out and secret.hex() not in out

    # A worker that ran ten days ago and died: its day was never destroyed.
    old = _store(secrets_topic, Clock(int(now) - 10 * DAY_MS))
    old.secret(today - 10)
    old.close()
    assert main(["keys", "status"]) == 1
    assert "OVERDUE: destruction pending" in capsys.readouterr().out
    store.close()
