"""Replay, inspect and dead-letter re-drive against the real broker."""

from __future__ import annotations

import base64
import time
from pathlib import Path

import orjson
import pytest
from confluent_kafka import Consumer, Producer

from pipeline.cli.main import main
from pipeline.codec.decoder import SingleObjectDecoder
from pipeline.codec.schemas import DEAD_LETTER
from pipeline.core import Engine
from pipeline.core.keys import KeyRing
from pipeline.deadletter import DeadLetterCodec, dead_letter
from pipeline.kafka.config import KafkaSettings
from pipeline.traffic import TrafficGenerator

pytestmark = pytest.mark.kafka
KEYS = "r1:" + base64.b64encode(bytes(range(1, 33))).decode()


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch, kafka_topics: KafkaSettings) -> None:
    monkeypatch.setenv("ANONYMIZER_KEYS", KEYS)
    for name in (
        "bootstrap_servers",
        "raw_topic",
        "anonymized_topic",
        "dead_letter_topic",
        "group_id",
    ):
        monkeypatch.setenv(f"ANONYMIZER_{name.upper()}", str(getattr(kafka_topics, name)))


def _produce(
    settings: KafkaSettings, topic: str, values: list[bytes], timestamps: list[int]
) -> None:
    producer = Producer(settings.producer_config())
    errors = []
    for value, ts in zip(values, timestamps, strict=True):
        producer.produce(
            topic, value=value, timestamp=ts, on_delivery=lambda e, _: errors.append(e)
        )
    assert producer.flush(30) == 0
    assert errors == [None] * len(values)


def _read_all(settings: KafkaSettings, topic: str) -> list:
    consumer = Consumer(settings.consumer_config(group_id=f"check-{time.time_ns()}",
                                                 **{"enable.partition.eof": True}))  # fmt: skip
    consumer.subscribe([topic])
    out, eof, idle = [], set(), 0
    partitions = len(consumer.list_topics(topic, timeout=10).topics[topic].partitions)
    while len(eof) < partitions and idle < 30:
        message = consumer.poll(1.0)
        if message is None:
            idle += 1
            continue
        if message.error():
            eof.add(message.partition())
            continue
        out.append(message)
    consumer.close()
    return out


def test_replay_of_a_time_range_equals_the_offline_run_of_the_same_events(
    kafka_topics: KafkaSettings, tmp_path: Path
) -> None:
    events = list(TrafficGenerator(seed=11, garbage=0.1).events(900))
    base = int(time.time() * 1000) - 3_600_000  # Kafka refuses timestamps far in the future
    stamps = [base + i * 1000 for i in range(len(events))]  # one per second
    _produce(kafka_topics, kafka_topics.raw_topic, [e.payload for e in events], stamps)
    # the middle third, by record time
    start, end = base + 300_000, base + 600_000
    out, rej = tmp_path / "replay.jsonl", tmp_path / "replay.rej"
    args = ["replay", "--from", str(start), "--to", str(end), "-o", str(out), "-r", str(rej), "-q"]
    assert main(args) == 0
    chosen = events[300:600]
    replayed = [orjson.loads(x) for x in out.read_bytes().splitlines()]
    dead = [orjson.loads(x) for x in rej.read_bytes().splitlines()]
    assert len(replayed) + len(dead) == len(chosen)
    engine = Engine(KeyRing.parse(KEYS))
    expected = engine.process([e.payload for e in chosen])
    by_id = {r["event_id"]: r for r in replayed}
    assert by_id == {engine.as_dict(r)["event_id"]: engine.as_dict(r) for r in expected.records}
    assert sorted(d["reason"] for d in dead) == sorted(r.reason.value for r in expected.rejects)
    assert all(start <= d["event_time"] < end for d in dead)
    assert all(d["source_topic"] == kafka_topics.raw_topic for d in dead)


def test_redrive_sends_each_dead_letter_back_once(kafka_topics: KafkaSettings, capsys) -> None:
    garbage = [e for e in TrafficGenerator(seed=5, garbage=1.0).events(300)]
    engine = Engine(KeyRing.parse(KEYS))
    result = engine.process([g.payload for g in garbage])
    codec = DeadLetterCodec()
    letters = [
        codec.encode(
            dead_letter(
                r,
                policy_version="web-events/1",
                rejected_at_ms=1,
                offset=r.index,
                topic="raw",
                partition=0,
            )
        )
        for r in result.rejects
    ]
    assert len(letters) == len(garbage)
    _produce(
        kafka_topics,
        kafka_topics.dead_letter_topic,
        letters,
        [int(time.time() * 1000)] * len(letters),
    )

    assert main(["dead-letters", "redrive", "--reason", "not_json", "--dry-run"]) == 0
    assert "would re-drive" in capsys.readouterr().err
    assert _read_all(kafka_topics, kafka_topics.raw_topic) == []

    assert main(["dead-letters", "redrive", "--reason", "not_json"]) == 0
    assert main(["dead-letters", "redrive", "--reason", "not_json"]) == 0  # the cursor moved on
    raw = _read_all(kafka_topics, kafka_topics.raw_topic)
    wanted = sorted(
        garbage[r.index].payload for r in result.rejects if r.reason.value == "not_json"
    )
    assert wanted and sorted(m.value() for m in raw) == wanted
    assert all(dict(m.headers())["redrive-reason"] == b"not_json" for m in raw)


def test_dead_letters_list_and_inspect_show_no_sealed_bytes(
    kafka_topics: KafkaSettings, capsys
) -> None:
    engine = Engine(KeyRing.parse(KEYS))
    result = engine.process([b"not json at all", b"[1,2]"])
    codec = DeadLetterCodec()
    letters = [codec.encode(dead_letter(r, policy_version="p", rejected_at_ms=1, offset=r.index))
               for r in result.rejects]  # fmt: skip
    _produce(kafka_topics, kafka_topics.dead_letter_topic, letters, [int(time.time() * 1000)] * 2)
    assert main(["dead-letters", "list", "--json"]) == 0
    captured = capsys.readouterr()
    rows = [orjson.loads(line) for line in captured.out.splitlines()]
    assert sorted(r["reason"] for r in rows) == ["not_an_object", "not_json"]
    assert all(r["sealed_payload"].startswith("<") for r in rows)
    assert "not json at all" not in captured.out + captured.err
    assert main(["inspect", "--topic", "dead-letter", "--limit", "1"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    decoder = SingleObjectDecoder(DEAD_LETTER)
    assert decoder.decode(letters[0])["reason"] == "not_json"
