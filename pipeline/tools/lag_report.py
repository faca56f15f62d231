"""A consumer group's lag read from the cluster, without a running worker (`anonymizer lag`).

Per partition of the raw topic: the group's committed offset, the high watermark, the records
between them, and the age of the oldest waiting record (the Kafka timestamp of the record at
the committed offset, read with a separate consumer that never joins the group and never
commits). A partition the group never committed to counts from where a new worker would
start (`auto_offset_reset`). Nothing here changes the group: `committed()` reads offsets
without joining it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition

from pipeline.config.kafka import KafkaSettings
from pipeline.errors import UsageError
from pipeline.kafka.errors import KafkaUnreachableError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PartitionLag:
    partition: int
    committed: int | None  # None: the group never committed to this partition
    position: int  # where the group resumes (committed, else the reset point)
    end: int  # high watermark
    lag: int  # records waiting
    oldest_age_s: float | None  # age of the record at `position` (None: none waits or unread)


@dataclass(frozen=True, slots=True)
class GroupLag:
    group: str
    topic: str
    measured_at: float  # Unix seconds
    partitions: list[PartitionLag]

    @property
    def total(self) -> int:
        return sum(p.lag for p in self.partitions)

    @property
    def oldest_age_s(self) -> float | None:
        ages = [p.oldest_age_s for p in self.partitions if p.oldest_age_s is not None]
        return max(ages) if ages else None


_AWAY = {KafkaError._TRANSPORT, KafkaError._ALL_BROKERS_DOWN, KafkaError._TIMED_OUT}
_COORDINATOR = {  # a group's coordinator is being found, loaded or moved: try again
    KafkaError.NOT_COORDINATOR,
    KafkaError.COORDINATOR_LOAD_IN_PROGRESS,
    KafkaError.COORDINATOR_NOT_AVAILABLE,
}


def _failed(settings: KafkaSettings, what: str, exc: KafkaException) -> Exception:
    """KafkaUnreachableError when no broker answered, else a UsageError naming the error."""
    err = exc.args[0]
    if err.code() in _AWAY:
        return KafkaUnreachableError(
            f"no Kafka cluster answered at {settings.bootstrap_servers} ({err.name()})"
        )
    return UsageError(f"cannot read {what} at {settings.bootstrap_servers}: {err.name()}")


def _retrying(call: Callable[[], T], timeout: float) -> T:
    """`call()`, retried while it fails with a retriable error (a group coordinator loading or
    moving: NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS), until `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return call()
        except KafkaException as exc:
            err = exc.args[0]
            transient = err.retriable() or err.code() in _COORDINATOR
            if err.code() in _AWAY or not transient or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def group_lag(
    settings: KafkaSettings, group: str | None = None, topic: str | None = None, timeout: float = 10
) -> GroupLag:
    """The lag of `group` (default: the worker's) on `topic` (default: the raw topic)."""
    group = group or settings.group_id
    topic = topic or settings.raw_topic
    reader = Consumer(settings.consumer_config(group_id=group, log_level=3))
    try:
        try:
            metadata = reader.list_topics(topic, timeout=timeout)
        except KafkaException as exc:
            raise _failed(settings, f"topic {topic}", exc) from None
        described = metadata.topics.get(topic)
        if described is None or described.error is not None or not described.partitions:
            raise UsageError(f"topic {topic} does not exist at {settings.bootstrap_servers}")
        tps = [TopicPartition(topic, p) for p in sorted(described.partitions)]
        try:
            offsets = _retrying(lambda: reader.committed(tps, timeout=timeout), timeout)
            marks = {tp.partition: reader.get_watermark_offsets(tp, timeout) for tp in tps}
        except KafkaException as exc:
            raise _failed(settings, f"the offsets of group {group} on {topic}", exc) from None
        committed = {tp.partition: tp.offset for tp in offsets}
    finally:
        reader.close()
    rows: dict[int, tuple[int | None, int, int]] = {}
    for partition, (low, high) in marks.items():
        offset = committed.get(partition, -1)
        known = offset if offset >= 0 else None
        if known is None:
            start = low if settings.auto_offset_reset == "earliest" else high
        else:
            start = max(offset, low)  # records before `low` expired: they no longer wait
        rows[partition] = (known, start, high)
    waiting = {p: start for p, (_, start, high) in rows.items() if high > start}
    stamps = _timestamps(settings, topic, waiting, timeout) if waiting else {}
    now = time.time()
    partitions = [
        PartitionLag(
            partition=p,
            committed=known,
            position=start,
            end=high,
            lag=max(0, high - start),
            oldest_age_s=max(0.0, now - stamps[p] / 1000) if p in stamps else None,
        )
        for p, (known, start, high) in sorted(rows.items())
    ]
    return GroupLag(group, topic, now, partitions)


def _timestamps(
    settings: KafkaSettings, topic: str, positions: dict[int, int], timeout: float
) -> dict[int, int]:
    """Kafka timestamp (ms) of the first record at or after each partition's position."""
    probe = Consumer(
        settings.consumer_config(
            group_id=f"{settings.group_id}.lag-probe",
            log_level=3,
            **{"isolation.level": "read_uncommitted", "enable.partition.eof": True},
        )
    )
    found: dict[int, int] = {}
    try:
        probe.assign([TopicPartition(topic, p, offset) for p, offset in positions.items()])
        deadline = time.monotonic() + timeout
        done: set[int] = set()
        while len(done) < len(positions) and time.monotonic() < deadline:
            for msg in probe.consume(100, 0.5):
                partition = msg.partition()
                if partition not in positions or partition in done:
                    continue
                if msg.error() is None:
                    found[partition] = msg.timestamp()[1]
                done.add(partition)  # its first record, or its end: nothing readable waits
    finally:
        probe.close()
    return found
