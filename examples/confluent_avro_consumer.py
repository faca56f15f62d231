"""A downstream consumer of the Confluent wire format: confluent-kafka's AvroDeserializer with the
schema registry, no project code.

The worker (ANONYMIZER_WIRE_FORMAT=confluent) writes each record as `00`, the writer schema's
4-byte registry id, and the Avro body. AvroDeserializer checks the magic byte, fetches the writer
schema by its id, and resolves it into the reader schema this consumer was written against (the
schema file), so records of any compatible revision decode; a message it cannot read is an
error naming where it is, never skipped.

    pip install 'confluent-kafka[schemaregistry]'
    python examples/confluent_avro_consumer.py --bootstrap-servers 127.0.0.1:9092 \\
        --registry-url http://127.0.0.1:8081/apis/ccompat/v7 --until-end
    python examples/confluent_avro_consumer.py --topic web.events.dead-letter \\
        --schema avro/dead_letter.v1.avsc --registry-url ... --until-end
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from pathlib import Path

from confluent_kafka import Consumer, KafkaError
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext, SerializationError

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap-servers", default="127.0.0.1:9092")
    parser.add_argument("--registry-url", default="http://127.0.0.1:8081/apis/ccompat/v7")
    parser.add_argument("--topic", default="web.events.anonymized")
    parser.add_argument("--schema", type=Path, default=HERE.parent / "avro" / "anonymized_web_event.v1.avsc",
                        help="the reader schema (records of other revisions are resolved into it)")  # fmt: skip
    parser.add_argument("--group", default=f"example-avro-{uuid.uuid4().hex[:8]}")
    parser.add_argument("--max", type=int, default=0, help="stop after N records (0: no limit)")
    parser.add_argument("--until-end", action="store_true", help="stop at the end of the topic")
    args = parser.parse_args()

    registry = SchemaRegistryClient({"url": args.registry_url})
    deserialize = AvroDeserializer(registry, schema_str=args.schema.read_text())
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap_servers,
        "group.id": args.group,
        "isolation.level": "read_committed",  # the worker writes in transactions
        "auto.offset.reset": "earliest",
        "enable.partition.eof": args.until_end,
    })  # fmt: skip
    consumer.subscribe([args.topic])
    context = SerializationContext(args.topic, MessageField.VALUE)
    seen, at_end, partitions = 0, set(), None
    try:
        while args.max == 0 or seen < args.max:
            msg = consumer.poll(10.0)
            if msg is None:
                if args.until_end and partitions is not None:
                    break  # nothing more within the poll
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
                record = deserialize(msg.value(), context)
            except (SerializationError, SchemaRegistryError) as exc:  # bad framing, unknown id
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
