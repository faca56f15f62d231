"""Reading anonymized records back: offline files (JSON lines or Avro container) or a topic range.

Every source yields each record as a dict in the Avro record's JSON form (the form `anonymize`
writes as JSON lines): field name to value, enums as their symbol, timestamps as epoch
milliseconds, null as None. A progress callback is told how far the read has come.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import fastavro
import orjson
from confluent_kafka import Consumer, KafkaException
from fastavro.schema import to_parsing_canonical_form

from pipeline.codec.schemas import ANONYMIZED, canonical_form, load_schema
from pipeline.codec.wire import MessageDecoder
from pipeline.config.kafka import KafkaSettings
from pipeline.config.registry import RegistrySettings
from pipeline.errors import ConfigError, UsageError
from pipeline.kafka.errors import KafkaReadError, KafkaUnreachableError, no_cluster
from pipeline.kafka.time_range import offset_ranges, range_consumer, read_ranges
from pipeline.registry.lookup import schema_lookup

AVRO_MAGIC = b"Obj\x01"
JSON, AVRO = "json", "avro"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)
_EVERY = 2000  # file records between two progress reports


@dataclass(frozen=True, slots=True)
class ReadProgress:
    """How far a read has come: records so far, and the totals where they are known. A topic
    range knows its offsets (transaction markers take offsets too: an upper bound until the last
    report, which gives the exact count); a file knows its size in bytes, and its record count
    at the end."""

    records: int
    total: int | None = None
    bytes_read: int | None = None
    total_bytes: int | None = None


OnProgress = Callable[[ReadProgress], None]


class OutputSource(Protocol):
    """Where anonymized records come from; `description` names it for reports."""

    description: str

    def records(self, on_progress: OnProgress | None = None) -> Iterator[dict[str, Any]]: ...


def field_names() -> tuple[str, ...]:
    """The anonymized record's fields, in schema order."""
    return tuple(f["name"] for f in load_schema(ANONYMIZED)["fields"])


def _timestamp_fields() -> tuple[str, ...]:
    names = []
    for field in load_schema(ANONYMIZED)["fields"]:
        types = field["type"] if isinstance(field["type"], list) else [field["type"]]
        if any(isinstance(t, dict) and t.get("logicalType") == "timestamp-millis" for t in types):
            names.append(field["name"])
    return tuple(names)


def json_form(record: dict[str, Any], timestamps: tuple[str, ...]) -> dict[str, Any]:
    """A record fastavro decoded, with its timestamps back to epoch milliseconds."""
    for name in timestamps:
        value = record.get(name)
        if isinstance(value, datetime):
            record[name] = (value - _EPOCH) // _MS
    return record


def detect_format(head: bytes) -> str:
    """`avro` for an Avro object container file (its magic bytes), else `json` (JSON lines)."""
    return AVRO if head.startswith(AVRO_MAGIC) else JSON


@dataclass(slots=True)
class FileSource:
    """The records of a file `anonymize` wrote (`-` is stdin); the format is detected."""

    path: str

    @property
    def description(self) -> str:
        return "stdin" if self.path == "-" else self.path

    def records(self, on_progress: OnProgress | None = None) -> Iterator[dict[str, Any]]:
        stream = sys.stdin.buffer if self.path == "-" else self._open()
        try:
            total_bytes = None if self.path == "-" else Path(self.path).stat().st_size
            head = stream.peek(4)[:4] if hasattr(stream, "peek") else b""
            read = _read_avro if detect_format(head) == AVRO else _read_jsonl
            yield from read(stream, self.description, total_bytes, on_progress)
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()

    def _open(self) -> BinaryIO:
        try:
            return open(self.path, "rb")
        except OSError as exc:
            raise ConfigError(f"cannot read {self.path}: {exc.strerror}") from None


def _read_jsonl(
    stream: BinaryIO, name: str, total_bytes: int | None, on_progress: OnProgress | None
) -> Iterator[dict[str, Any]]:
    required = frozenset(field_names())
    count = done = 0
    for number, line in enumerate(stream, 1):
        done += len(line)
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            raise UsageError(f"{name} line {number}: not JSON") from None
        if not isinstance(record, dict) or not required <= record.keys():
            missing = sorted(required - record.keys()) if isinstance(record, dict) else []
            raise UsageError(
                f"{name} line {number}: not an anonymized record"
                + (f" (missing {', '.join(missing[:5])})" if missing else "")
            )
        yield record
        count += 1
        if on_progress and count % _EVERY == 0:
            on_progress(ReadProgress(count, None, done, total_bytes))
    if on_progress:
        on_progress(ReadProgress(count, count, done, total_bytes))


