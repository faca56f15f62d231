"""Start-up checks against the cluster: the topics exist (the day-secret store's too); how large
an output record may be."""

from __future__ import annotations

import logging
import time

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, ConfigResource, ResourceType

from pipeline.config.kafka import KafkaSettings
from pipeline.errors import ConfigError
from pipeline.kafka.errors import KafkaUnreachableError

log = logging.getLogger(__name__)

# Room for the record batch header (61 B), the record's framing, its key and headers.
RECORD_OVERHEAD = 512
MIN_RECORD_BYTES = 1001  # EngineSettings.max_record_bytes must stay > 1000


def output_limits(settings: KafkaSettings, timeout: float = 30.0) -> dict[str, int]:
    """`max.message.bytes` of the anonymized and dead-letter topics, after checking that the
    three topics exist. Retries until `timeout` while the cluster does not answer."""
    admin = AdminClient(settings.admin_config(log_level=3))
    deadline = time.monotonic() + timeout
    while True:
        try:
            metadata = admin.list_topics(timeout=max(1.0, min(5.0, deadline - time.monotonic())))
            break
        except KafkaException as exc:
            admin.poll(0)  # hand librdkafka's queued lines to logging (rate-limited)
            if time.monotonic() >= deadline:
                raise KafkaUnreachableError(
                    f"no Kafka cluster answered at {settings.bootstrap_servers} "
                    f"within {timeout:.0f} s ({exc.args[0].name()})"
                ) from None
            time.sleep(0.5)
    roles = {
        "raw_topic": settings.raw_topic,
        "anonymized_topic": settings.anonymized_topic,
        "dead_letter_topic": settings.dead_letter_topic,
        "day_secrets_topic": settings.day_secrets_topic,
    }
    missing = [
        f"  {role}: topic {name} does not exist (create it: anonymizer topics apply)"
        for role, name in roles.items()
        if name not in metadata.topics or metadata.topics[name].error is not None
    ]
    if missing:
        raise ConfigError("missing topics:\n" + "\n".join(missing))
    outputs = [settings.anonymized_topic, settings.dead_letter_topic]
    resources = [ConfigResource(ResourceType.TOPIC, name) for name in outputs]
    limits: dict[str, int] = {}
    for resource, future in admin.describe_configs(resources, request_timeout=timeout).items():
        try:
            entries = future.result(timeout)
        except KafkaException as exc:
            raise ConfigError(
                f"cannot read the configs of topic {resource.name}: {exc.args[0].name()}"
            ) from None
        limits[resource.name] = int(entries["max.message.bytes"].value)
    return limits


def record_limit(max_message_bytes: int, configured: int) -> int:
    """The engine's `max_record_bytes`: below the topic's limit by the framing overhead."""
    limit = min(configured, max_message_bytes - RECORD_OVERHEAD)
    if limit < MIN_RECORD_BYTES:
        raise ConfigError(
            f"the anonymized topic's max.message.bytes ({max_message_bytes}) leaves less than "
            f"{MIN_RECORD_BYTES} bytes per record: raise it to at least "
            f"{MIN_RECORD_BYTES + RECORD_OVERHEAD}"
        )
    return limit
