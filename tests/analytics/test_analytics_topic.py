"""`heatmap` and `abtest` on a topic of the real broker over a time range: the same figures as
the records produced, and nothing from outside the range."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from confluent_kafka import Producer

from pipeline.analytics.abtest import Attribution, table
from pipeline.analytics.heatmap import Heatmap, class_label
from pipeline.cli.main import main
from pipeline.config.kafka import KafkaSettings
from pipeline.core import Engine
from pipeline.core.engine import Record
from pipeline.dev.traffic import TrafficGenerator
from pipeline.secrets.ephemeral import EphemeralDays

pytestmark = pytest.mark.kafka


def _produce(settings: KafkaSettings, records: list[Record], tid: str) -> None:
    producer = Producer(settings.producer_config(transactional_id=tid))
    producer.init_transactions(30)
    producer.begin_transaction()
    for record in records:
        producer.produce(settings.anonymized_topic, key=record.key, value=record.value)
    producer.commit_transaction(30)


def _iso(ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"


def test_both_commands_read_a_time_range_of_the_topic(
    kafka_topics: KafkaSettings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = Engine()
    payloads = TrafficGenerator(9, garbage=0.0, events_per_second=0.5, diurnal=True).payloads(8000)
    result = engine.process(payloads, EphemeralDays())
    records = list(result.records)
    _produce(kafka_topics, records[:1000], "analytics-before")  # outside the range
    time.sleep(0.05)
    start = int(time.time() * 1000)
    time.sleep(0.05)
    _produce(kafka_topics, records[1000:], "analytics-inside")
    inside = [engine.as_dict(r) for r in records[1000:]]
    source = ["--topic", kafka_topics.anonymized_topic, "--from", _iso(start),
              "--bootstrap-servers", kafka_topics.bootstrap_servers, "-q"]  # fmt: skip

    argv = ["abtest", "-e", "exp-hero-banner-2025q4", "--goal", "add_to_cart", *source]
    assert main(argv) == 0
    expected = Attribution("exp-hero-banner-2025q4", "add_to_cart").add_all(inside).result()
    printed = capsys.readouterr().out
    assert printed.startswith(table(expected) + "\n")
    assert f"{expected.exposure_events:,} exposure records" in printed

    png = tmp_path / "topic.png"
    argv = ["heatmap", "--site", "site-0001", "--url-path", "/products/*", "-o", str(png), *source]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    for panel in Heatmap("site-0001", "/products/*").add_all(inside).panels():
        assert f"{class_label(panel.name)}: {panel.events:,} taps and clicks, " in printed
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
