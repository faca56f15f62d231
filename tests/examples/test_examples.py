"""The consumer examples in examples/, run as a downstream team would run them, against the real
broker and registry and the worker's real output; each refuses what it cannot read."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from confluent_kafka import Producer

from pipeline.codec.wire import confluent_header
from pipeline.config.kafka import KafkaSettings
from pipeline.registry.embedded import EmbeddedRegistry

pytestmark = [pytest.mark.kafka]
REPO = Path(__file__).resolve().parents[2]
from tests.worker.processes import WorkerProcess, worker_env  # noqa: E402
from tests.worker.worker_helpers import Raw, produce_raw, read_committed, traffic, wait_drained  # noqa: E402


def _example(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "examples" / name), *args],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def _run_worker(settings: KafkaSettings, tmp_path: Path, count: int, **env: str) -> None:
    """The worker's output for `count` generated events (10% garbage), then the worker stopped."""
    raw = produce_raw(settings, traffic(count, garbage=0.1, seed=31), Raw())
    worker = WorkerProcess(
        worker_env(settings, **env), tmp_path / "worker.log", "--instance-id", "ex"
    )
    try:
        wait_drained(settings, len(raw), 90)
        assert worker.terminate() == 0
    finally:
        worker.stop()


def _foreign(settings: KafkaSettings, topic: str, value: bytes) -> None:
    producer = Producer(settings.producer_config())
    producer.produce(topic, value=value)
    assert producer.flush(30) == 0


def _lines(out: subprocess.CompletedProcess[str]) -> list[dict]:
    assert out.returncode == 0, out.stderr[-2000:]
    return [json.loads(line) for line in out.stdout.splitlines()]


@pytest.mark.registry
def test_confluent_examples_read_every_record_and_dead_letter(
    kafka_topics: KafkaSettings, schema_registry: EmbeddedRegistry, tmp_path: Path
) -> None:
    url = schema_registry.url
    _run_worker(kafka_topics, tmp_path, 1_500, ANONYMIZER_WIRE_FORMAT="confluent",
                ANONYMIZER_SCHEMA_REGISTRY_URL=url)  # fmt: skip
    records = read_committed(kafka_topics, kafka_topics.anonymized_topic)
    dead = read_committed(kafka_topics, kafka_topics.dead_letter_topic)
    common = ["--bootstrap-servers", kafka_topics.bootstrap_servers, "--registry-url", url,
              "--until-end"]  # fmt: skip
    read = _lines(_example("confluent_avro_consumer.py", *common,
                           "--topic", kafka_topics.anonymized_topic))  # fmt: skip
    assert len(read) == len(records) > 1_000
    assert sorted(r["event_id"] for r in read) == sorted({r["event_id"] for r in read})
    letters = _lines(_example("confluent_avro_consumer.py", *common, "--topic",
                              kafka_topics.dead_letter_topic, "--schema",
                              str(REPO / "avro" / "dead_letter.v1.avsc")))  # fmt: skip
    assert len(letters) == len(dead) > 50
    assert {d["source_topic"] for d in letters} == {kafka_topics.raw_topic}

    cat = _lines(_example("avro_cat.py", "-b", kafka_topics.bootstrap_servers, "-t",
                          kafka_topics.anonymized_topic, "-r", url, "-c", "5", "-e"))  # fmt: skip
    assert len(cat) == 5
    assert all(c["payload"]["policy_version"] == "web-events/1" for c in cat)
    assert all("schema-fingerprint" in c["headers"] for c in cat)

    _foreign(kafka_topics, kafka_topics.anonymized_topic, confluent_header(987654) + b"\x00")
    refused = _example("confluent_avro_consumer.py", *common, "--topic",
                       kafka_topics.anonymized_topic)  # fmt: skip
    assert refused.returncode == 1
    assert "is not a record of anonymized_web_event.v1.avsc" in refused.stderr
    whole = _example("avro_cat.py", "-b", kafka_topics.bootstrap_servers, "-t",
                     kafka_topics.anonymized_topic, "-r", url, "-e")  # fmt: skip
    assert whole.returncode == 1 and "% error at" in whole.stderr


def test_fastavro_example_checks_fingerprints(kafka_topics: KafkaSettings, tmp_path: Path) -> None:
    _run_worker(kafka_topics, tmp_path, 1_500)
    records = read_committed(kafka_topics, kafka_topics.anonymized_topic)
    args = ["--bootstrap-servers", kafka_topics.bootstrap_servers, "--until-end",
            "--topic", kafka_topics.anonymized_topic]  # fmt: skip
    read = _lines(_example("fastavro_single_object.py", *args))
    assert len(read) == len(records) > 1_000
    assert {r["policy_version"] for r in read} == {"web-events/1"}
    dead_value = read_committed(kafka_topics, kafka_topics.dead_letter_topic)[0].value()
    _foreign(kafka_topics, kafka_topics.anonymized_topic, dead_value)  # another schema's record
    refused = _example("fastavro_single_object.py", *args)
    assert refused.returncode == 1
    assert "unknown writer schema fingerprint 3f6b8233790117f5" in refused.stderr
