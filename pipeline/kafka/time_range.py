"""Reading a topic between two times: offsets found with offsets_for_times, read with assign()."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from confluent_kafka import Consumer, KafkaError, Message, TopicPartition

from pipeline.config.kafka import KafkaSettings
from pipeline.errors import ConfigError, UsageError
from pipeline.kafka.errors import KafkaReadError


@dataclass(frozen=True, slots=True)
class PartitionRange:
    """Offsets [start, end) of one partition."""

    partition: int
    start: int
    end: int

    @property
    def size(self) -> int:
        return max(self.end - self.start, 0)


def range_consumer(settings: KafkaSettings, purpose: str) -> Consumer:
    """A read_committed consumer for `read_ranges` (group `<group_id>.<purpose>`, never the
    worker's own group)."""
    return Consumer(
        settings.consumer_config(
            group_id=f"{settings.group_id}.{purpose}", **{"enable.partition.eof": True}
        )
    )


def parse_time(text: str) -> int:
    """An ISO 8601 time (naive means UTC) or epoch milliseconds, as epoch milliseconds."""
    if text.isdigit():
        return int(text)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(f"not a time: {text!r} (use ISO 8601, e.g. 2026-11-25T10:00Z)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_range_held(
    consumer: Consumer, topic: str, start_ms: int | None, now_ms: int, window_ms: int,
    timeout: float = 15.0,
) -> None:  # fmt: skip
    """Refuse, with a clear message, a range that starts before what the raw topic may hold:
    older than the replay window, or older than its oldest record when older ones were deleted."""
    if start_ms is None:
        return
    oldest_allowed = now_ms - window_ms
    if start_ms < oldest_allowed:
        raise UsageError(
            f"{_iso(start_ms)} is outside the replay window of {window_ms / 3_600_000:g} h: raw "
            f"events older than {_iso(oldest_allowed)} are deleted by design and cannot be "
            "replayed (ANONYMIZER_REPLAY_WINDOW_HOURS sets the window)"
        )
    held = oldest_held_ms(consumer, topic, timeout)
    if held is not None and start_ms < held:
        raise UsageError(
            f"{topic} no longer holds raw events before {_iso(held)} (older ones were deleted): "
            f"cannot replay from {_iso(start_ms)}; start at {_iso(held)} or later"
        )


def oldest_held_ms(consumer: Consumer, topic: str, timeout: float = 15.0) -> int | None:
    """The time of the oldest record still held, over partitions whose older records were
    deleted (log start > 0); None when no partition has lost any."""
    metadata = consumer.list_topics(topic, timeout=timeout)
    if topic not in metadata.topics or metadata.topics[topic].error is not None:
        raise ConfigError(f"topic {topic!r} does not exist")
    oldest = None
    for partition in sorted(metadata.topics[topic].partitions):
        low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout)
        if low == 0 or high <= low:
            continue
        consumer.assign([TopicPartition(topic, partition, low)])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is not None and message.error() is None:
                ms = message.timestamp()[1]
                oldest = ms if oldest is None else min(oldest, ms)
                break
        consumer.unassign()
    return oldest


def offset_ranges(
    consumer: Consumer, topic: str, start_ms: int | None, end_ms: int | None, timeout: float = 15.0
) -> list[PartitionRange]:
    """Per partition, the offsets of records with start_ms <= timestamp < end_ms (as of now)."""
    metadata = consumer.list_topics(topic, timeout=timeout)
    if topic not in metadata.topics or metadata.topics[topic].error is not None:
        raise ConfigError(f"topic {topic!r} does not exist")
    partitions = sorted(metadata.topics[topic].partitions)
    ranges = []
    for partition in partitions:
        low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout)
        start = _offset_at(consumer, topic, partition, start_ms, timeout, default=low, high=high)
        end = _offset_at(consumer, topic, partition, end_ms, timeout, default=high, high=high)
        ranges.append(PartitionRange(partition, start, max(start, end)))
    return ranges


def _offset_at(
    consumer: Consumer, topic: str, partition: int, ms: int | None, timeout: float, *,
    default: int, high: int,
) -> int:  # fmt: skip
    if ms is None:
        return default
    found = consumer.offsets_for_times([TopicPartition(topic, partition, ms)], timeout=timeout)[0]
    return found.offset if found.offset >= 0 else high


def read_ranges(
    consumer: Consumer, topic: str, ranges: list[PartitionRange], batch_size: int = 1000,
    idle_timeout: float = 10.0,
) -> Iterator[list[Message]]:  # fmt: skip
    """Batches of the records in `ranges` (the consumer needs `enable.partition.eof`)."""
    todo = {r.partition: r for r in ranges if r.size}
    if not todo:
        return
    consumer.assign([TopicPartition(topic, p, r.start) for p, r in todo.items()])
    idle = 0.0
    while todo:
        messages = consumer.consume(batch_size, timeout=1.0)
        idle = idle + 1.0 if not messages else 0.0
        if idle >= idle_timeout:
            raise TimeoutError(f"no progress reading {topic} for {idle_timeout:.0f} s")
        batch = []
        for message in messages:
            error = message.error()
            if error is not None and error.code() != KafkaError._PARTITION_EOF:
                raise KafkaReadError(f"reading {topic}: {error.str()}")
            part = todo.get(message.partition())
            if part is None:
                continue
            if error is None and message.offset() < part.end:
                batch.append(message)
        if batch:
            yield batch
        for partition in list(todo):
            position = consumer.position([TopicPartition(topic, partition)])[0].offset
            if position >= todo[partition].end:
                del todo[partition]
    consumer.unassign()
