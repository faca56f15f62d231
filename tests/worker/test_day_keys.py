"""The worker on day secrets, on the real broker: workers agree on the day's secret; without
today's key a worker stops producing, stays in its group, and resumes; a day outside the window
has no key. The store's clock is injected (in-process workers) where a test needs another day."""

from __future__ import annotations

import base64
import logging
import subprocess
import sys
import time
from collections import Counter

import pytest
from confluent_kafka.admin import AdminClient

from pipeline.config.kafka import KafkaSettings
from pipeline.core.day_keys import DAY_MS, day_label
from pipeline.core.keys import KeyRing
from pipeline.kafka.topics import apply, load_topics, plan
from pipeline.secrets.store import DaySecretStore
from tests.worker.inprocess import Clock, InProcessWorker, fast_group
from tests.worker.processes import worker_env
from tests.worker.worker_helpers import (
    DEAD_LETTER_FP,
    DEAD_LETTER_SCHEMA,
    KEYS,
    REPO,
    Raw,
    assert_each_once,
    committed_total,
    decode,
    held_days,
    produce_raw,
    read_committed,
    read_outputs,
    traffic,
    wait_drained,
    wait_until,
)

pytestmark = pytest.mark.kafka
OTHER = "m9:" + base64.b64encode(bytes(range(100, 132))).decode()  # another master key
D = 20_425  # 2025-12-03, a day of the injected clock


def _dead_letters(settings: KafkaSettings, topic: str) -> dict[tuple[int, int], dict]:
    """Dead letters by source position, without `rejected_at` (the wall clock of each worker)."""
    out = {}
    for m in read_committed(settings, topic):
        letter = decode(m.value(), DEAD_LETTER_SCHEMA, DEAD_LETTER_FP)
        letter.pop("rejected_at")
        out[(letter["source_partition"], letter["source_offset"])] = letter
    return out


def test_two_workers_racing_on_an_empty_store_write_identical_records(
    workers, kafka_topics, admin
) -> None:
    """Two groups, two output topics, one raw topic and one day-secret store: the workers start
    together on a store that holds no day yet (both propose every live day), adopt the same
    secrets, and write the same bytes for the same raw events."""
    second = kafka_topics.model_copy(update={
        "anonymized_topic": kafka_topics.anonymized_topic + ".b",
        "dead_letter_topic": kafka_topics.dead_letter_topic + ".b",
        "group_id": kafka_topics.group_id + ".b",
    })  # fmt: skip
    apply(admin, plan(admin, load_topics(settings=second)))
    a = workers.start("a")
    b = workers.start("b", ANONYMIZER_ANONYMIZED_TOPIC=second.anonymized_topic,
                      ANONYMIZER_DEAD_LETTER_TOPIC=second.dead_letter_topic,
                      ANONYMIZER_GROUP_ID=second.group_id)  # fmt: skip
    a.wait_for_log("worker a started", 60)
    b.wait_for_log("worker b started", 60)
    raw = produce_raw(kafka_topics, traffic(4_000, garbage=0.1, seed=21), Raw())
    wait_drained(kafka_topics, len(raw), 90)
    wait_drained(second, len(raw), 90)
    ours = read_committed(kafka_topics, kafka_topics.anonymized_topic)
    theirs = read_committed(second, second.anonymized_topic)
    assert len(ours) > 3_000
    assert Counter((m.key(), m.value()) for m in ours) == Counter(
        (m.key(), m.value()) for m in theirs
    )
    dead = _dead_letters(kafka_topics, kafka_topics.dead_letter_topic)
    assert dead and dead == _dead_letters(second, second.dead_letter_topic)  # same seals too
    assert_each_once(raw, read_outputs(kafka_topics), kafka_topics.raw_topic)
    assert a.terminate() == 0 and b.terminate() == 0


def _event_at(ms: int, seed: int) -> bytes:
    return traffic(1, garbage=0.0, seed=seed, start_ms=ms)[0]


