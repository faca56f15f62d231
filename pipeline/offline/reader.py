"""Streaming a JSONL file in batches, so memory stays flat whatever the file's size."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO


@dataclass(slots=True)
class LineBatch:
    """Payloads and the 0-based line number of the first one.

    Every line is a record, blank ones too (they are rejected as not_json): nothing is skipped
    silently.
    """

    payloads: list[bytes]
    first_line: int
    bytes_read: int


def read_batches(stream: BinaryIO, batch_size: int) -> Iterator[LineBatch]:
    """Yield batches of at most `batch_size` lines, without their line ends."""
    batch = LineBatch([], 0, 0)
    for number, line in enumerate(stream):
        batch.bytes_read += len(line)
        batch.payloads.append(line.rstrip(b"\r\n"))
        if len(batch.payloads) >= batch_size:
            yield batch
            batch = LineBatch([], number + 1, 0)
    if batch.payloads:
        yield batch
