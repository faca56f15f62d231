"""Faults: the broker restarts under the worker, a burst backlog, records too large to produce."""

from __future__ import annotations

import random
import string
import time
import uuid

import orjson
import pytest
from confluent_kafka.admin import AlterConfigOpType, ConfigEntry, ConfigResource, ResourceType

from pipeline.kafka.topics import apply, load_topics, plan
from tests.worker.worker_helpers import (
    Raw,
    assert_each_once,
    committed_total,
    produce_raw,
    read_outputs,
    traffic,
    wait_drained,
    wait_until,
)

pytestmark = pytest.mark.kafka


def test_broker_restart_under_the_worker(workers, kafka_topics, kafka_broker) -> None:
    n = 20_000
    raw = produce_raw(kafka_topics, traffic(n, garbage=0.1, seed=4), Raw())
    # librdkafka#5511 may block send_offsets_to_transaction for good after the restart: the
    # worker's watchdog then re-executes it in place (same pid); 10 s keeps the test short.
    w = workers.start("a", "--batch-size", "100", ANONYMIZER_HANG_SECONDS="10")
    pid = w.pid
    wait_until(lambda: committed_total(kafka_topics) >= 1_000, 60, "first commits",
               interval=0.02, check=w._check_alive)  # fmt: skip
    kafka_broker.restart()
    assert w.alive()
    wait_until(lambda: committed_total(kafka_topics) >= n, 180, "drained after the restart",
               interval=0.5, check=w._check_alive)  # fmt: skip
    assert_each_once(raw, read_outputs(kafka_topics), kafka_topics.raw_topic)
    assert w.alive() and w.pid == pid
    assert w.terminate() == 0


def test_burst_of_100k_bounded_memory(workers, kafka_topics) -> None:
    n = 100_000
    raw = produce_raw(kafka_topics, traffic(n, garbage=0.1, seed=5), Raw())
    w = workers.start("a")
    w.wait_for_log("worker a started", 60)
    started, peak = time.monotonic(), 0

    def sample() -> bool:
        nonlocal peak
        peak = max(peak, w.rss_bytes())
        return committed_total(kafka_topics) >= n

    wait_until(sample, 180, "the burst drained", interval=0.1, check=w._check_alive)
    seconds = time.monotonic() - started
    assert w.alive()
    assert peak < 400 * 2**20, f"peak RSS {peak / 2**20:.0f} MB"
    assert_each_once(raw, read_outputs(kafka_topics), kafka_topics.raw_topic)
    assert w.terminate() == 0
    print(
        f"\n{n} events in {seconds:.1f} s: {n / seconds:,.0f} ev/s, peak RSS {peak / 2**20:.0f} MB"
    )


_VALID = [orjson.loads(p) for p in traffic(50, garbage=0.0, seed=6)]
_PAGE_VIEW = next(e for e in _VALID if e["event_type"] == "page_view")


def _event(**extra: object) -> bytes:
    return orjson.dumps({**_PAGE_VIEW, "event_id": str(uuid.uuid4()), **extra})


def _big_event(
    title: str = "t" * 500, url: str = "https://shop.example.jp/" + "p/" * 1000
) -> bytes:
    return _event(title=title, url=url)


def _small_event() -> bytes:
    return _event()


def _set_max_message_bytes(admin, topic: str, value: int) -> None:
    resource = ConfigResource(
        ResourceType.TOPIC,
        topic,
        incremental_configs=[
            ConfigEntry(
                "max.message.bytes", str(value), incremental_operation=AlterConfigOpType.SET
            )
        ],
    )
    for future in admin.incremental_alter_configs([resource]).values():
        future.result(30)


def test_record_too_large_for_the_output_becomes_a_dead_letter(
    workers, kafka_settings, admin
) -> None:
    specs = load_topics(settings=kafka_settings)
    for spec in specs:  # the anonymized topic accepts 2000-byte messages only
        if spec.role == "anonymized":
            spec.config["max.message.bytes"] = "2000"
    apply(admin, plan(admin, specs))
    raw = produce_raw(kafka_settings, [_small_event(), _big_event(), _small_event()], Raw())
    w = workers.start("a")
    wait_drained(kafka_settings, 3, 60)
    out = read_outputs(kafka_settings)
    assert len(out.records) == 2
    assert [d["reason"] for d in out.dead_letters] == ["output_too_large"]
    assert [d["step"] for d in out.dead_letters] == ["encode"]  # the engine's limit, from the topic

    # Defensive path: the limit shrinks under a running worker (it read 2000 at start-up), so
    # the broker refuses the record at produce time: abort, redo it as a dead letter, go on.
    _set_max_message_bytes(admin, kafka_settings.anonymized_topic, 1000)
    time.sleep(1.0)
    rng = random.Random(7)  # random short words: kept by the scrubber, barely compressible

    def word(n: int) -> str:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(n))

    title = " ".join(word(4) for _ in range(100))[:480]
    medium = _big_event(
        title=title, url="https://a.example/" + "/".join(word(5) for _ in range(90))
    )
    produce_raw(kafka_settings, [medium], raw)
    wait_drained(kafka_settings, 4, 60)
    produce_raw(kafka_settings, [_small_event()], raw)
    wait_drained(kafka_settings, 5, 60)
    out = read_outputs(kafka_settings)
    assert_each_once(raw, out, kafka_settings.raw_topic)
    assert [d["reason"] for d in out.dead_letters] == ["output_too_large"] * 2
    assert sorted(d["step"] for d in out.dead_letters) == ["encode", "produce"]
    assert "MSG_SIZE_TOO_LARGE" in w.text()
    assert w.alive()
    assert w.terminate() == 0
