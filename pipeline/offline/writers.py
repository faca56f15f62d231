"""Writers for anonymized records (JSONL or an Avro object container file) and rejects (JSONL)."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Sequence
from typing import Any, BinaryIO, Protocol

import orjson

from pipeline.codec.encoder import varint
from pipeline.codec.schemas import canonical_form
from pipeline.core.engine import Engine, Record


class RecordWriter(Protocol):
    def write(self, records: Sequence[Record]) -> None: ...
    def close(self) -> None: ...


class JsonlRecords:
    """One record per line: the Avro record in its JSON form."""

    def __init__(self, stream: BinaryIO, engine: Engine) -> None:
        self.stream, self.engine = stream, engine

    def write(self, records: Sequence[Record]) -> None:
        as_dict = self.engine.as_dict
        self.stream.write(b"".join(orjson.dumps(as_dict(r)) + b"\n" for r in records))

    def close(self) -> None:
        self.stream.flush()


class AvroContainer:
    """An Avro object container file built from the bodies the engine already encoded."""

    HEADER_BYTES = 10  # the single-object prefix on each record value

    def __init__(self, stream: BinaryIO, schema: dict[str, Any], codec: str = "deflate") -> None:
        self.stream, self.codec = stream, codec
        self.sync = hashlib.blake2b(canonical_form(schema).encode(), digest_size=16).digest()
        meta = {b"avro.schema": json.dumps(schema).encode(), b"avro.codec": codec.encode()}
        parts = [b"Obj\x01", varint(len(meta))]
        for key, value in meta.items():
            parts += [varint(len(key)), key, varint(len(value)), value]
        parts += [b"\x00", self.sync]
        stream.write(b"".join(parts))

    def write(self, records: Sequence[Record]) -> None:
        if not records:
            return
        data = b"".join(r.value[self.HEADER_BYTES :] for r in records)
        if self.codec == "deflate":
            data = zlib.compress(data)[2:-4]  # raw deflate, as the Avro spec says
        self.stream.write(b"".join((varint(len(records)), varint(len(data)), data, self.sync)))

    def close(self) -> None:
        self.stream.flush()


class JsonlRejects:
    """One dead letter per line (JSON form, sealed payload in base64)."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream

    def write(self, dead_letters: Sequence[dict[str, Any]]) -> None:
        self.stream.write(b"".join(orjson.dumps(d) + b"\n" for d in dead_letters))

    def close(self) -> None:
        self.stream.flush()
