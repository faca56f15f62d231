"""kcat-style: print a topic's Avro records (Confluent wire format) as JSON lines, one command.

    python examples/avro_cat.py -b 127.0.0.1:9092 -t web.events.anonymized \\
        -r http://127.0.0.1:8081/apis/ccompat/v7 -o beginning -c 5 -e

The flags are kcat's (`-b`, `-t`, `-r`, `-o`, `-c`, `-e`); what it prints is kcat's `-J` envelope
(topic, partition, offset, timestamp, key, headers) with the value decoded. It is the same as
`kcat -C -b ... -t ... -s value=avro -r URL -o beginning -c 5 -e -J` on a kcat built with
libserdes (Avro support); the Debian/Ubuntu kcat package is built without it ("This build of
kcat lacks Avro/Schema-Registry support"), which is why this exists. Every value goes through
confluent-kafka's AvroDeserializer: a wrong magic byte or an unknown schema id is an error
naming the offset, exit 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid

from confluent_kafka import OFFSET_BEGINNING, OFFSET_END, Consumer, KafkaError, TopicPartition
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext, SerializationError


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-b", dest="brokers", default="127.0.0.1:9092")
    parser.add_argument("-t", dest="topic", required=True)
    parser.add_argument("-r", dest="registry", required=True, help="schema registry URL")
    parser.add_argument("-o", dest="offset", default="beginning", help="beginning, end or N")
    parser.add_argument("-c", dest="count", type=int, default=0, help="stop after N messages")
    parser.add_argument("-e", dest="exit_at_end", action="store_true", help="exit at the end")
    args = parser.parse_args()

    start = {"beginning": OFFSET_BEGINNING, "end": OFFSET_END}.get(args.offset)
    start = int(args.offset) if start is None else start
    deserialize = AvroDeserializer(SchemaRegistryClient({"url": args.registry}))
    consumer = Consumer({
        "bootstrap.servers": args.brokers, "group.id": f"avro-cat-{uuid.uuid4().hex[:8]}",
        "isolation.level": "read_committed", "enable.partition.eof": True,
        "enable.auto.commit": False,
    })  # fmt: skip
    partitions = consumer.list_topics(args.topic, timeout=10).topics[args.topic].partitions
    consumer.assign([TopicPartition(args.topic, p, start) for p in partitions])
    context = SerializationContext(args.topic, MessageField.VALUE)
    printed, at_end = 0, set()
    try:
        while not args.count or printed < args.count:
            msg = consumer.poll(5.0)
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() != KafkaError._PARTITION_EOF:
                    raise SystemExit(f"kafka: {msg.error()}")
                at_end.add(msg.partition())
                if args.exit_at_end and len(at_end) == len(partitions):
                    break
                continue
            at_end.discard(msg.partition())
            try:
                value = deserialize(msg.value(), context)
            except (SerializationError, SchemaRegistryError) as exc:  # bad framing, unknown id
                print(f"% error at {msg.partition()}/{msg.offset()}: {exc}", file=sys.stderr)
                return 1
            key = msg.key()
            print(json.dumps({
                "topic": msg.topic(), "partition": msg.partition(), "offset": msg.offset(),
                "tstype": "create" if msg.timestamp()[0] == 1 else "logappend",
                "ts": msg.timestamp()[1], "key": key.decode(errors="replace") if key else None,
                "headers": [v for k, val in msg.headers() or [] for v in (k, val.decode())],
                "payload": value,
            }, default=str, ensure_ascii=False))  # fmt: skip
            printed += 1
    finally:
        consumer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
