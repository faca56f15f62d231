"""The offline shell around the engine: batches of lines in, records and dead letters out."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, BinaryIO

from pipeline.codec.dead_letter import as_json, dead_letter
from pipeline.core.day_keys import DayKeys
from pipeline.core.engine import BatchResult, Engine
from pipeline.observability.run_summary import Summary
from pipeline.offline.reader import read_batches
from pipeline.offline.writers import JsonlRejects, RecordWriter


def write_result(
    result: BatchResult,
    records: RecordWriter,
    rejects: JsonlRejects,
    policy_version: str,
    now_ms: int,
    source: Callable[[int], dict[str, Any]],
) -> None:
    """Write a batch's records, and its rejects as dead letters; `source(index)` gives the
    dead letter's source coordinates (`offset`, and `topic`, `partition`, `event_time_ms`)."""
    records.write(result.records)
    rejects.write(
        [
            as_json(
                dead_letter(
                    r, policy_version=policy_version, rejected_at_ms=now_ms, **source(r.index)
                )
            )
            for r in result.rejects
        ]
    )


def anonymize_stream(
    engine: Engine,
    source: BinaryIO,
    records: RecordWriter,
    rejects: JsonlRejects,
    days: Callable[[], DayKeys],
    *,
    batch_size: int = 2000,
    clock: Callable[[], float] = time.time,
    on_batch: Callable[[int], None] | None = None,
) -> Summary:
    """Anonymize every line of `source` under the day keys `days()` gives for each batch (see
    `day_secrets.day_keys`); `on_batch(bytes_read)` reports progress. A line has no arrival time:
    its dead letter is sealed under today's key."""
    summary = Summary()
    started = time.perf_counter()
    policy_version = engine.policy.label
    for batch in read_batches(source, batch_size):
        result = engine.process(batch.payloads, days())
        first = batch.first_line
        write_result(
            result,
            records,
            rejects,
            policy_version,
            int(clock() * 1000),
            lambda i, first=first: {"offset": first + i},
        )
        summary.add(result, len(batch.payloads))
        if on_batch:
            on_batch(batch.bytes_read)
    records.close()
    rejects.close()
    summary.seconds = time.perf_counter() - started
    return summary
