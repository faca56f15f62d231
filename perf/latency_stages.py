"""Latency under a steady load, for perf/bench_latency.py: pre-generated events produced at a
fixed rate (so the generator's own work does not compete for the CPUs while it is timed), each
one's output found on the anonymized topic by a read_committed reader. Latency of an event =
when the reader got its anonymized record - when it was handed to the producer."""

from __future__ import annotations

import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass
from itertools import islice

import orjson
from confluent_kafka import Consumer, Producer, TopicPartition
from kafka_stages import body_start  # perf/, beside this file

from pipeline.config.kafka import KafkaSettings
from pipeline.core.keys import KeyRing
from pipeline.core.pseudonyms import output_event_id
from pipeline.dev.demo.metrics import parse
from pipeline.dev.generate.bucket import TokenBucket
from pipeline.dev.traffic import TrafficGenerator
from pipeline.secrets.held import HeldDayKeys
from pipeline.secrets.store import DaySecretStore


@dataclass(frozen=True)
class LoadResult:
    """One steady-load run: the rate held, the latencies measured, what the worker did."""

    target: float
    rate: float  # events/s actually handed to the producer
    expected: int  # valid events produced after the warm-up
    seen: int  # of those, anonymized records the reader got
    latencies: list[float]  # seconds, sorted
    batches: float | None = None  # mean records per committed batch (the worker's histogram)
    commits_per_s: float | None = None

    def quantile(self, q: float) -> float | None:
        data = self.latencies
        return data[min(len(data) - 1, int(q * len(data)))] if data else None


class PacedLoad:
    """`rate` events/s for `seconds`, generated beforehand; the output event id of each valid
    one computed under the day keys the worker uses (read, or proposed, from the store)."""

    def __init__(self, settings: KafkaSettings, keys: str, rate: float, seconds: float) -> None:
        self.settings, self.rate, self.seconds = settings, rate, seconds
        count = int(rate * seconds)
        store = DaySecretStore(settings, KeyRing.parse(keys))
        try:
            days = HeldDayKeys(store).days()
        finally:
            store.close()
        now_ms = int(time.time() * 1000)
        traffic = TrafficGenerator(7, garbage=0.05, start_ms=now_ms, events_per_second=rate)
        self.payloads: list[bytes] = []
        self.index: dict[bytes, int] = {}
        for i, event in enumerate(islice(traffic.events(count), count)):
            # A copy of exact size: orjson's bytes keep their 16 KiB buffer (3 GB for 200,000).
            self.payloads.append(bytes(memoryview(event.payload)))
            if event.garbage is None:
                output_id = output_event_id(days, orjson.loads(event.payload))
                if output_id is not None:
                    self.index[output_id.encode()] = i
        self.sent_at = [0.0] * count
        self.seen_at = [0.0] * count

    def run(self, warmup: float, metrics_url: str | None = None) -> LoadResult:
        """Produce at the rate, read the outputs; events of the first `warmup` seconds (the
        worker settling in) are produced but not counted."""
        reader = _Reader(self)
        reader.start()
        reader.ready.wait(30)
        before = _batches(metrics_url)
        producer = Producer(self.settings.producer_config(log_level=3))
        bucket = TokenBucket(self.rate)
        chunk = max(1, int(self.rate / 200))  # 5 ms worth at a time
        topic, payloads, sent_at = self.settings.raw_topic, self.payloads, self.sent_at
        started = time.monotonic()
        for first in range(0, len(payloads), chunk):
            bucket.take(min(chunk, len(payloads) - first))
            for i in range(first, min(first + chunk, len(payloads))):
                while True:
                    try:
                        sent_at[i] = time.time()
                        producer.produce(topic, payloads[i])
                        break
                    except BufferError:
                        producer.poll(0.01)
            producer.poll(0)
        elapsed = time.monotonic() - started
        producer.flush(30)
        skip = int(warmup * self.rate)
        counted = [i for i in self.index.values() if i >= skip]
        reader.wait_for(counted, idle=5.0)
        after = _batches(metrics_url)
        latencies = sorted(self.seen_at[i] - sent_at[i] for i in counted if self.seen_at[i])
        mean = per_s = None
        if before is not None and after is not None and after[1] > before[1]:
            mean = (after[0] - before[0]) / (after[1] - before[1])
            per_s = (after[1] - before[1]) / max(elapsed, 1e-9)
        return LoadResult(self.rate, len(payloads) / elapsed, len(counted),
                          len(latencies), latencies, mean, per_s)  # fmt: skip


class _Reader(threading.Thread):
    """read_committed reader of the anonymized topic, from its start: notes when each event's
    record arrives (the event id is the Avro body's first field, in either wire format)."""

    def __init__(self, load: PacedLoad) -> None:
        super().__init__(daemon=True)
        self.load = load
        self.ready = threading.Event()
        self.halt = threading.Event()
        self.count = 0

    def run(self) -> None:
        settings = self.load.settings
        topic = settings.anonymized_topic
        consumer = Consumer(settings.consumer_config(
            group_id=f"bench-latency-{uuid.uuid4().hex[:6]}", **{"fetch.wait.max.ms": 5}))  # fmt: skip
        parts = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        consumer.assign([TopicPartition(topic, p, 0) for p in parts])
        self.ready.set()
        index, seen_at = self.load.index, self.load.seen_at
        while not self.halt.is_set():
            msgs = consumer.consume(2000, timeout=0.05)
            now = time.time()
            for m in msgs:
                value = m.value()
                start = body_start(value) if m.error() is None else None
                if start is not None and value[start] == 72:  # zigzag 36: a UUID string
                    i = index.get(value[start + 1 : start + 37])
                    if i is not None and not seen_at[i]:
                        seen_at[i] = now
                        self.count += 1
        consumer.close()

    def wait_for(self, wanted: list[int], idle: float) -> None:
        """Until every wanted event was seen, or nothing new arrived for `idle` seconds."""
        last, since = -1, time.monotonic()
        while time.monotonic() - since < idle:
            if all(self.load.seen_at[i] for i in wanted):
                break
            if self.count != last:
                last, since = self.count, time.monotonic()
            time.sleep(0.1)
        self.halt.set()
        self.join(10)


def _batches(url: str | None) -> tuple[float, float] | None:
    """(records, batches) committed so far, from the worker's anonymizer_batch_size histogram."""
    if url is None:
        return None
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            scrape = parse(response.read().decode())
    except OSError:
        return None
    return scrape.total("anonymizer_batch_size_sum"), scrape.total("anonymizer_batch_size_count")
