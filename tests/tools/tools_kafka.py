"""Helpers of the tools tests: produce with timestamps, read a topic whole, the store's keys."""

from __future__ import annotations

import base64
import time

import pytest
from confluent_kafka import Consumer, Message, Producer

from pipeline.config.kafka import KafkaSettings
from pipeline.core.day_keys import HeldDays
from pipeline.core.keys import KeyRing
from pipeline.kafka.leaders import wait_for_leaders
from pipeline.secrets.access import open_store

KEYS = "r1:" + base64.b64encode(bytes(range(1, 33))).decode()
RING = KeyRing.parse(KEYS)


def point_env_at(monkeypatch: pytest.MonkeyPatch, settings: KafkaSettings) -> None:
    """The commands (which read the environment) use this test's topics and the test keys."""
    wait_for_leaders(settings, [settings.day_secrets_topic])
    monkeypatch.setenv("ANONYMIZER_KEYS", KEYS)
    for name in ("bootstrap_servers", "raw_topic", "anonymized_topic", "dead_letter_topic",
                 "day_secrets_topic", "group_id"):  # fmt: skip
        monkeypatch.setenv(f"ANONYMIZER_{name.upper()}", str(getattr(settings, name)))


def produce(
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


def read_all(settings: KafkaSettings, topic: str) -> list[Message]:
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


def store_held(settings: KafkaSettings) -> HeldDays:
    """The day keys the workers hold now (creating today's, as the first worker would)."""
    with open_store(settings, RING) as store:
        return store.held()


class Clock:
    """An injected clock (epoch seconds) set in milliseconds."""

    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> float:
        return self.ms / 1000
