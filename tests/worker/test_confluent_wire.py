"""The Confluent wire format on the real broker and the real Apicurio registry: what the worker
registers, that confluent-kafka's AvroDeserializer reads every record and dead letter, that the
tools read it, and that the registry is needed at start-up only."""

from __future__ import annotations

import subprocess
import sys
import time

import orjson
import pytest
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext

from pipeline.cli.main import main
from pipeline.codec.schemas import ANONYMIZED
from pipeline.codec.wire import MessageDecoder, confluent_header, subject
from pipeline.config.kafka import KafkaSettings
from pipeline.config.registry import RegistrySettings
from pipeline.registry.client import RegistryClient
from pipeline.registry.embedded import EmbeddedRegistry
from pipeline.registry.lookup import schema_lookup
from pipeline.tools.output_reader import TopicSource
from tests.worker.processes import worker_env
from tests.worker.worker_helpers import (
    REPO,
    Outputs,
    Raw,
    assert_each_once,
    headers_of,
    produce_raw,
    read_committed,
    traffic,
    wait_drained,
)

pytestmark = [pytest.mark.kafka, pytest.mark.registry]


def _confluent(url: str) -> dict[str, str]:
    return {"ANONYMIZER_WIRE_FORMAT": "confluent", "ANONYMIZER_SCHEMA_REGISTRY_URL": url}


def _deserialize(url: str, messages: list, topic: str) -> list[dict]:
    deserializer = AvroDeserializer(SchemaRegistryClient({"url": url}))
    context = SerializationContext(topic, MessageField.VALUE)
    return [deserializer(m.value(), context) for m in messages]