def test_an_event_whose_day_left_the_window_is_a_dead_letter(kafka_topics, caplog) -> None:
    """At noon of day D with the 72-hour window, D-3 still has its key, D-4 has none: its event
    becomes `out_of_range` on `event_time` at step `find_day_key`, never made under another
    day's key."""
    settings = fast_group(kafka_topics)
    w = InProcessWorker(settings, Clock.at(D, 12), KEYS)
    try:
        times = [D * DAY_MS + 3_600_000, (D - 3) * DAY_MS + 60_000, (D - 4) * DAY_MS + 60_000]
        produce_raw(settings, [_event_at(t, i) for i, t in enumerate(times)], Raw(),
                    days=held_days(settings, KEYS, Clock.at(D, 12)))  # fmt: skip
        wait_drained(settings, 3, 60)
        out = read_outputs(settings)
        assert sorted(r["key_id"][:10] for r in out.records) == [day_label(D - 3), day_label(D)]
        (letter,) = out.dead_letters
        assert (letter["reason"], letter["field"], letter["step"]) == (
            "out_of_range", "event_time", "find_day_key"
        )  # fmt: skip
        # Sealed under the key of the day it arrived, or today's when that day has none (the
        # Kafka timestamp is the real clock's, outside the injected clock's window).
        assert letter["key_id"].startswith(day_label(D) + ".")
    finally:
        assert w.stop() == 0


def _lag(w: InProcessWorker) -> float:
    families = [
        f for f in w.setup.metrics.registry.collect() if f.name == "anonymizer_consumer_lag"
    ]
    return sum(s.value for f in families for s in f.samples)


def _members(admin: AdminClient, group: str) -> list[int]:
    """The number of partitions of each member of `group`, as the group coordinator has it."""
    (future,) = admin.describe_consumer_groups([group]).values()
    return [len(m.assignment.topic_partitions) for m in future.result(10).members]


def test_without_todays_key_the_worker_pauses_keeps_its_partitions_and_resumes(
    kafka_topics, admin, caplog
) -> None:
    """Day D+1's secret was adopted wrapped under a master key this worker lacks. Past midnight
    the worker produces nothing, commits nothing, says why (metric, log) and keeps polling with
    its partitions paused: it stays in the group beyond max.poll.interval.ms (3 s here). Once it
    can open the secret (its store is handed a ring with that key: any cause that goes away
    stands for it) it resumes, and every event comes out once, under the adopted secret."""
    caplog.set_level(logging.INFO)
    settings = fast_group(kafka_topics, max_poll_interval_ms=3000)
    clock = Clock.at(D, 12)
    w = InProcessWorker(settings, clock, KEYS)
    try:
        before = traffic(200, garbage=0.0, seed=31, start_ms=D * DAY_MS + 3_600_000)
        raw = produce_raw(settings, before, Raw(), days=held_days(settings, KEYS, clock))
        wait_drained(settings, 200, 60)
        assert w.sample("anonymizer_day_secret_available") == 1

        other = DaySecretStore(settings, KeyRing.parse(OTHER), clock=Clock.at(D, 23))
        other.key(D + 1)  # the first proposal of D+1: the one every worker adopts
        other.close()
        both = f"{KEYS},{OTHER}"
        clock.ms = (D + 1) * DAY_MS + 1_800_000  # 00:30 on D+1
        after = traffic(300, garbage=0.0, seed=32, start_ms=(D + 1) * DAY_MS + 1_800_000)
        produce_raw(settings, after, raw, days=held_days(settings, both, Clock(clock.ms)))

        wait_until(lambda: w.sample("anonymizer_day_secret_available") == 0, 30, "unavailable")
        assert w.sample("anonymizer_day_secrets_held") == 0
        wait_until(lambda: _lag(w) == 300, 30, "the lag gauge showing the backlog")
        time.sleep(4.0)  # longer than max.poll.interval.ms
        assert committed_total(settings) == 200
        assert len(read_outputs(settings).records) == 200
        assert w.alive()
        assert _members(admin, settings.group_id) == [6]  # still the member, all partitions
        text = caplog.text
        assert "no day key for today" in text and "'m9'" in text and "not in the key ring" in text
        assert "revoked partitions" not in text and "poll interval" not in text
        assert KEYS.split(":")[1] not in text and OTHER.split(":")[1] not in text

        w.setup.days.store.keys = KeyRing.parse(both)
        wait_drained(settings, 500, 90)
        assert w.sample("anonymizer_day_secret_available") == 1
        out = read_outputs(settings)
        assert_each_once(raw, out, settings.raw_topic)
        assert Counter(r["key_id"][:10] for r in out.records) == {
            day_label(D): 200, day_label(D + 1): 300
        }  # fmt: skip
        assert "day key available again" in caplog.text
    finally:
        assert w.stop() == 0


