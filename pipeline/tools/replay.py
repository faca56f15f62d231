"""Replay: re-anonymize the raw events of a time range, with the same engine as the worker.

Output is a pure function of the raw events, the policy, the day secrets and the GeoIP database.
Replay takes the day secrets from the workers' day-secret store and each record's Kafka time as
its arrival time, as the worker does, so a replay within the personal-data window reproduces the
worker's records and dead letters byte for byte. A day that has left the window has no secret
any more: its events come out as dead letters (`out_of_range` on `event_time`), and a range that
starts in it is refused.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from confluent_kafka import Consumer, Message

from pipeline.config.kafka import KafkaSettings
from pipeline.core.engine import Engine
from pipeline.core.keys import KeyRing
from pipeline.errors import UsageError
from pipeline.kafka.time_range import (
    check_range_held,
    offset_ranges,
    range_consumer,
    read_ranges,
)
from pipeline.observability.run_summary import Summary
from pipeline.offline.run import write_result
from pipeline.offline.writers import JsonlRejects, RecordWriter
from pipeline.secrets.access import open_store
from pipeline.secrets.days import day_label, day_of, destroy_at, expired
from pipeline.secrets.held import HeldDayKeys


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def first_offset_time(
    consumer: Consumer, settings: KafkaSettings, start_ms: int | None, now_ms: int
) -> int:
    """The record time replay starts at. A start in a day whose secret is destroyed is refused
    (nobody can pseudonymize that day again), and so is one older than the raw topic holds; no
    start means the start of the window (time retention deletes whole segments, so a few older
    records may linger: they are never replayed)."""
    window = settings.replay_window_ms
    if start_ms is None:
        return now_ms - window
    day = day_of(start_ms)
    if expired(day, now_ms, window):  # always before the window, said with what it means
        raise UsageError(
            f"{_iso(start_ms)} is outside the replay window of {window / 3_600_000:g} h: raw "
            f"events older than {_iso(now_ms - window)} are deleted by design and cannot be "
            f"replayed, and the day secret of {day_label(day)} was destroyed at "
            f"{_iso(destroy_at(day, window))}: nobody can compute that day's pseudonyms any more"
        )
    check_range_held(consumer, settings.raw_topic, start_ms, now_ms, window)
    return start_ms


def replay(
    engine: Engine,
    settings: KafkaSettings,
    keys: KeyRing,
    start_ms: int | None,
    end_ms: int | None,
    records: RecordWriter,
    rejects: JsonlRejects,
    *,
    batch_size: int = 2000,
    clock: Callable[[], float] = time.time,
    on_batch: Callable[[int], None] | None = None,
) -> Summary:
    """Anonymize raw records with start_ms <= timestamp < end_ms into `records` and `rejects`,
    under the day secrets of the store (unwrapped with the master `keys`); `clock` is the time
    of the window and of the store.

    A start in a destroyed day, before the replay window or before the oldest record the raw
    topic still holds is refused with a UsageError, never answered with an empty result."""
    consumer = range_consumer(settings, "replay")
    summary = Summary()
    started = time.perf_counter()
    topic, policy_version = settings.raw_topic, engine.policy.label
    try:
        with open_store(settings, keys, clock=clock) as store:
            first = first_offset_time(consumer, settings, start_ms, int(clock() * 1000))
            held = HeldDayKeys(store)
            ranges = offset_ranges(consumer, topic, first, end_ms)
            for batch in read_ranges(consumer, topic, ranges, batch_size):
                arrivals = [ms if kind else None for kind, ms in (m.timestamp() for m in batch)]
                result = engine.process([m.value() or b"" for m in batch], held.days(),
                                        arrival_ms=arrivals)  # fmt: skip

                def source(index: int, batch: list[Message] = batch) -> dict[str, Any]:
                    message = batch[index]
                    return {"offset": message.offset(), "topic": topic,
                            "partition": message.partition(), "event_time_ms": message.timestamp()[1]}  # fmt: skip

                write_result(result, records, rejects, policy_version, int(clock() * 1000), source)
                summary.add(result, len(batch))
                if on_batch:
                    on_batch(len(batch))
    finally:
        consumer.close()
    records.close()
    rejects.close()
    summary.seconds = time.perf_counter() - started
    return summary
