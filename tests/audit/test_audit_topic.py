"""`anonymizer audit --topic` on the real broker: the same figures as the same records in a file."""

from __future__ import annotations

import time
from pathlib import Path

import orjson
import pytest
from confluent_kafka import Producer

from pipeline.cli.main import main
from pipeline.config.kafka import KafkaSettings
from pipeline.core import Engine
from pipeline.core.engine import Record
from pipeline.dev.traffic import TrafficGenerator
from pipeline.offline.writers import JsonlRecords
from pipeline.secrets.ephemeral import EphemeralDays

pytestmark = pytest.mark.kafka


def _produce(settings: KafkaSettings, records: list[Record], tid: str) -> None:
    """One committed transaction, as the worker writes (record times: the producer's clock)."""
    producer = Producer(settings.producer_config(transactional_id=tid))
    producer.init_transactions(30)
    producer.begin_transaction()
    for r in records:
        producer.produce(settings.anonymized_topic, key=r.key, value=r.value)
    producer.commit_transaction(30)


def _figures(path: Path, *argv: str) -> tuple[int, dict]:
    code = main(["audit", *argv, "--json", str(path), "-q"])
    figures = orjson.loads(path.read_bytes())
    figures.pop("source")
    return code, figures


def test_a_topic_range_audits_like_the_same_records_in_a_file(
    kafka_topics: KafkaSettings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = Engine()
    result = engine.process(TrafficGenerator(seed=9, garbage=0.0).payloads(1500), EphemeralDays())
    first, second = list(result.records[:500]), list(result.records[500:])
    _produce(kafka_topics, first, "audit-test-1")
    time.sleep(0.05)
    start = int(time.time() * 1000)
    time.sleep(0.05)
    _produce(kafka_topics, second, "audit-test-2")

    with open(tmp_path / "second.jsonl", "wb") as fh:
        JsonlRecords(fh, engine).write(second)
    kafka = ["--topic", kafka_topics.anonymized_topic,
             "--bootstrap-servers", kafka_topics.bootstrap_servers]  # fmt: skip
    code, from_topic = _figures(tmp_path / "topic.json", *kafka, "--from", str(start))
    file_code, from_file = _figures(
        tmp_path / "file.json", "--input", str(tmp_path / "second.jsonl")
    )
    assert from_topic["records"] == 1000
    assert from_topic == from_file and code == file_code
    assert "Audit of topic " + kafka_topics.anonymized_topic in " ".join(
        capsys.readouterr().out.split()
    )

    _, everything = _figures(tmp_path / "all.json", *kafka)
    assert everything["records"] == 1500
