"""A sample anonymized record beside the raw event it came from (paired by the event_id
pseudonym, which the demo can compute because it reads the same day secrets as its worker)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from confluent_kafka import OFFSET_END, Consumer, TopicPartition

from pipeline.codec.schemas import ANONYMIZED
from pipeline.codec.wire import MessageDecoder
from pipeline.config.kafka import KafkaSettings
from pipeline.core.day_keys import DayKeys
from pipeline.core.pseudonyms import output_event_id
from pipeline.dev.traffic import GeneratedEvent
from pipeline.registry.client import RegistryClient
from pipeline.secrets.store import DaySecretUnavailable


class RecentEvents:
    """The most recent valid generated events by the `event_id` their records will carry
    (bounded; thread-safe). `output_id` maps a decoded raw event to that id."""

    def __init__(
        self, output_id: Callable[[dict[str, Any]], str | None], capacity: int = 50_000
    ) -> None:
        self.output_id = output_id
        self.capacity = capacity
        self._events: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def for_days(cls, days: Callable[[], DayKeys], capacity: int = 50_000) -> RecentEvents:
        """Paired under the day keys `days()` gives (the worker's, e.g. `HeldDayKeys.days` of
        the day-secret store); an event whose day secret cannot be had is not remembered."""

        def output_id(doc: dict[str, Any]) -> str | None:
            try:
                return output_event_id(days(), doc)
            except DaySecretUnavailable:
                return None

        return cls(output_id, capacity)

    def remember(self, event: GeneratedEvent) -> None:
        """Keep a valid event under the id its anonymized record will have."""
        if event.garbage is not None:
            return
        doc = orjson.loads(event.payload)
        key = self.output_id(doc) if isinstance(doc, dict) else None
        if key is None:
            return
        with self._lock:
            self._events[key] = event.payload
            if len(self._events) > self.capacity:
                self._events.popitem(last=False)

    def get(self, event_id: str) -> bytes | None:
        """The raw event whose record carries `event_id`."""
        with self._lock:
            return self._events.get(event_id)


def decoder(registry_url: str | None = None) -> Callable[[bytes], dict[str, Any]]:
    """A function from an AnonymizedWebEvent in either wire format to a dict (fastavro, the
    schema files, and for Confluent framing the writer schema from the registry)."""
    lookup = RegistryClient(registry_url).schema if registry_url else None
    return MessageDecoder(ANONYMIZED, lookup).decode


@dataclass(frozen=True)
class Pair:
    """One anonymized record and the raw event it was made from."""

    raw: dict[str, Any]
    anonymized: dict[str, Any]
    at: float


class Sampler(threading.Thread):
    """Every `every` seconds, reads the newest committed anonymized records of one partition
    (read_committed, from the end; partitions in turn) and keeps the first whose raw event is
    still remembered. Reads only a few records each time, not the whole stream."""

    def __init__(
        self,
        settings: KafkaSettings,
        recent: RecentEvents,
        registry_url: str | None = None,
        every: float = 5.0,
    ) -> None:
        super().__init__(name="demo-sampler", daemon=True)
        self.settings = settings
        self.registry_url = registry_url
        self.recent = recent
        self.every = every
        self.pair: Pair | None = None
        self.error: str | None = None
        self._halt = threading.Event()

    def stop(self) -> None:
        self._halt.set()

    def run(self) -> None:
        decode = decoder(self.registry_url)
        topic = self.settings.anonymized_topic
        conf = self.settings.consumer_config(
            group_id=f"anonymizer-demo-sampler-{time.time_ns()}",
            **{"client.id": "anonymizer-demo-sampler", "fetch.wait.max.ms": 100},
        )
        consumer = Consumer(conf)
        turn = 0
        try:
            partitions = len(consumer.list_topics(topic, timeout=10).topics[topic].partitions)
            while not self._halt.is_set():
                consumer.assign([TopicPartition(topic, turn % max(1, partitions), OFFSET_END)])
                turn += 1
                if self._look(consumer, decode):
                    self._halt.wait(self.every)
                consumer.unassign()
        except Exception as exc:  # the sample is decoration: never crash the demo
            self.error = f"sampler stopped: {exc}"
        finally:
            consumer.close()

    def _look(self, consumer: Consumer, decode: Any, seconds: float = 2.0) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not self._halt.is_set():
            msg = consumer.poll(0.2)
            if msg is None or msg.error() is not None or msg.value() is None:
                continue
            try:
                record = decode(msg.value())
            except Exception as exc:
                self.error = f"cannot decode an anonymized record: {exc}"
                continue
            raw = self.recent.get(str(record.get("event_id")))
            if raw is not None:
                self.pair = Pair(orjson.loads(raw), record, time.monotonic())
                return True
        return False
