"""The output reader on a topic of the real broker: a time range, read committed, fingerprints."""

from __future__ import annotations

import time

import pytest
from confluent_kafka import Producer

from pipeline.config.kafka import KafkaSettings
from pipeline.core.engine import Record
from pipeline.errors import ConfigError, UsageError
from pipeline.tools.output_reader import ReadProgress, TopicSource
from tests.tools.reader_records import as_dicts, engine_output

pytestmark = pytest.mark.kafka


def _produce(settings: KafkaSettings, records: list[Record], *, commit: bool = True,
             tid: str = "reader-test", timestamp: int = 0) -> None:  # fmt: skip
    """In one transaction; record times are the producer's clock (as the worker's are), unless
    `timestamp` is given."""
    producer = Producer(settings.producer_config(transactional_id=tid))
    producer.init_transactions(30)
    producer.begin_transaction()
    for record in records:
        producer.produce(settings.anonymized_topic, key=record.key, value=record.value,
                         timestamp=timestamp)  # fmt: skip
    if commit:
        producer.commit_transaction(30)
    else:
        producer.flush(30)
        producer.abort_transaction(30)


def _now_ms() -> int:
    time.sleep(0.02)  # the times before and after a batch differ from its records' times
    now = int(time.time() * 1000)
    time.sleep(0.02)
    return now


def test_a_time_range_reads_exactly_its_committed_records(kafka_topics: KafkaSettings) -> None:
    engine, records = engine_output(900, seed=11)
    before, inside, after = records[:300], records[300:600], records[600:]
    _produce(kafka_topics, before)
    start = _now_ms()
    _produce(kafka_topics, inside[:150])
    _produce(kafka_topics, before[:50], commit=False)  # aborted: never read
    _produce(kafka_topics, inside[150:])
    end = _now_ms()
    _produce(kafka_topics, after)

    seen: list[ReadProgress] = []
    source = TopicSource(kafka_topics, None, start, end, "reader-test")
    got = list(source.records(seen.append))
    key = lambda r: r["event_id"]  # noqa: E731 (partitions interleave: compare as sets)
    assert sorted(got, key=key) == sorted(as_dicts(engine, inside), key=key)
    assert seen[0].records == 0 and seen[0].total is not None and seen[0].total >= 300
    assert seen[-1] == ReadProgress(300, 300)

    everything = list(TopicSource(kafka_topics, purpose="reader-test").records())
    assert len(everything) == 900


def test_a_message_of_another_schema_is_refused_with_its_offset(
    kafka_topics: KafkaSettings,
) -> None:
    _, records = engine_output(3, seed=12)
    foreign = Record(0, b"k", b"\xc3\x01" + bytes(8) + records[0].value[10:], ())
    _produce(kafka_topics, [records[0], foreign])
    with pytest.raises(UsageError, match=r"partition \d+ offset \d+: not an anonymized record"):
        list(TopicSource(kafka_topics, purpose="reader-test").records())


def test_the_missing_topic_is_a_configuration_error(kafka_topics: KafkaSettings) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        list(TopicSource(kafka_topics, "no.such.topic", purpose="reader-test").records())
