"""What the worker writes: anonymized records and dead letters, their keys and headers.

Headers carry only provenance, never input values: `schema-fingerprint` (hex of the CRC-64-AVRO
fingerprint of the writer schema: the 8 bytes after `C3 01` in single-object framing; the same
header in Confluent framing, whose value starts with the registry id instead), `key-id` (the message's own
`key_id`: the day key it was made or sealed under, as in its body; not the master key, which the
worker's metrics name), `policy-version`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from confluent_kafka import Message

from pipeline.codec.dead_letter import DeadLetterCodec, dead_letter
from pipeline.codec.schemas import ANONYMIZED, DEAD_LETTER, canonical_form, load_schema
from pipeline.codec.single_object import header
from pipeline.core.day_keys import DayKeys
from pipeline.core.engine import BatchResult, Engine, Reject
from pipeline.core.reasons import Reason
from pipeline.core.steps import Produce

FINGERPRINT = "schema-fingerprint"
KEY_ID = "key-id"
POLICY_VERSION = "policy-version"
# The step named in dead letters of records the output topic refused at produce time (declared
# with the engine's steps, in pipeline.core.steps).
PRODUCE_STEP = Produce.name

Headers = list[tuple[str, bytes]]


def fingerprint_hex(schema_file: str) -> str:
    """Hex of the fingerprint bytes as they appear in every single-object message."""
    return header(canonical_form(load_schema(schema_file)))[2:10].hex()


def provenance_headers(schema_file: str, engine: Engine, key_id: str) -> Headers:
    return [
        (FINGERPRINT, fingerprint_hex(schema_file).encode()),
        (KEY_ID, key_id.encode()),
        (POLICY_VERSION, engine.policy.label.encode()),
    ]


class HeaderCache:
    """The provenance headers of one schema per day key id (a few live at a time)."""

    def __init__(self, schema_file: str, engine: Engine) -> None:
        self.schema_file, self.engine = schema_file, engine
        self._by_key: dict[str, Headers] = {}

    def __call__(self, key_id: str) -> Headers:
        headers = self._by_key.get(key_id)
        if headers is None:
            if len(self._by_key) > 64:  # days come and go: never grow without bound
                self._by_key.clear()
            headers = self._by_key[key_id] = provenance_headers(
                self.schema_file, self.engine, key_id
            )
        return headers


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to produce; `source` is the index of the input record in its batch."""

    topic: str
    key: bytes | None
    value: bytes
    headers: Headers
    source: int


class Outbox:
    """Turns a batch and its `BatchResult` into messages for the output and dead-letter topics."""

    def __init__(
        self,
        engine: Engine,
        anonymized_topic: str,
        dead_letter_topic: str,
        dead_letter_header: bytes | None = None,
    ) -> None:
        """`dead_letter_header`: the wire format's prefix of dead letters (default
        single-object); the engine frames the anonymized records itself."""
        self.anonymized_topic = anonymized_topic
        self.dead_letter_topic = dead_letter_topic
        self.policy_version = engine.policy.label
        self.record_headers = HeaderCache(ANONYMIZED, engine)
        self.dead_letter_headers = HeaderCache(DEAD_LETTER, engine)
        self._codec = DeadLetterCodec(dead_letter_header)
        self._reject = engine.reject
        self._event_time = engine.field_names.index("event_time")
        self._key_id = engine.field_names.index("key_id")

    def sealer(
        self, payloads: Sequence[bytes], days: DayKeys, arrival_ms: Sequence[int | None]
    ) -> Callable[[int, Reason, str], Reject]:
        """Seals a reject of the record at a batch index as the engine seals its own (under the
        key of the day it arrived), for records refused after the engine."""
        reject = self._reject
        return lambda i, reason, step: reject(
            i, payloads[i], reason, None, step, days, arrival_ms[i]
        )

    def messages(
        self, batch: Sequence[Message], result: BatchResult, now_ms: int
    ) -> list[Outgoing]:
        """Anonymized records (key: visitor key or site id) then dead letters (key: none)."""
        topic, headers, k = self.anonymized_topic, self.record_headers, self._key_id
        out = [
            Outgoing(topic, r.key, r.value, headers(r.values[k]), r.index) for r in result.records
        ]
        topic, headers, encode = (
            self.dead_letter_topic,
            self.dead_letter_headers,
            self._codec.encode,
        )
        for reject in result.rejects:
            msg = batch[reject.index]
            record = dead_letter(
                reject,
                policy_version=self.policy_version,
                rejected_at_ms=now_ms,
                offset=msg.offset(),
                topic=msg.topic(),
                partition=msg.partition(),
                event_time_ms=_timestamp(msg),
            )
            out.append(Outgoing(topic, None, encode(record), headers(reject.key_id), reject.index))
        return out

    def event_times_ms(self, result: BatchResult) -> list[int]:
        i = self._event_time
        return [r.values[i] for r in result.records]


def _timestamp(msg: Message) -> int | None:
    kind, ms = msg.timestamp()
    return ms if kind != 0 and ms >= 0 else None  # 0: TIMESTAMP_NOT_AVAILABLE


def record_times_ms(batch: Sequence[Message]) -> list[int]:
    return [t for t in (_timestamp(m) for m in batch) if t is not None]


def arrivals_ms(batch: Sequence[Message]) -> list[int | None]:
    """Each record's Kafka timestamp (None when it has none): the day that seals its reject."""
    return [_timestamp(m) for m in batch]


def payloads_of(batch: Sequence[Message]) -> list[bytes]:
    """The raw values; a null value is an empty payload (the engine rejects it as not_json)."""
    return [m.value() or b"" for m in batch]


def as_kwargs(m: Outgoing) -> dict[str, Any]:
    return {"topic": m.topic, "key": m.key, "value": m.value, "headers": m.headers}
