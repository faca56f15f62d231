"""Kafka-side stages of perf/bench_worker.py: the no-work passthrough, the latency probe, counts."""

from __future__ import annotations

import json
import threading
import time
import uuid
from pathlib import Path

import orjson
from confluent_kafka import Consumer, Producer, TopicPartition

from pipeline.config.kafka import KafkaSettings, load_kafka_settings
from pipeline.core.keys import KeyRing
from pipeline.core.pseudonyms import output_event_id
from pipeline.dev.traffic import GeneratedEvent
from pipeline.secrets.held import HeldDayKeys
from pipeline.secrets.store import DaySecretStore


def count_committed(settings: KafkaSettings, topic: str, idle: float = 3.0) -> int:
    """Records of `topic` a read_committed consumer sees (reads until `idle` s of silence)."""
    consumer = Consumer(settings.consumer_config(
        group_id=f"bench-count-{uuid.uuid4().hex[:6]}", **{"fetch.wait.max.ms": 50}))  # fmt: skip
    parts = consumer.list_topics(topic, timeout=10).topics[topic].partitions
    consumer.assign([TopicPartition(topic, p, 0) for p in parts])
    count, quiet_since = 0, time.monotonic()
    while time.monotonic() - quiet_since < idle:
        batch = consumer.consume(5000, timeout=0.5)
        got = sum(1 for m in batch if m.error() is None)
        if got:
            count += got
            quiet_since = time.monotonic()
    consumer.close()
    return count


def passthrough_main(mode: str, bootstrap: str, raw: str, out: str, group: str, n: int,
                     batch: int) -> int:  # fmt: skip
    """Child process: consume(batch) -> produce, no work; commit per batch (alo) or one
    transaction per batch (eos). Prints JSON: first/end times (monotonic), peak RSS."""
    settings = load_kafka_settings(bootstrap_servers=bootstrap, group_id=group)
    consumer = Consumer(settings.consumer_config())
    tid = f"bench-pass-{uuid.uuid4().hex[:6]}" if mode == "eos" else None
    producer = Producer(settings.producer_config(transactional_id=tid))
    if tid:
        producer.init_transactions(30)
    consumer.subscribe([raw])
    seen, first = 0, None
    while seen < n:
        msgs = [m for m in consumer.consume(batch, timeout=0.5) if m.error() is None]
        if not msgs:
            continue
        first = first or time.monotonic()
        if tid:
            producer.begin_transaction()
        for m in msgs:
            while True:
                try:
                    producer.produce(out, m.value(), m.key())
                    break
                except BufferError:
                    producer.poll(0.05)
        seen += len(msgs)
        if tid:
            producer.send_offsets_to_transaction(
                consumer.position(consumer.assignment()), consumer.consumer_group_metadata(), 30
            )
            producer.commit_transaction(30)
        else:
            producer.flush(30)  # at least once: outputs acknowledged before the offsets
            consumer.commit(offsets=consumer.position(consumer.assignment()), asynchronous=False)
    end = time.monotonic()
    consumer.close()
    status = Path("/proc/self/status").read_text().splitlines()
    rss = int(next(line.split()[1] for line in status if line.startswith("VmHWM:"))) / 1024
    print(json.dumps({"first": first, "end": end, "rss_mb": rss}))
    return 0


def body_start(value: bytes | None) -> int | None:
    """Where the Avro body starts: after `C3 01` and the 8-byte fingerprint (single-object), or
    after `00` and the 4-byte schema id (Confluent framing); None for anything else."""
    if value and value[:2] == b"\xc3\x01" and len(value) > 10:
        return 10
    if value and value[:1] == b"\x00" and len(value) > 5:
        return 5
    return None


class LatencyProbe(threading.Thread):
    """Remembers when each event was produced (by the event_id pseudonym its record will carry,
    computed under the worker's day secrets, read from the day-secret store) and reads the
    anonymized topic read_committed: latency = seen - produced. The event_id is the Avro body's
    first field, in either wire format."""

    def __init__(self, settings: KafkaSettings, keys: str) -> None:
        super().__init__(daemon=True)
        self.settings = settings
        self._store = DaySecretStore(settings, KeyRing.parse(keys))
        self._days = HeldDayKeys(self._store)
        self._days.days()  # read (or create) today's secret before the first event
        self.produced: dict[bytes, float] = {}
        self.latencies: list[float] = []
        self._halt = threading.Event()

    def sent(self, event: GeneratedEvent) -> None:
        if event.garbage is None:
            output_id = output_event_id(self._days.days(), orjson.loads(event.payload))
            if output_id is not None:
                self.produced[output_id.encode()] = time.time()

    @property
    def count(self) -> int:
        return len(self.latencies)

    def run(self) -> None:
        topic = self.settings.anonymized_topic
        consumer = Consumer(self.settings.consumer_config(
            group_id=f"bench-latency-{uuid.uuid4().hex[:6]}", **{"fetch.wait.max.ms": 10}))  # fmt: skip
        parts = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        consumer.assign([TopicPartition(topic, p, 0) for p in parts])
        while not self._halt.is_set():
            msgs = consumer.consume(1000, timeout=0.1)
            now = time.time()
            for m in msgs:
                value = m.value()
                start = body_start(value) if m.error() is None else None
                if start is not None and value[start] == 72:  # zigzag 36: a UUID string
                    t = self.produced.get(value[start + 1 : start + 37])
                    if t is not None:
                        self.latencies.append(now - t)
        consumer.close()

    def finish(self, expected_at_most: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last, since = -1, time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - since < 3:
            if self.count != last:
                last, since = self.count, time.monotonic()
            time.sleep(0.2)
        self._halt.set()
        self.join(10)
        self._store.close()

    def quantile(self, q: float) -> float | None:
        data = sorted(self.latencies)
        return data[min(len(data) - 1, int(q * len(data)))] if data else None
