"""Kafka settings whose topic names, group and client id are unique to one test (or module)."""

from __future__ import annotations

import uuid

from pipeline.config.kafka import KafkaSettings, load_kafka_settings


def unique_settings(bootstrap: str) -> KafkaSettings:
    """Settings for the broker at `bootstrap`; every name ends in the same random `.<suffix>`."""
    suffix = uuid.uuid4().hex[:10]
    return load_kafka_settings(
        bootstrap_servers=bootstrap,
        raw_topic=f"web.events.raw.{suffix}",
        anonymized_topic=f"web.events.anonymized.{suffix}",
        dead_letter_topic=f"web.events.dead-letter.{suffix}",
        day_secrets_topic=f"web.events.day-secrets.{suffix}",
        group_id=f"event-anonymizer.{suffix}",
        client_id=f"test-{suffix}",
        topic_replication_factor=1,  # the single-node override: one broker holds every topic
    )