def _read_avro(
    stream: BinaryIO, name: str, total_bytes: int | None, on_progress: OnProgress | None
) -> Iterator[dict[str, Any]]:
    timestamps = _timestamp_fields()
    try:
        reader = fastavro.reader(stream)
    except ValueError as exc:
        raise UsageError(f"{name}: not an Avro container file ({exc})") from None
    if to_parsing_canonical_form(reader.writer_schema) != canonical_form(load_schema(ANONYMIZED)):
        raise UsageError(
            f"{name}: holds {reader.writer_schema.get('name')} records, not the anonymized schema's"
        )
    count = 0
    for record in reader:
        yield json_form(record, timestamps)
        count += 1
        if on_progress and count % _EVERY == 0:
            on_progress(ReadProgress(count, None, _tell(stream), total_bytes))
    if on_progress:
        on_progress(ReadProgress(count, count, _tell(stream), total_bytes))


def _tell(stream: BinaryIO) -> int | None:
    try:
        return stream.tell()
    except OSError:
        return None


@dataclass(slots=True)
class TopicSource:
    """The anonymized records of a topic with start_ms <= Kafka timestamp < end_ms, read
    committed, in either wire format (told by each message's first byte): a single-object
    message must carry the fingerprint of a committed revision of the anonymized schema; a
    Confluent one the registry id of an AnonymizedWebEvent schema (fetched from the registry of
    `registry`, default the ANONYMIZER_SCHEMA_REGISTRY_* settings, on the first such message)."""

    settings: KafkaSettings
    topic: str | None = None
    start_ms: int | None = None
    end_ms: int | None = None
    purpose: str = "read"
    timeout: float = 15.0  # seconds to wait for the cluster's metadata and offsets
    registry: RegistrySettings | None = None

    @property
    def description(self) -> str:
        topic = self.topic or self.settings.anonymized_topic
        span = [f"from {_iso(self.start_ms)}" if self.start_ms is not None else "",
                f"to {_iso(self.end_ms)}" if self.end_ms is not None else ""]  # fmt: skip
        return " ".join(["topic", topic, *filter(None, span)])

    def records(self, on_progress: OnProgress | None = None) -> Iterator[dict[str, Any]]:
        topic = self.topic or self.settings.anonymized_topic
        consumer = range_consumer(self.settings, self.purpose)
        try:
            yield from self._read(consumer, topic, on_progress)
        except (KafkaException, TimeoutError, KafkaReadError) as exc:
            what = f"cannot read {topic} from {self.settings.bootstrap_servers}: {_said(exc)}"
            raise (KafkaUnreachableError if no_cluster(exc) else UsageError)(what) from None
        finally:
            consumer.close()

    def _read(
        self, consumer: Consumer, topic: str, on_progress: OnProgress | None
    ) -> Iterator[dict[str, Any]]:
        decoder = MessageDecoder(ANONYMIZED, schema_lookup(self.registry))
        timestamps = _timestamp_fields()
        ranges = offset_ranges(consumer, topic, self.start_ms, self.end_ms, self.timeout)
        total, count = sum(r.size for r in ranges), 0
        if on_progress:
            on_progress(ReadProgress(0, total))
        for batch in read_ranges(consumer, topic, ranges):
            for message in batch:
                try:
                    record = decoder.decode(message.value() or b"")
                except (ValueError, EOFError) as exc:
                    raise UsageError(
                        f"{topic} partition {message.partition()} offset {message.offset()}: "
                        f"not an anonymized record ({exc})"
                    ) from None
                yield json_form(record, timestamps)
            count += len(batch)
            if on_progress:
                on_progress(ReadProgress(count, total))
        if on_progress:
            on_progress(ReadProgress(count, count))


def _said(exc: Exception) -> str:
    """What a Kafka error says, without the class around it."""
    if isinstance(exc, KafkaException) and exc.args and hasattr(exc.args[0], "str"):
        return str(exc.args[0].str())
    return str(exc)


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
