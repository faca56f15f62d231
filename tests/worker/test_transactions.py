"""The transactional producer's recovery paths, driven directly against the real broker."""

from __future__ import annotations

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition

from pipeline.config.kafka import KafkaSettings
from pipeline.worker.messages import Outgoing
from pipeline.worker.transactions import Aborted, Committed, Transactions
from tests.worker.worker_helpers import read_committed

pytestmark = pytest.mark.kafka


def test_a_fenced_producer_is_rebuilt_and_the_batch_redone(kafka_topics: KafkaSettings) -> None:
    settings = kafka_topics
    tid = f"{settings.group_id}.t1"
    consumer = Consumer(settings.consumer_config())
    consumer.assign([TopicPartition(settings.raw_topic, 0, 0)])
    group = consumer.consumer_group_metadata()
    offsets = [TopicPartition(settings.raw_topic, 0, 0)]

    def batch(value: bytes) -> list[Outgoing]:
        return [Outgoing(settings.anonymized_topic, None, value, [], 0)]

    tx = Transactions(settings.producer_config(tid), call_timeout=30)
    tx.start()
    try:
        assert isinstance(tx.run(batch(b"one"), offsets, group), Committed)
        zombie_killer = Producer(settings.producer_config(tid))
        zombie_killer.init_transactions(30)  # fences tx's producer: its next call is fatal
        outcome = tx.run(batch(b"two"), offsets, group)
        assert isinstance(outcome, Aborted) and "rebuilt" in outcome.cause
        assert tx.rebuilds == 1
        assert isinstance(tx.run(batch(b"two"), offsets, group), Committed)
        assert tx.rebuilds == 0
    finally:
        tx.close()
        consumer.close()
    values = [m.value() for m in read_committed(settings, settings.anonymized_topic)]
    assert sorted(values) == [b"one", b"two"]  # the fenced attempt never became visible
