"""The offline shell around the engine: batches of lines in, records and dead letters out."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import BinaryIO

from pipeline.core.engine import Engine
from pipeline.deadletter import as_json, dead_letter
from pipeline.offline.reader import read_batches
from pipeline.offline.writers import JsonlRejects, RecordWriter
from pipeline.summary import Summary


def anonymize_stream(
    engine: Engine,
    source: BinaryIO,
    records: RecordWriter,
    rejects: JsonlRejects,
    *,
    batch_size: int = 2000,
    clock: Callable[[], float] = time.time,
    on_batch: Callable[[int], None] | None = None,
) -> Summary:
    """Anonymize every line of `source`; `on_batch(bytes_read)` reports progress."""
    summary = Summary()
    started = time.perf_counter()
    policy_version = engine.policy.label
    for batch in read_batches(source, batch_size):
        result = engine.process(batch.payloads)
        records.write(result.records)
        now_ms = int(clock() * 1000)
        rejects.write(
            [
                as_json(
                    dead_letter(
                        r,
                        policy_version=policy_version,
                        rejected_at_ms=now_ms,
                        offset=batch.first_line + r.index,
                    )
                )
                for r in result.rejects
            ]
        )
        summary.add(result, len(batch.payloads))
        if on_batch:
            on_batch(batch.bytes_read)
    records.close()
    rejects.close()
    summary.seconds = time.perf_counter() - started
    return summary
