"""Reading the output topics back as JSON: anonymized records and dead letters (readable fields).

Either wire format, told by each message's first byte: single-object (the fingerprint must be a
committed revision's) or Confluent (the registry id's schema is fetched from the registry).

A dead letter's payload is `readable` while the store holds the secret of its day, `shredded` once
that day has left the personal-data window (nobody can open it any more), or sealed under a
`master key` by an older release. Told from the store's list of days: no secret is read.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from confluent_kafka import Message

from pipeline.codec.schemas import ANONYMIZED, DEAD_LETTER
from pipeline.codec.wire import MessageDecoder
from pipeline.config.kafka import KafkaSettings
from pipeline.core.day_keys import day_of_key_id
from pipeline.core.keys import KeyRing
from pipeline.errors import UsageError
from pipeline.kafka.time_range import offset_ranges, range_consumer, read_ranges
from pipeline.registry.lookup import schema_lookup
from pipeline.secrets.access import open_store
from pipeline.secrets.days import expired

READABLE, SHREDDED, MASTER = "readable", "shredded", "master key"


def payload_states(
    settings: KafkaSettings, *, clock: Callable[[], float] = time.time
) -> Callable[[str], str]:
    """The state of a dead letter's payload by its key id, from the days the store holds now
    (by `clock`). Needs no master key: the store's status reads no secret."""
    with open_store(settings, KeyRing(()), clock=clock) as store:
        rows, now = store.status(), store.now_ms()
    window = settings.replay_window_ms
    held = {r.day for r in rows if r.key_id is not None and not expired(r.day, now, window)}

    def state(key_id: str) -> str:
        day = day_of_key_id(key_id)
        if day is None:
            return MASTER
        return READABLE if day in held else SHREDDED

    return state


def peek(
    settings: KafkaSettings,
    which: str,
    start_ms: int | None,
    end_ms: int | None,
    limit: int,
    *,
    clock: Callable[[], float] = time.time,
) -> Iterator[dict[str, Any]]:
    """Up to `limit` decoded records of the anonymized or dead-letter topic, in the range; each
    dead letter with its `payload` state (see `payload_states`, by `clock`)."""
    dead_letters = which != "anonymized"
    topic = settings.dead_letter_topic if dead_letters else settings.anonymized_topic
    decoder = MessageDecoder(DEAD_LETTER if dead_letters else ANONYMIZED, schema_lookup())
    state = payload_states(settings, clock=clock) if dead_letters else None
    consumer = range_consumer(settings, "inspect")
    shown = 0
    try:
        for batch in read_ranges(consumer, topic, offset_ranges(consumer, topic, start_ms, end_ms)):
            for message in batch:
                record = decode(decoder, message)
                if state is not None:
                    record["sealed_payload"] = f"<{len(record['sealed_payload'])} bytes sealed>"
                    record["payload"] = state(record["key_id"])
                yield {"partition": message.partition(), "offset": message.offset(), **record}
                shown += 1
                if shown >= limit:
                    return
    finally:
        consumer.close()


def decode(decoder: MessageDecoder, message: Message) -> dict[str, Any]:
    """One message's record; UsageError naming where it is when it is not one of ours."""
    try:
        return decoder.decode(message.value() or b"")
    except (ValueError, EOFError) as exc:
        raise UsageError(
            f"{message.topic()} partition {message.partition()} offset {message.offset()}: "
            f"not a {decoder.schema_file.split('.')[0]} record ({exc})"
        ) from None
