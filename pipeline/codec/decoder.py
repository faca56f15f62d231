"""Decoding single-object Avro messages with fastavro (for tools and tests; the hot path only encodes)."""

from __future__ import annotations

import io
from typing import Any

import fastavro

from pipeline.codec.schemas import canonical_form, load_schema
from pipeline.codec.single_object import header, split


class SingleObjectDecoder:
    """Decodes messages written with one of the project's schemas; refuses any other writer."""

    def __init__(self, schema_file: str) -> None:
        self.schema = load_schema(schema_file)
        self._parsed = fastavro.parse_schema(self.schema)
        self.fingerprint = header(canonical_form(self.schema))[2:]

    def decode(self, message: bytes) -> dict[str, Any]:
        fingerprint, body = split(message)
        if fingerprint != self.fingerprint:
            raise ValueError(
                f"written with schema {fingerprint.hex()}, not {self.fingerprint.hex()}"
            )
        return fastavro.schemaless_reader(io.BytesIO(body), self._parsed)