def test_a_store_without_a_usable_key_for_today_is_a_start_up_error(kafka_topics) -> None:
    held_days(kafka_topics, OTHER)  # every live day adopted, wrapped under m9 only
    out = subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", "worker"], env=worker_env(kafka_topics),
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 2, out.stderr[-2000:]
    assert f"day secrets ({kafka_topics.day_secrets_topic})" in out.stderr
    assert "'m9', which is not in the key ring" in out.stderr
    assert KEYS.split(":")[1] not in out.stderr + out.stdout
    env = worker_env(kafka_topics, ANONYMIZER_DAY_SECRETS_TOPIC="no.such.store")
    out = subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", "worker"], env=env, cwd=REPO,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 2
    assert "day_secrets_topic: topic no.such.store does not exist" in out.stderr


def test_partitions_assigned_while_blocked_stay_paused_and_the_other_member_goes_on(
    kafka_topics,
) -> None:
    """A blocked worker (no key for D+1) takes part in a rebalance when a second worker, which
    can open D+1, joins: the partitions it gets stay paused (it consumes nothing), the other one
    processes its share, and once the first can open the day every event is out once."""
    settings = fast_group(kafka_topics)
    clock = Clock.at(D, 12)
    a = InProcessWorker(settings, clock, KEYS, instance="a")
    b: InProcessWorker | None = None
    try:
        raw = produce_raw(settings, traffic(200, garbage=0.0, seed=41, start_ms=D * DAY_MS),
                          Raw(), days=held_days(settings, KEYS, clock))  # fmt: skip
        wait_drained(settings, 200, 60)
        other = DaySecretStore(settings, KeyRing.parse(OTHER), clock=Clock.at(D, 23))
        other.key(D + 1)
        other.close()
        both = f"{KEYS},{OTHER}"
        clock.ms = (D + 1) * DAY_MS + 1_800_000
        after = traffic(600, garbage=0.0, seed=42, start_ms=clock.ms)
        produce_raw(settings, after, raw, days=held_days(settings, both, Clock(clock.ms)))
        wait_until(lambda: a.sample("anonymizer_day_secret_available") == 0, 30, "a blocked")

        b = InProcessWorker(settings, Clock(clock.ms), both, instance="b")
        wait_until(lambda: (b.sample("anonymizer_events_produced_total") or 0) > 0, 60,
                   "b producing its share")  # fmt: skip
        time.sleep(3.0)
        done = committed_total(settings)
        assert 200 < done < 800  # b's partitions done, a's (paused) not
        assert a.sample("anonymizer_events_consumed_total") == 200  # nothing since the block
        assert a.sample("anonymizer_events_produced_total") == 200

        a.setup.days.store.keys = KeyRing.parse(both)
        wait_drained(settings, 800, 90)
        assert_each_once(raw, read_outputs(settings), settings.raw_topic)
    finally:
        assert a.stop() == 0
        if b is not None:
            assert b.stop() == 0
