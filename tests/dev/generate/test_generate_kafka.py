"""`produce_traffic` and `anonymizer generate` against the session's real Kafka broker."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter

import pytest
from confluent_kafka import Consumer, TopicPartition

from pipeline.cli.main import main
from pipeline.config.kafka import KafkaSettings
from pipeline.dev.generate import ProduceSummary, produce_traffic
from pipeline.dev.traffic import TrafficGenerator

pytestmark = pytest.mark.kafka


def _records(settings: KafkaSettings, expected: int, timeout: float = 30.0) -> list:
    """Every record of the raw topic (read_committed), waiting for `expected` of them."""
    consumer = Consumer(
        settings.consumer_config(
            group_id=f"reader-{uuid.uuid4().hex[:8]}", **{"enable.partition.eof": False}
        )
    )
    topic = settings.raw_topic
    parts = consumer.list_topics(topic, timeout=10).topics[topic].partitions
    consumer.assign([TopicPartition(topic, p, 0) for p in parts])
    out: list = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for msg in consumer.consume(1000, timeout=0.5):
            if msg.error() is None:
                out.append(msg)
        if len(out) >= expected:
            # anything more would be a duplicate: give it a moment to show up
            out.extend(m for m in consumer.consume(1000, timeout=1.0) if m.error() is None)
            break
    consumer.close()
    return out


def _high_watermarks(settings: KafkaSettings) -> int:
    consumer = Consumer(settings.consumer_config(group_id="watermarks"))
    topic = settings.raw_topic
    parts = consumer.list_topics(topic, timeout=10).topics[topic].partitions
    total = sum(consumer.get_watermark_offsets(TopicPartition(topic, p), 10)[1] for p in parts)
    consumer.close()
    return total


def test_produces_exactly_count_events(kafka_topics: KafkaSettings) -> None:
    summary = produce_traffic(kafka_topics, count=3000, rate=0, garbage=0.05, seed=3)
    assert summary.ok
    assert (summary.attempted, summary.sent, summary.errors) == (3000, 3000, 0)
    records = _records(kafka_topics, 3000)
    assert len(records) == 3000
    assert _high_watermarks(kafka_topics) == 3000
    # garbage kinds as the generator makes them at the producer's pace (rate 0 plans sessions at
    # 5,000 events/s); payload bytes depend on the start time, the kinds do not
    generator = TrafficGenerator(3, garbage=0.05, events_per_second=5000.0)
    kinds = Counter(e.garbage for e in generator.events(3000) if e.garbage)
    assert summary.garbage == kinds
    # partitions spread (null keys, sticky partitioner) and timestamps are produce times
    assert len({m.partition() for m in records}) > 1
    assert all(m.key() is None for m in records)
    assert all(m.timestamp()[1] > 1_700_000_000_000 for m in records)


def test_rate_limit_spreads_record_timestamps(kafka_topics: KafkaSettings) -> None:
    """At 1,000 events/s, 2,500 events cannot carry timestamps spanning much less than 2.5 s
    (50 ms of burst aside). Only a lower bound: a slow machine may take longer."""
    summary = produce_traffic(kafka_topics, count=2500, rate=1000, seed=4)
    assert summary.ok and summary.sent == 2500
    stamps = sorted(m.timestamp()[1] for m in _records(kafka_topics, 2500))
    assert len(stamps) == 2500
    span = (stamps[-1] - stamps[0]) / 1000
    assert span >= 2.0, f"2,500 events at 1,000/s spanned only {span:.2f} s"


def test_stop_event_ends_the_run_and_flushes(kafka_topics: KafkaSettings) -> None:
    stop = threading.Event()
    seen: list[int] = []

    def progress(s: ProduceSummary) -> None:
        seen.append(s.attempted)
        if s.attempted >= 500:
            stop.set()

    summary = produce_traffic(
        kafka_topics, rate=2000, stop=stop, on_progress=progress, progress_interval=0.1
    )
    assert stop.is_set() and seen
    assert summary.sent == summary.attempted >= 500
    assert summary.errors == 0
    assert len(_records(kafka_topics, summary.sent)) == summary.sent


def test_on_event_sees_every_event(kafka_topics: KafkaSettings) -> None:
    events = []
    summary = produce_traffic(kafka_topics, count=200, rate=0, on_event=events.append)
    assert len(events) == summary.sent == 200


def test_delivery_failures_are_counted_not_raised(kafka_settings: KafkaSettings) -> None:
    """The topic does not exist (and the broker does not create topics): every delivery fails."""
    summary = produce_traffic(
        kafka_settings,
        count=50,
        rate=0,
        producer_extra={"message.timeout.ms": 3000, "log_level": 0},
    )
    assert summary.attempted == 50
    assert summary.sent == 0
    assert summary.errors == 50
    assert summary.error_messages and not summary.ok


def test_cli_generate_count(kafka_topics: KafkaSettings, capsys: pytest.CaptureFixture) -> None:
    code = main(
        ["generate", "--count", "1200", "--rate", "0", "--seed", "5", "--garbage", "0.1",
         "--bootstrap-servers", kafka_topics.bootstrap_servers, "--topic", kafka_topics.raw_topic]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 0, err
    assert "1,200 sent of 1,200" in err and "errors 0" in err
    assert _high_watermarks(kafka_topics) == 1200


def test_cli_generate_missing_topic_is_a_config_error(
    kafka_settings: KafkaSettings, capsys: pytest.CaptureFixture
) -> None:
    code = main(
        ["generate", "--count", "10", "--bootstrap-servers", kafka_settings.bootstrap_servers,
         "--topic", f"no-such-topic-{uuid.uuid4().hex[:6]}"]
    )  # fmt: skip
    assert code == 2
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args", [["--rate", "-1"], ["--garbage", "1.5"], ["--count", "-3"], ["--duration", "-1"]]
)
def test_cli_generate_rejects_bad_options(args: list[str], capsys: pytest.CaptureFixture) -> None:
    assert main(["generate", *args]) == 2
    assert "must be" in capsys.readouterr().err
