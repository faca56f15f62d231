"""Re-driving dead letters to the raw topic, once each (`pipeline.tools.inspect_records` lists them).

Re-driving moves a cursor (the consumer group `<group_id>.redrive`) through the dead-letter topic
and produces each selected payload, unsealed, to the raw topic in the same Kafka transaction as
the cursor's advance: each dead letter is re-driven once, however often the command runs.

A dead letter is sealed under the secret of the day its raw record arrived. Once that day has left
the personal-data window its secret is destroyed and the payload is shredded: nobody can open it.
Re-driving counts such dead letters as `shredded` and moves the cursor past them, like the others.
Dead letters of older releases name a master key, and are opened with the key ring.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from confluent_kafka import Consumer, Message, Producer, TopicPartition

from pipeline.codec.schemas import DEAD_LETTER
from pipeline.codec.wire import MessageDecoder
from pipeline.config.kafka import KafkaSettings
from pipeline.core.day_keys import day_of_key_id
from pipeline.core.keys import Key, KeyRing
from pipeline.core.seal import UnsealError, unseal
from pipeline.errors import UsageError
from pipeline.kafka.time_range import PartitionRange, offset_ranges, range_consumer, read_ranges
from pipeline.registry.lookup import schema_lookup
from pipeline.secrets.access import open_store
from pipeline.tools.inspect_records import decode


class RedriveError(UsageError):
    """A dead letter that cannot be re-driven (its master key is not in the ring, or it was
    tampered with); nothing was skipped."""


@dataclass(slots=True)
class RedriveSummary:
    examined: int = 0
    redriven: Counter[str] = field(default_factory=Counter)
    skipped: int = 0  # passed over: not of the reasons asked for
    shredded: int = 0  # their day secret is destroyed: nobody can open them

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
    clock: Callable[[], float] = time.time,
) -> RedriveSummary:
    """Re-drive the dead letters after the cursor (those of `reasons`, or all) to the raw topic,
    opened with the day secrets the store still holds (by `clock`), or the master `keys` for those
    of older releases. Shredded ones are counted and passed, never retried."""
    group = f"{settings.group_id}.redrive"
    topic = settings.dead_letter_topic
    decoder = MessageDecoder(DEAD_LETTER, schema_lookup())  # either wire format
    consumer = range_consumer(settings, "redrive")
    producer = None
    if not dry_run:
        producer = Producer(settings.producer_config(transactional_id=group))
        producer.init_transactions(30)
    summary = RedriveSummary()
    try:
        with open_store(settings, keys, clock=clock) as store:
            ranges = _cursor_ranges(consumer, topic, end_ms)
            for batch in read_ranges(consumer, topic, ranges, batch_size):
                held = store.lookup()
                chosen: list[tuple[Message, str, bytes]] = []
                for message in batch:
                    summary.examined += 1
                    record = decode(decoder, message)
                    if reasons and record["reason"] not in reasons:
                        summary.skipped += 1
                        continue
                    where = f"{topic}/{message.partition()}/{message.offset()}"
                    payload = _open(record, held, keys, where)
                    if payload is None:
                        summary.shredded += 1
                        continue
                    chosen.append((message, record["reason"], payload))
                summary.redriven.update(reason for _, reason, _ in chosen)
                if producer is not None:
                    _send(producer, consumer, settings.raw_topic, topic, batch, chosen)
    finally:
        consumer.close()
    return summary


def _open(record: dict[str, Any], held: dict[str, Key], keys: KeyRing, where: str) -> bytes | None:
    """The payload of a dead letter, or None when it is shredded: sealed under a day secret that
    is gone. A key id that is no day's is a master key of an older release."""
    key_id = record["key_id"]
    lookup = held if key_id in held else keys if keys.get(key_id) is not None else None
    if lookup is None:
        if day_of_key_id(key_id) is not None:
            return None
        raise RedriveError(
            f"dead letter {where}: sealed under master key {key_id!r}, which is not in the key "
            f"ring (it holds {', '.join(keys.ids)}); add it to open the dead letters of that release"
        )
    try:
        return unseal(lookup, key_id, record["sealed_payload"])
    except UnsealError as exc:
        raise RedriveError(f"dead letter {where}: {exc}") from None


def _send(
    producer: Producer,
    consumer: Consumer,
    raw_topic: str,
    topic: str,
    batch: list[Message],
    chosen: list[tuple[Message, str, bytes]],
) -> None:
    """The chosen payloads to the raw topic and the cursor past the whole batch, in one
    transaction (shredded and passed-over dead letters move the cursor too)."""
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
