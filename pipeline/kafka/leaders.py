"""Waiting for topics just created: their partitions answer once their leaders are elected."""

from __future__ import annotations

import time

from confluent_kafka import Consumer, KafkaException, TopicPartition

from pipeline.config.kafka import KafkaSettings


def wait_for_leaders(settings: KafkaSettings, topics: list[str], timeout: float = 30.0) -> None:
    """Until every partition of `topics` answers an offset request (a KafkaException after
    `timeout` seconds): a client that starts right after `topics apply` may otherwise be told
    NOT_LEADER_FOR_PARTITION."""
    # The group is never joined: offsets and metadata only.
    consumer = Consumer(settings.consumer_config(group_id="anonymizer-wait-for-leaders"))
    deadline = time.monotonic() + timeout
    try:
        for topic in topics:
            partitions = consumer.list_topics(topic, timeout=timeout).topics[topic].partitions
            for partition in sorted(partitions):
                while True:
                    try:
                        consumer.get_watermark_offsets(TopicPartition(topic, partition), 5)
                        break
                    except KafkaException:
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.2)
    finally:
        consumer.close()