def test_avro_deserializer_reads_every_record_and_dead_letter(
    workers, kafka_topics: KafkaSettings, schema_registry: EmbeddedRegistry, monkeypatch, capsys
) -> None:
    url = schema_registry.url
    raw = produce_raw(kafka_topics, [*traffic(3_000, garbage=0.1, seed=17), None], Raw())
    w = workers.start("a", **_confluent(url))
    wait_drained(kafka_topics, len(raw), 90)
    client = RegistryClient(url)
    ids = {}
    for topic in (kafka_topics.anonymized_topic, kafka_topics.dead_letter_topic):
        latest = client.latest(subject(topic))
        assert latest.version == 1 and client.compatibility(subject(topic)) == "FULL"
        ids[topic] = latest.schema_id
    records = read_committed(kafka_topics, kafka_topics.anonymized_topic)
    dead = read_committed(kafka_topics, kafka_topics.dead_letter_topic)
    assert all(m.value()[:5] == confluent_header(ids[m.topic()]) for m in records + dead)
    by_deserializer = Outputs(
        _deserialize(url, records, kafka_topics.anonymized_topic),
        _deserialize(url, dead, kafka_topics.dead_letter_topic),
    )
    assert_each_once(raw, by_deserializer, kafka_topics.raw_topic)
    assert "not_json" in {d["reason"] for d in by_deserializer.dead_letters}  # the null value
    ours = MessageDecoder(ANONYMIZED, schema_lookup(RegistrySettings(schema_registry_url=url)))
    assert by_deserializer.records == [ours.decode(m.value()) for m in records]
    assert {headers_of(m)["key-id"] for m in records} == {
        r["key_id"] for r in by_deserializer.records
    }

    for name in ("bootstrap_servers", "anonymized_topic", "dead_letter_topic",
                 "day_secrets_topic", "group_id"):  # fmt: skip
        monkeypatch.setenv(f"ANONYMIZER_{name.upper()}", str(getattr(kafka_topics, name)))
    monkeypatch.setenv("ANONYMIZER_SCHEMA_REGISTRY_URL", url)
    assert main(["inspect", "--limit", "3"]) == 0
    shown = [orjson.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(shown) == 3 and all(s["policy_version"] == "web-events/1" for s in shown)
    assert main(["dead-letters", "list", "--json", "--limit", "100000"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == len(dead)
    read = list(
        TopicSource(kafka_topics, registry=RegistrySettings(schema_registry_url=url)).records()
    )
    assert len(read) == len(records)
    assert w.terminate() == 0


def test_the_registry_is_needed_at_start_up_only(
    workers, kafka_topics: KafkaSettings, tmp_path
) -> None:
    """Single-object first, then Confluent (readers read the mixed topic); the registry stops
    under the running worker, which goes on; a restart without it is a start-up error."""
    raw = produce_raw(kafka_topics, traffic(500, seed=21), Raw())
    first = workers.start("a")
    wait_drained(kafka_topics, len(raw), 60)
    assert first.terminate() == 0
    registry = EmbeddedRegistry().start()
    try:
        w = workers.start("a", **_confluent(registry.url))
        produce_raw(kafka_topics, traffic(500, seed=22), raw)
        wait_drained(kafka_topics, len(raw), 60)
        settings = RegistrySettings(schema_registry_url=registry.url)
        mixed = list(TopicSource(kafka_topics, registry=settings).records())
        messages = read_committed(kafka_topics, kafka_topics.anonymized_topic)
        assert {m.value()[:1] for m in messages} == {b"\xc3", b"\x00"}
        assert len(mixed) == len(messages) > 800
    finally:
        registry.stop()
    assert not registry.running
    produce_raw(kafka_topics, traffic(1_000, seed=23), raw)
    wait_drained(kafka_topics, len(raw), 60)  # the worker goes on with its cached ids
    assert w.alive()
    assert w.terminate() == 0

    env = worker_env(kafka_topics, **_confluent(registry.url))
    env["ANONYMIZER_SCHEMA_REGISTRY_STARTUP_TIMEOUT_S"] = "3"
    started = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", "worker", "--instance-id", "a"],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    took = time.monotonic() - started
    # exit 4 as for an unreachable Kafka cluster: the configuration may be right
    assert out.returncode == 4, out.stderr[-2000:]
    assert "schema registry unreachable: " in out.stderr
    assert "did not answer at start-up" in out.stderr
    assert "does not start without its schema ids" in out.stderr
    assert "retrying" in out.stderr  # a bounded retry, not a first-failure exit
    assert 3 <= took < 60
    print(f"start-up with the registry down: exit 4 after {took:.1f} s")

    # A reader meeting a Confluent-framed record with the registry away: exit 4 too.
    out = subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", "inspect", "--limit", "100000"],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 4, out.stderr[-2000:]
    assert "anonymizer inspect: schema registry unreachable: no answer from " in out.stderr
    assert "Traceback" not in out.stderr


def test_the_faust_engine_writes_the_same_framing(
    workers, kafka_topics: KafkaSettings, schema_registry: EmbeddedRegistry
) -> None:
    url = schema_registry.url
    raw = produce_raw(kafka_topics, traffic(1_000, garbage=0.1, seed=24), Raw())
    w = workers.start("f", "--runtime", "faust", "--batch-size", "500", **_confluent(url))
    wait_drained(kafka_topics, len(raw), 120)
    assert w.terminate(60) == 0
    client = RegistryClient(url)
    records = read_committed(kafka_topics, kafka_topics.anonymized_topic)
    dead = read_committed(kafka_topics, kafka_topics.dead_letter_topic)
    for messages, topic in ((records, kafka_topics.anonymized_topic),
                            (dead, kafka_topics.dead_letter_topic)):  # fmt: skip
        header = confluent_header(client.latest(subject(topic)).schema_id)
        assert messages and all(m.value()[:5] == header for m in messages)
    out = Outputs(
        _deserialize(url, records, kafka_topics.anonymized_topic),
        _deserialize(url, dead, kafka_topics.dead_letter_topic),
    )
    assert_each_once(raw, out, kafka_topics.raw_topic)
