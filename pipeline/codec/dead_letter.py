"""Dead letters: a Reject plus where it came from, as the DeadLetter v1 Avro record."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from pipeline.codec.encoder import compile_encoder
from pipeline.codec.schemas import DEAD_LETTER, canonical_form, load_schema
from pipeline.codec.single_object import header

if TYPE_CHECKING:  # the codec sits below the core: the reject is only read, by its fields
    from pipeline.core.engine import Reject


def dead_letter(
    reject: Reject,
    *,
    policy_version: str,
    rejected_at_ms: int,
    offset: int,
    topic: str | None = None,
    partition: int | None = None,
    event_time_ms: int | None = None,
) -> dict[str, Any]:
    """The DeadLetter record of one reject (field order as in the schema)."""
    return {
        "reason": reject.reason.value,
        "field": reject.field,
        "step": reject.step,
        "source_topic": topic,
        "source_partition": partition,
        "source_offset": offset,
        "event_time": event_time_ms,
        "rejected_at": rejected_at_ms,
        "key_id": reject.key_id,
        "policy_version": policy_version,
        "payload_size": reject.payload_size,
        "sealed_payload": reject.sealed,
    }


def as_json(record: dict[str, Any]) -> dict[str, Any]:
    """JSON form: the sealed payload as base64."""
    return {**record, "sealed_payload": base64.b64encode(record["sealed_payload"]).decode()}


class DeadLetterCodec:
    """Avro encoding of dead letters, framed with `value_header` (default single-object)."""

    def __init__(self, value_header: bytes | None = None) -> None:
        self.schema = load_schema(DEAD_LETTER)
        self._names = [f["name"] for f in self.schema["fields"]]
        self._encode = compile_encoder(self.schema)
        self._header = header(canonical_form(self.schema)) if value_header is None else value_header

    def encode(self, record: dict[str, Any]) -> bytes:
        return self._header + self._encode(tuple(record[n] for n in self._names))
