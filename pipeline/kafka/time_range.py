"""Reading a topic between two times: offsets found with offsets_for_times, read with assign()."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from confluent_kafka import Consumer, KafkaError, Message, TopicPartition

from pipeline.errors import ConfigError
from pipeline.kafka.config import KafkaSettings


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
                raise RuntimeError(f"reading {topic}: {error.str()}")
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
