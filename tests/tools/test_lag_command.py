"""`anonymizer lag` reads a group's lag from the cluster with no worker running: committed
offsets, high watermarks, the age of the oldest waiting record; table, JSON, Prometheus text."""

from __future__ import annotations

import time

import orjson
import pytest
from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition

from pipeline.cli.main import main
from pipeline.config.kafka import KafkaSettings

HOUR_MS = 3_600_000
_COORDINATOR_LOADING = {
    KafkaError.NOT_COORDINATOR,
    KafkaError.COORDINATOR_LOAD_IN_PROGRESS,
    KafkaError.COORDINATOR_NOT_AVAILABLE,
    KafkaError._WAIT_COORD,
}


def _produce(settings: KafkaSettings, partition: int, count: int, timestamp_ms: int) -> None:
    producer = Producer(settings.producer_config())
    for i in range(count):
        producer.produce(settings.raw_topic, b"{}", partition=partition, timestamp=timestamp_ms + i)
    assert producer.flush(30) == 0


def _commit(settings: KafkaSettings, partition: int, offset: int) -> None:
    """Commit for the worker's group (never subscribed), retrying while a fresh broker's group
    coordinator is still being loaded (NOT_COORDINATOR and the like are retriable)."""
    consumer = Consumer(settings.consumer_config())
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                consumer.commit(
                    offsets=[TopicPartition(settings.raw_topic, partition, offset)],
                    asynchronous=False,
                )
                return
            except KafkaException as exc:
                error = exc.args[0]
                loading = error.retriable() or error.code() in _COORDINATOR_LOADING
                if not loading or time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
    finally:
        consumer.close()


def _lag(settings: KafkaSettings, *args: str) -> list[str]:
    return [
        "lag", "--bootstrap-servers", settings.bootstrap_servers, "--group", settings.group_id,
        "--topic", settings.raw_topic, *args,
    ]  # fmt: skip


@pytest.mark.kafka
def test_lag_of_a_group_without_a_worker(
    kafka_topics: KafkaSettings, capsys: pytest.CaptureFixture[str]
) -> None:
    an_hour_ago = int(time.time() * 1000) - HOUR_MS
    _produce(kafka_topics, 0, 10, an_hour_ago)
    _produce(kafka_topics, 1, 20, an_hour_ago + 60_000)
    _commit(kafka_topics, 0, 4)  # records 0-3 of partition 0 done; partition 1 never committed

    assert main(_lag(kafka_topics, "--format", "json")) == 0
    report = orjson.loads(capsys.readouterr().out)
    parts = {p["partition"]: p for p in report["partitions"]}
    assert len(parts) == 6 and report["total"] == 26
    assert (parts[0]["committed"], parts[0]["position"], parts[0]["end"], parts[0]["lag"]) == (
        4, 4, 10, 6,
    )  # fmt: skip
    assert (parts[1]["committed"], parts[1]["position"], parts[1]["lag"]) == (None, 0, 20)
    # the record at partition 0's committed offset was stamped an hour ago (+4 ms)
    assert 3600 - 1 <= parts[0]["oldest_age_seconds"] < 2 * 3600
    assert parts[1]["oldest_age_seconds"] < parts[0]["oldest_age_seconds"]  # a minute younger
    assert all(parts[p]["lag"] == 0 and parts[p]["oldest_age_seconds"] is None for p in (2, 3))
    assert report["oldest_age_seconds"] == parts[0]["oldest_age_seconds"]

    assert main(_lag(kafka_topics, "--max-records", "25")) == 1  # 26 waiting
    table = capsys.readouterr().out
    assert "total 26 records behind; oldest waiting record" in table
    assert main(_lag(kafka_topics, "--max-records", "26", "--max-seconds", "86400")) == 0
    assert main(_lag(kafka_topics, "--max-seconds", "60")) == 1  # an hour old
    capsys.readouterr()

    assert main(_lag(kafka_topics, "--format", "prometheus")) == 0
    text = capsys.readouterr().out
    labels = f'group="{kafka_topics.group_id}",topic="{kafka_topics.raw_topic}"'
    assert f'anonymizer_group_lag{{{labels},partition="0"}} 6' in text
    assert f'anonymizer_group_lag_seconds{{{labels},partition="3"}} 0.0' in text
    assert "# TYPE anonymizer_group_lag_seconds gauge" in text


def test_lag_against_no_cluster_exits_4(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lag", "--bootstrap-servers", "127.0.0.1:1", "--timeout", "1"]) == 4
    err = capsys.readouterr().err
    assert err.startswith(
        "anonymizer lag: Kafka unreachable: no Kafka cluster answered at 127.0.0.1:1"
    )
