"""A downstream consumer of the single-object wire format: plain fastavro and the schema files,
no registry and no project code.

The worker's default framing (ANONYMIZER_WIRE_FORMAT=single-object) is Avro's own: `C3 01`, the
8-byte little-endian CRC-64-AVRO fingerprint of the writer schema's Parsing Canonical Form, the
body. This reader knows the fingerprint of every committed revision (avro/history/), checks each
message's marker and fingerprint, decodes the body with that revision as the writer schema and
the current schema file as the reader schema, and checks that nothing is left over: a message
that is not one of these records is an error naming where it is, never sliced and guessed at.

    pip install confluent-kafka fastavro
    python examples/fastavro_single_object.py --bootstrap-servers 127.0.0.1:9092 --until-end
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import uuid
from pathlib import Path

import fastavro
from confluent_kafka import Consumer, KafkaError
from fastavro.schema import fingerprint, to_parsing_canonical_form

AVRO = Path(__file__).resolve().parent.parent / "avro"


def writers(schema_file: Path) -> dict[bytes, dict]:
    """Fingerprint (as it appears in messages) -> parsed writer schema, for every revision."""
    history = AVRO / "history" / schema_file.name.removesuffix(".avsc")
    out = {}
    for path in sorted(history.glob("r*.avsc")) or [schema_file]:
        schema = json.loads(path.read_text())
        hex_le = fingerprint(to_parsing_canonical_form(schema), "CRC-64-AVRO")
        out[bytes.fromhex(hex_le)] = fastavro.parse_schema(schema)
    return out


def decode(value: bytes, known: dict[bytes, dict], reader: dict) -> dict:
    """One record; ValueError when the message is not single-object or not of these schemas."""
    if len(value) < 10 or value[:2] != b"\xc3\x01":
        raise ValueError(f"not single-object encoded (starts with {value[:2].hex()})")
    writer = known.get(value[2:10])
    if writer is None:
        raise ValueError(f"unknown writer schema fingerprint {value[2:10].hex()}")
    body = io.BytesIO(value[10:])
    record = fastavro.schemaless_reader(body, writer, reader)
    if body.tell() != len(value) - 10:
        raise ValueError("bytes left after the record")
    return record


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap-servers", default="127.0.0.1:9092")
    parser.add_argument("--topic", default="web.events.anonymized")
    parser.add_argument("--schema", type=Path, default=AVRO / "anonymized_web_event.v1.avsc")
    parser.add_argument("--group", default=f"example-fastavro-{uuid.uuid4().hex[:8]}")
    parser.add_argument("--max", type=int, default=0, help="stop after N records (0: no limit)")
    parser.add_argument("--until-end", action="store_true", help="stop at the end of the topic")
    args = parser.parse_args()

    known = writers(args.schema)
    reader = fastavro.parse_schema(json.loads(args.schema.read_text()))
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap_servers,
        "group.id": args.group,
        "isolation.level": "read_committed",  # the worker writes in transactions
        "auto.offset.reset": "earliest",
        "enable.partition.eof": args.until_end,
    })  # fmt: skip
    consumer.subscribe([args.topic])
    seen, at_end, partitions = 0, set(), None
    try:
        while args.max == 0 or seen < args.max:
            msg = consumer.poll(10.0)
            if msg is None:
                if args.until_end and partitions is not None:
                    break
                continue
            if partitions is None:
                partitions = len(consumer.assignment())
            if msg.error():
                if msg.error().code() != KafkaError._PARTITION_EOF:
                    raise SystemExit(f"kafka: {msg.error()}")
                at_end.add(msg.partition())
                if args.until_end and len(at_end) >= partitions:
                    break
                continue
            at_end.discard(msg.partition())
            try:
                record = decode(msg.value() or b"", known, reader)
            except (ValueError, EOFError) as exc:
                where = f"{msg.topic()}/{msg.partition()}/{msg.offset()}"
                print(
                    f"error: {where} is not a record of {args.schema.name}: {exc}", file=sys.stderr
                )
                return 1
            print(json.dumps(record, default=str, ensure_ascii=False))
            seen += 1
    finally:
        consumer.close()
    print(f"{seen} records", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
