"""Helpers for the worker's integration tests: raw traffic in, worker subprocesses, outputs out.

Outputs are decoded with plain fastavro and the schema files in `avro/` only (no project code).
"""

from __future__ import annotations

import base64
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fastavro
import fastavro.schema
import orjson
import psutil
from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient

from pipeline.core.keys import KeyRing
from pipeline.core.pseudonyms import Pseudonymizer, output_event_id
from pipeline.kafka.config import KafkaSettings

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


def produce_raw(settings: KafkaSettings, payloads: Iterable[bytes | None], raw: Raw) -> Raw:
    """Produce `payloads` to the raw topic (acks=all, idempotent) and record where each went."""
    producer = Producer(settings.producer_config(**{"linger.ms": 20, "message.timeout.ms": 120000}))

    def delivered(err: KafkaError | None, msg: Any) -> None:
        assert err is None, err
        raw.ids[(msg.partition(), msg.offset())] = event_id(msg.value())

    for payload in payloads:
        while True:
            try:
                producer.produce(settings.raw_topic, payload, on_delivery=delivered)
                break
            except BufferError:
                producer.poll(0.1)
        producer.poll(0)
    assert producer.flush(120) == 0
    return raw


_PSEUDONYMS = Pseudonymizer(KeyRing.parse(KEYS).active)


def event_id(payload: bytes | None) -> str | None:
    """The `event_id` the worker's record of this raw payload carries (a keyed pseudonym)."""
    try:
        doc = orjson.loads(payload or b"")
    except orjson.JSONDecodeError:
        return None
    return output_event_id(_PSEUDONYMS, doc) if isinstance(doc, dict) else None


def worker_env(settings: KafkaSettings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANONYMIZER_")}
    env.update(
        ANONYMIZER_BOOTSTRAP_SERVERS=settings.bootstrap_servers,
        ANONYMIZER_RAW_TOPIC=settings.raw_topic,
        ANONYMIZER_ANONYMIZED_TOPIC=settings.anonymized_topic,
        ANONYMIZER_DEAD_LETTER_TOPIC=settings.dead_letter_topic,
        ANONYMIZER_GROUP_ID=settings.group_id,
        ANONYMIZER_KEYS=KEYS,
        ANONYMIZER_SESSION_TIMEOUT_MS="3000",
        ANONYMIZER_HEARTBEAT_INTERVAL_MS="500",
        ANONYMIZER_METRICS_PORT="0",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


class WorkerProcess:
    """`python -m pipeline.cli.main worker ...` as a child process, its log in a file."""

    def __init__(self, env: dict[str, str], log: Path, *args: str) -> None:
        self.log = log
        self._out = log.open("ab")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli.main", "worker", *args],
            env=env,
            cwd=REPO,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_log(self, needle: str, timeout: float = 60) -> None:
        wait_until(lambda: needle in self.text(), timeout, f"{needle!r} in {self.log.name}",
                   check=self._check_alive)  # fmt: skip

    def _check_alive(self) -> None:
        assert self.alive(), f"worker exited {self.proc.returncode}:\n{self.text()[-3000:]}"

    def terminate(self, timeout: float = 30) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.wait(timeout)

    def kill(self) -> None:
        self.proc.kill()
        self.wait(10)

    def wait(self, timeout: float) -> int:
        try:
            return self.proc.wait(timeout)
        finally:
            self._out.close()

    def stop(self) -> None:
        """Cleanup: SIGKILL if still running."""
        if self.alive():
            self.proc.kill()
            self.proc.wait(10)
        self._out.close()

    def rss_bytes(self) -> int:
        return psutil.Process(self.pid).memory_info().rss


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


def traffic(count: int, garbage: float = 0.1, seed: int = 1) -> list[bytes]:
    from pipeline.traffic import TrafficGenerator

    return [e.payload for e in TrafficGenerator(seed, garbage=garbage).events(count)]


def stop_all(workers: Sequence[WorkerProcess]) -> None:
    for w in workers:
        w.stop()
