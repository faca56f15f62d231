"""The two wire formats of the output topics, and reading either by its first byte.

- single-object (Avro's own): `C3 01`, the 8-byte CRC-64-AVRO fingerprint (little-endian) of
  the writer schema's canonical form, the body. Needs only the schema files to read.
- Confluent: `00`, the writer schema's 4-byte big-endian id in a schema registry, the body.

Writing is a constant prefix before the compiled encoder's output, whichever format; reading
checks the framing and the writer schema (a fingerprint of a committed revision, or a registry
id whose schema is the same named record), resolves it into the current revision with fastavro
and refuses trailing bytes.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import fastavro

from pipeline.codec.history import by_fingerprint, family_name
from pipeline.codec.schemas import ANONYMIZED, DEAD_LETTER, canonical_form, load_schema
from pipeline.codec.single_object import MAGIC, header

SINGLE_OBJECT, CONFLUENT = "single-object", "confluent"
CONFLUENT_MAGIC = b"\x00"


def confluent_header(schema_id: int) -> bytes:
    """The 5-byte prefix of a Confluent-framed record written with schema `schema_id`."""
    if not 0 <= schema_id < 1 << 31:
        raise ValueError(f"schema id {schema_id} out of range")
    return CONFLUENT_MAGIC + schema_id.to_bytes(4, "big")


def subject(topic: str) -> str:
    """The TopicNameStrategy subject of a topic's record values."""
    return f"{topic}-value"


@dataclass(frozen=True)
class WireFormat:
    """The prefix of every anonymized record and dead letter the worker writes."""

    name: str
    anonymized_header: bytes
    dead_letter_header: bytes
    schema_ids: dict[str, int] = field(default_factory=dict)  # subject -> id (Confluent)

    @classmethod
    def single_object(cls) -> WireFormat:
        return cls(
            SINGLE_OBJECT,
            header(canonical_form(load_schema(ANONYMIZED))),
            header(canonical_form(load_schema(DEAD_LETTER))),
        )

    @classmethod
    def confluent(
        cls, ids: dict[str, int], anonymized_subject: str, dead_subject: str
    ) -> WireFormat:
        return cls(
            CONFLUENT,
            confluent_header(ids[anonymized_subject]),
            confluent_header(ids[dead_subject]),
            dict(ids),
        )


SchemaById = Callable[[int], str]


class MessageDecoder:
    """Decodes records of one schema family in either wire format into its current revision.

    `schema_by_id` gives the writer schema text of a registry id (needed only for Confluent
    framing; see `pipeline.registry.lookup`). Raises ValueError saying what is wrong."""

    def __init__(self, schema_file: str, schema_by_id: SchemaById | None = None) -> None:
        self.schema_file = schema_file
        self.reader = load_schema(schema_file)
        self._parsed_reader = fastavro.parse_schema(self.reader)
        self._canonical = canonical_form(self.reader)
        self._full_name = _full_name(self.reader)
        self._fingerprints = {
            fp: self._writer(rev.schema) for fp, rev in by_fingerprint(schema_file).items()
        }
        self._schema_by_id = schema_by_id
        self._ids: dict[int, tuple[Any, Any]] = {}

    def _writer(self, schema: dict[str, Any]) -> tuple[Any, Any]:
        """(parsed writer, reader for resolution or None when parse-identical)."""
        same = canonical_form(schema) == self._canonical
        return fastavro.parse_schema(schema), None if same else self._parsed_reader

    def decode(self, message: bytes) -> dict[str, Any]:
        if message[:2] == MAGIC and len(message) >= 10:
            found = self._fingerprints.get(message[2:10])
            if found is None:
                raise ValueError(
                    f"single-object record written with schema fingerprint {message[2:10].hex()}, "
                    f"which is no committed revision of {family_name(self.schema_file)}"
                )
            writer, reader = found
            body = message[10:]
        elif message[:1] == CONFLUENT_MAGIC and len(message) >= 5:
            writer, reader = self._by_id(int.from_bytes(message[1:5], "big"))
            body = message[5:]
        else:
            raise ValueError(
                f"neither single-object (C3 01) nor Confluent (00) framing: starts with "
                f"{message[:2].hex() or 'nothing'}"
            )
        stream = io.BytesIO(body)
        record = fastavro.schemaless_reader(stream, writer, reader)
        if stream.tell() != len(body):
            raise ValueError(f"{len(body) - stream.tell()} bytes after the record")
        return record  # type: ignore[return-value]

    def _by_id(self, schema_id: int) -> tuple[Any, Any]:
        found = self._ids.get(schema_id)
        if found is not None:
            return found
        if self._schema_by_id is None:
            raise ValueError(
                f"Confluent-framed record (schema id {schema_id}): a schema registry is needed "
                "to read it (ANONYMIZER_SCHEMA_REGISTRY_URL)"
            )
        schema = json.loads(self._schema_by_id(schema_id))
        name = _full_name(schema)
        if name != self._full_name:
            raise ValueError(f"schema id {schema_id} is {name}, not {self._full_name}")
        found = self._ids[schema_id] = self._writer(schema)
        return found


def _full_name(schema: dict[str, Any]) -> str:
    name = str(schema.get("name"))
    namespace = schema.get("namespace")
    return name if "." in name or not namespace else f"{namespace}.{name}"
