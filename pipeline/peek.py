"""Reading the output topics back as JSON: anonymized records and dead letters (readable fields)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipeline.codec.decoder import SingleObjectDecoder
from pipeline.codec.schemas import ANONYMIZED, DEAD_LETTER
from pipeline.kafka.config import KafkaSettings
from pipeline.kafka.time_range import offset_ranges, range_consumer, read_ranges


def peek(
    settings: KafkaSettings, which: str, start_ms: int | None, end_ms: int | None, limit: int
) -> Iterator[dict[str, Any]]:
    """Up to `limit` decoded records of the anonymized or dead-letter topic, in the range."""
    topic = settings.anonymized_topic if which == "anonymized" else settings.dead_letter_topic
    decoder = SingleObjectDecoder(ANONYMIZED if which == "anonymized" else DEAD_LETTER)
    consumer = range_consumer(settings, "inspect")
    shown = 0
    try:
        for batch in read_ranges(consumer, topic, offset_ranges(consumer, topic, start_ms, end_ms)):
            for message in batch:
                record = decoder.decode(message.value())
                if "sealed_payload" in record:
                    record["sealed_payload"] = f"<{len(record['sealed_payload'])} bytes sealed>"
                yield {"partition": message.partition(), "offset": message.offset(), **record}
                shown += 1
                if shown >= limit:
                    return
    finally:
        consumer.close()
