"""Re-driving dead letters to the raw topic, once each (`pipeline.peek` lists them).

Re-driving moves a cursor (the consumer group `<group_id>.redrive`) through the dead-letter topic
and produces each selected payload, unsealed, to the raw topic in the same Kafka transaction as
the cursor's advance: each dead letter is re-driven once, however often the command runs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from confluent_kafka import Consumer, Producer, TopicPartition

from pipeline.codec.decoder import SingleObjectDecoder
from pipeline.codec.schemas import DEAD_LETTER
from pipeline.core.keys import KeyRing
from pipeline.core.seal import UnsealError, unseal
from pipeline.errors import AnonymizerError
from pipeline.kafka.config import KafkaSettings
from pipeline.kafka.time_range import PartitionRange, offset_ranges, range_consumer, read_ranges


class RedriveError(AnonymizerError):
    """A dead letter that cannot be re-driven (its key is not in the ring); nothing was skipped."""


@dataclass(slots=True)
class RedriveSummary:
    examined: int = 0
    redriven: Counter[str] = field(default_factory=Counter)
    skipped: int = 0

    @property
    def total(self) -> int:
        return sum(self.redriven.values())


def _cursor_ranges(consumer: Consumer, topic: str, end_ms: int | None) -> list[PartitionRange]:
    """From the group's committed offsets (or the beginning) to `end_ms` (or the end)."""
    ends = offset_ranges(consumer, topic, None, end_ms)
    committed = consumer.committed([TopicPartition(topic, r.partition) for r in ends], timeout=15)
    return [
        PartitionRange(r.partition, max(c.offset, r.start) if c.offset >= 0 else r.start, r.end)
        for r, c in zip(ends, committed, strict=True)
    ]


def redrive(
    settings: KafkaSettings,
    keys: KeyRing,
    *,
    reasons: frozenset[str] = frozenset(),
    end_ms: int | None = None,
    dry_run: bool = False,
    batch_size: int = 500,
) -> RedriveSummary:
    """Re-drive the dead letters after the cursor (those of `reasons`, or all) to the raw topic."""
    group = f"{settings.group_id}.redrive"
    topic = settings.dead_letter_topic
    decoder = SingleObjectDecoder(DEAD_LETTER)
    consumer = range_consumer(settings, "redrive")
    producer = None
    if not dry_run:
        producer = Producer(settings.producer_config(transactional_id=group))
        producer.init_transactions(30)
    summary = RedriveSummary()
    try:
        ranges = _cursor_ranges(consumer, topic, end_ms)
        for batch in read_ranges(consumer, topic, ranges, batch_size):
            chosen = []
            for message in batch:
                summary.examined += 1
                record = decoder.decode(message.value())
                if reasons and record["reason"] not in reasons:
                    summary.skipped += 1
                    continue
                try:
                    payload = unseal(keys, record["key_id"], record["sealed_payload"])
                except UnsealError as exc:
                    where = f"{topic}/{message.partition()}/{message.offset()}"
                    raise RedriveError(f"dead letter {where}: {exc}") from None
                chosen.append((message, record["reason"], payload))
            summary.redriven.update(reason for _, reason, _ in chosen)
            if producer is not None:
                _send(producer, consumer, settings.raw_topic, topic, batch, chosen)
    finally:
        consumer.close()
    return summary


def _send(
    producer: Producer, consumer: Consumer, raw_topic: str, topic: str, batch, chosen
) -> None:
    producer.begin_transaction()
    for message, reason, payload in chosen:
        origin = f"{topic}/{message.partition()}/{message.offset()}"
        headers = [("redriven-from", origin.encode()), ("redrive-reason", reason.encode())]
        producer.produce(raw_topic, value=payload, headers=headers)
    last: dict[int, int] = {}
    for message in batch:
        last[message.partition()] = max(last.get(message.partition(), -1), message.offset())
    offsets = [TopicPartition(topic, p, o + 1) for p, o in last.items()]
    producer.send_offsets_to_transaction(offsets, consumer.consumer_group_metadata(), 30)
    producer.commit_transaction(60)
