"""Helpers for the worker's integration tests: raw traffic in, worker subprocesses, outputs out.

Outputs are decoded with plain fastavro and the schema files in `avro/` only (no project code).
"""

from __future__ import annotations

import base64
import io
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fastavro
import fastavro.schema
import orjson
from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient

from pipeline.config.kafka import KafkaSettings
from pipeline.core.day_keys import DayKeys, HeldDays
from pipeline.core.keys import KeyRing
from pipeline.core.pseudonyms import output_event_id
from pipeline.secrets.store import DaySecretStore

REPO = Path(__file__).resolve().parents[2]
KEYS = "test1:" + base64.b64encode(bytes(range(32))).decode()


def _schema(name: str) -> tuple[Any, str]:
    raw = json.loads((REPO / "avro" / name).read_text())
    canonical = fastavro.schema.to_parsing_canonical_form(raw)
    return fastavro.parse_schema(raw), fastavro.schema.fingerprint(canonical, "CRC-64-AVRO")


ANONYMIZED_SCHEMA, ANONYMIZED_FP = _schema("anonymized_web_event.v1.avsc")
DEAD_LETTER_SCHEMA, DEAD_LETTER_FP = _schema("dead_letter.v1.avsc")


def decode(value: bytes, schema: Any, fingerprint_hex: str) -> dict[str, Any]:
    assert value[:2] == b"\xc3\x01", "not single-object encoded"
    assert value[2:10].hex() == fingerprint_hex, "wrong writer schema"
    return fastavro.schemaless_reader(io.BytesIO(value[10:]), schema)


@dataclass
class Raw:
    """What was produced to the raw topic: (partition, offset) -> event_id (None if unknown)."""

    ids: dict[tuple[int, int], str | None] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)


def produce_raw(
    settings: KafkaSettings,
    payloads: Iterable[bytes | None],
    raw: Raw,
    days: DayKeys | None = None,
) -> Raw:
    """Produce `payloads` to the raw topic (acks=all, idempotent), round-robin over its
    partitions, and record where each went, with the event_id its record gets under `days`
    (default: the store's keys now). Round-robin, not the sticky default for keyless records,
    which can put a whole small burst into one partition and leave a second worker idle."""
    keys = days if days is not None else held_days(settings)
    producer = Producer(settings.producer_config(**{"linger.ms": 20, "message.timeout.ms": 120000}))
    topic = producer.list_topics(settings.raw_topic, timeout=30).topics[settings.raw_topic]
    partitions = len(topic.partitions)
    assert partitions > 0, f"{settings.raw_topic}: no partitions ({topic.error})"

    def delivered(err: KafkaError | None, msg: Any) -> None:
        assert err is None, err
        raw.ids[(msg.partition(), msg.offset())] = event_id(msg.value(), keys)

    for i, payload in enumerate(payloads):
        while True:
            try:
                producer.produce(settings.raw_topic, payload, partition=i % partitions,
                                 on_delivery=delivered)  # fmt: skip
                break
            except BufferError:
                producer.poll(0.1)
        producer.poll(0)
    assert producer.flush(120) == 0
    return raw


_HELD: dict[str, HeldDays] = {}


def held_days(
    settings: KafkaSettings, keys: str = KEYS, clock: Callable[[], float] | None = None
) -> HeldDays:
    """The day keys the workers of `settings` adopt (made now when no worker has made them):
    read from the same day-secret store, as any worker would. Real-clock reads are cached."""
    cached = clock is None and keys == KEYS
    if cached and settings.day_secrets_topic in _HELD:
        return _HELD[settings.day_secrets_topic]
    store = DaySecretStore(settings, KeyRing.parse(keys), clock=clock or time.time)
    try:
        held = store.held()
    finally:
        store.close()
    if cached:
        _HELD[settings.day_secrets_topic] = held
    return held


def event_id(payload: bytes | None, days: DayKeys) -> str | None:
    """The `event_id` the worker's record of this raw payload carries (a day-keyed pseudonym)."""
    try:
        doc = orjson.loads(payload or b"")
    except orjson.JSONDecodeError:
        return None
    return output_event_id(days, doc) if isinstance(doc, dict) else None


def wait_until(
    condition: Callable[[], bool],
    timeout: float,
    what: str,
    interval: float = 0.05,
    check: Callable[[], None] | None = None,
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if check:
            check()
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what}"
        time.sleep(interval)


def _partitions(settings: KafkaSettings, topic: str) -> list[TopicPartition]:
    admin = AdminClient(settings.admin_config())
    meta = admin.list_topics(topic, timeout=10).topics[topic]
    return [TopicPartition(topic, p) for p in sorted(meta.partitions)]


