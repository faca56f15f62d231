"""Replay: re-anonymize the raw events of a time range, with the same engine as the worker.

Output is a pure function of the raw events, the policy, the key and the GeoIP database, so a
replay with the same key ring and database reproduces the worker's records byte for byte.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from confluent_kafka import Message

from pipeline.core.engine import Engine
from pipeline.kafka.config import KafkaSettings
from pipeline.kafka.time_range import (
    check_range_held,
    offset_ranges,
    range_consumer,
    read_ranges,
)
from pipeline.offline.run import write_result
from pipeline.offline.writers import JsonlRejects, RecordWriter
from pipeline.summary import Summary


def replay(
    engine: Engine,
    settings: KafkaSettings,
    start_ms: int | None,
    end_ms: int | None,
    records: RecordWriter,
    rejects: JsonlRejects,
    *,
    batch_size: int = 2000,
    clock: Callable[[], float] = time.time,
    on_batch: Callable[[int], None] | None = None,
) -> Summary:
    """Anonymize raw records with start_ms <= timestamp < end_ms into `records` and `rejects`.

    A start before the replay window (by `clock`) or before the oldest record the raw topic
    still holds is refused with a UsageError, never answered with an empty result."""
    consumer = range_consumer(settings, "replay")
    summary = Summary()
    started = time.perf_counter()
    topic, policy_version = settings.raw_topic, engine.policy.label
    try:
        check_range_held(consumer, topic, start_ms, int(clock() * 1000), settings.replay_window_ms)
        ranges = offset_ranges(consumer, topic, start_ms, end_ms)
        for batch in read_ranges(consumer, topic, ranges, batch_size):
            result = engine.process([m.value() or b"" for m in batch])

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