def committed_total(settings: KafkaSettings) -> int:
    """Sum of the group's committed offsets on the raw topic (= records done, topic from 0)."""
    # read_uncommitted: the offset fetch then does not require stable offsets (KIP-447), so a
    # killed worker's open transaction does not make it fail until that transaction is aborted;
    # what it returns is still only what committed transactions wrote.
    consumer = Consumer(
        settings.consumer_config(**{"log_level": 0, "isolation.level": "read_uncommitted"})
    )
    try:
        tps = consumer.committed(_partitions(settings, settings.raw_topic), timeout=10)
        return sum(max(tp.offset, 0) for tp in tps)
    except KafkaException:  # e.g. NOT_COORDINATOR while the group coordinator moves
        return -1
    finally:
        consumer.close()


def wait_drained(settings: KafkaSettings, total: int, timeout: float) -> float:
    """Wait until the group has committed `total` raw records; returns the seconds it took."""
    started = time.monotonic()
    wait_until(lambda: committed_total(settings) >= total, timeout, f"{total} committed", 0.2)
    return time.monotonic() - started


def read_committed(settings: KafkaSettings, topic: str, timeout: float = 60) -> list[Any]:
    """Every message of `topic` a read_committed consumer sees, up to the end (all partitions)."""
    tps = _partitions(settings, topic)
    consumer = Consumer(
        settings.consumer_config(
            group_id=f"reader-{time.monotonic_ns()}",
            **{"enable.partition.eof": True, "auto.offset.reset": "earliest"},
        )
    )
    for tp in tps:
        tp.offset = -2  # OFFSET_BEGINNING
    consumer.assign(tps)
    out, at_end = [], set()
    deadline = time.monotonic() + timeout
    try:
        while len(at_end) < len(tps):
            assert time.monotonic() < deadline, f"reading {topic} timed out"
            for msg in consumer.consume(5000, 0.5):
                err = msg.error()
                if err is None:
                    out.append(msg)
                    at_end.discard(msg.partition())
                elif err.code() == KafkaError._PARTITION_EOF:
                    at_end.add(msg.partition())
                else:
                    raise AssertionError(f"reader: {err}")
    finally:
        consumer.close()
    return out


def headers_of(msg: Any) -> dict[str, str]:
    return {k: v.decode() for k, v in (msg.headers() or [])}


@dataclass
class Outputs:
    records: list[dict[str, Any]]
    dead_letters: list[dict[str, Any]]


def read_outputs(settings: KafkaSettings) -> Outputs:
    records = [
        decode(m.value(), ANONYMIZED_SCHEMA, ANONYMIZED_FP)
        for m in read_committed(settings, settings.anonymized_topic)
    ]
    dead = [
        decode(m.value(), DEAD_LETTER_SCHEMA, DEAD_LETTER_FP)
        for m in read_committed(settings, settings.dead_letter_topic)
    ]
    return Outputs(records, dead)


def assert_each_once(raw: Raw, out: Outputs, topic: str) -> None:
    """Every raw record is in the outputs exactly once: dead letters by their source (partition,
    offset), each at most once; every other raw record as an anonymized record with its event_id
    (counted with multiplicity: the garbage generator repeats some events on purpose)."""
    dead: Counter[tuple[int, int]] = Counter()
    for dl in out.dead_letters:
        assert dl["source_topic"] == topic
        where = (dl["source_partition"], dl["source_offset"])
        assert where in raw.ids, f"dead letter of an unknown record {where}"
        dead[where] += 1
    doubled_dead = sum(n - 1 for n in dead.values())
    expected = Counter(eid for where, eid in raw.ids.items() if where not in dead)
    got = Counter(r["event_id"] for r in out.records)
    doubled = sum(((got - expected) + Counter()).values())
    missing = sum((expected - got).values())
    assert (doubled_dead, doubled, missing) == (0, 0, 0), (
        f"{doubled_dead} dead letters doubled, {doubled} records doubled, {missing} missing"
    )
    assert len(out.records) + len(out.dead_letters) == len(raw)


def traffic(
    count: int, garbage: float = 0.1, seed: int = 1, start_ms: int | None = None
) -> list[bytes]:
    """Generated raw events from `start_ms` on (default ten minutes ago, so that their days are
    inside the window of the real clock; about 1000 events per second of event time)."""
    from pipeline.dev.traffic import TrafficGenerator

    start = int(time.time() * 1000) - 600_000 if start_ms is None else start_ms
    return [
        e.payload for e in TrafficGenerator(seed, garbage=garbage, start_ms=start).events(count)
    ]
