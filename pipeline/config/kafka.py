"""Kafka client settings (`ANONYMIZER_*`, the config file's `[kafka]`)."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, SecretStr, field_validator, model_validator

from pipeline.config.base import Settings, existing_file
from pipeline.config.file import CONFIG_FILE_ENV
from pipeline.kafka.clientlog import CLIENT_LOG

__all__ = ["CONFIG_FILE_ENV", "KafkaSettings", "load_kafka_settings"]
log = logging.getLogger(__name__)

SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]


DEFAULT_REPLAY_WINDOW_HOURS = 72
HOUR_MS = 3_600_000


class KafkaSettings(Settings):
    """How to reach Kafka, which topics to use, and bounded-memory client tuning."""

    section: ClassVar[str] = "kafka"
    title: ClassVar[str] = "Kafka"

    bootstrap_servers: str = Field(
        "127.0.0.1:9092", min_length=1, description="Comma-separated host:port list of brokers."
    )
    client_id: str = Field("event-anonymizer", description="Client id shown in broker logs.")
    security_protocol: SecurityProtocol = Field(
        "PLAINTEXT", description="Transport: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL."
    )
    sasl_mechanism: SaslMechanism | None = Field(
        None, description="SASL mechanism (needs a SASL_* protocol, username and password)."
    )
    sasl_username: str | None = Field(None, description="SASL user name.")
    sasl_password: SecretStr | None = Field(None, description="SASL password (never printed).")
    ssl_ca_location: Path | None = Field(
        None, description="PEM file of the CA that signed the brokers' certificates."
    )
    ssl_certificate_location: Path | None = Field(
        None, description="PEM client certificate for mutual TLS (needs ssl_key_location)."
    )
    ssl_key_location: Path | None = Field(None, description="PEM private key of the client.")
    ssl_key_password: SecretStr | None = Field(
        None, description="Password of the client's private key (never printed)."
    )
    group_id: str = Field("event-anonymizer", min_length=1, description="Consumer group id.")
    group_instance_id: str | None = Field(
        None,
        description="Deprecated: use ANONYMIZER_STATIC_MEMBERSHIP. Still sets group.instance.id, "
        "with a warning (once); a configuration error if ANONYMIZER_STATIC_MEMBERSHIP says "
        "otherwise (false, or true under another instance id).",
    )
    raw_topic: str = Field("web.events.raw", min_length=1, description="Input topic.")
    anonymized_topic: str = Field(
        "web.events.anonymized", min_length=1, description="Output topic of anonymized events."
    )
    dead_letter_topic: str = Field(
        "web.events.dead-letter", min_length=1, description="Topic of rejected records."
    )
    day_secrets_topic: str = Field(
        "web.events.day-secrets",
        min_length=1,
        description="Compacted topic of the wrapped day secrets behind the pseudonyms.",
    )
    replay_window_hours: int = Field(
        DEFAULT_REPLAY_WINDOW_HOURS,
        ge=1,
        le=24 * 31,
        description="The personal-data window: raw events are kept (the raw topic's retention) "
        "and can be replayed for this long, and no longer.",
    )
    topic_replication_factor: int | None = Field(
        None,
        ge=1,
        description="Replaces the replication factor of every topic in topics/topics.toml (3) "
        "and caps min.insync.replicas (2) at it: 1 for a single broker (the demo, the tests).",
    )
    auto_offset_reset: Literal["earliest", "latest"] = Field(
        "earliest", description="Where a group with no committed offset starts."
    )
    queued_max_messages_kbytes: int = Field(
        16384, ge=1, description="Consumer: max KiB of prefetched records held in memory."
    )
    queued_min_messages: int = Field(
        100000,
        ge=1,
        description="Consumer: prefetch until this many records are queued (memory is capped "
        "by queued_max_messages_kbytes; lower values stall fetching: 10000 gave 60k records/s "
        "where 100000 gave 820k).",
    )
    fetch_max_bytes: int = Field(
        16 * 1024 * 1024, ge=1024, description="Consumer: max bytes of one fetch response."
    )
    max_partition_fetch_bytes: int = Field(
        1024 * 1024, ge=1024, description="Consumer: max bytes per partition per fetch."
    )
    session_timeout_ms: int = Field(
        10000, ge=1000, description="Consumer: a silent member leaves the group after this."
    )
    heartbeat_interval_ms: int = Field(3000, ge=100, description="Consumer: heartbeat period.")
    max_poll_interval_ms: int = Field(
        300000, ge=1000, description="Consumer: max time between polls before leaving the group."
    )
    queue_buffering_max_kbytes: int = Field(
        32768, ge=1, description="Producer: max KiB of records waiting to be sent."
    )
    queue_buffering_max_messages: int = Field(
        100000, ge=1, description="Producer: max records waiting to be sent."
    )
    linger_ms: float = Field(5, ge=0, description="Producer: wait this long to fill batches.")
    retry_backoff_ms: int = Field(
        10,
        ge=1,
        description="Producer: wait before a retry. Short, because a transaction started right "
        "after a commit is refused (CONCURRENT_TRANSACTIONS) until the markers are written.",
    )
    compression_type: Literal["none", "gzip", "snappy", "lz4", "zstd"] = Field(
        "lz4", description="Producer: batch compression."
    )
    transaction_timeout_ms: int = Field(
        60000, ge=1000, description="Producer: the broker aborts a transaction open this long."
    )

    @field_validator("ssl_ca_location", "ssl_certificate_location", "ssl_key_location")
    @classmethod
    def _file_exists(cls, value: Path | None) -> Path | None:
        return existing_file(value)

    @model_validator(mode="after")
    def _consistent(self) -> KafkaSettings:
        problems = []
        protocol = self.security_protocol
        sasl, tls = protocol.startswith("SASL_"), protocol.endswith("SSL")
        if self.sasl_mechanism and not sasl:
            problems.append(
                f"sasl_mechanism: {self.sasl_mechanism} needs security_protocol "
                f"SASL_SSL or SASL_PLAINTEXT, not {self.security_protocol}"
            )
        if sasl and not self.sasl_mechanism:
            problems.append(f"sasl_mechanism: required with security_protocol {protocol}")
        if self.sasl_mechanism or sasl:
            if not self.sasl_username:
                problems.append("sasl_username: required for SASL authentication")
            if self.sasl_password is None or not self.sasl_password.get_secret_value():
                problems.append("sasl_password: required for SASL authentication")
        if not tls:
            for name in ("ssl_ca_location", "ssl_certificate_location", "ssl_key_location"):
                if getattr(self, name) is not None:
                    problems.append(
                        f"{name}: set, but security_protocol {protocol} does not use TLS"
                    )
        if (self.ssl_certificate_location is None) != (self.ssl_key_location is None):
            problems.append("ssl_key_location: client certificate and key must be given together")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def _common(self) -> dict[str, Any]:
        conf: dict[str, Any] = {
            "bootstrap.servers": self.bootstrap_servers,
            "client.id": self.client_id,
            "security.protocol": self.security_protocol,
            "logger": CLIENT_LOG,  # librdkafka's lines through logging, rate-limited
        }
        if self.sasl_mechanism:
            conf["sasl.mechanism"] = self.sasl_mechanism
            conf["sasl.username"] = self.sasl_username
            conf["sasl.password"] = self.sasl_password.get_secret_value()  # type: ignore[union-attr]
        key_password = self.ssl_key_password
        optional = {
            "ssl.ca.location": self.ssl_ca_location,
            "ssl.certificate.location": self.ssl_certificate_location,
            "ssl.key.location": self.ssl_key_location,
            "ssl.key.password": key_password.get_secret_value() if key_password else None,
        }
        conf.update({k: str(v) for k, v in optional.items() if v is not None})
        return conf

    @property
    def replay_window_ms(self) -> int:
        """The personal-data window in milliseconds (the raw topic's `retention.ms`)."""
        return self.replay_window_hours * HOUR_MS

    def admin_config(self, **extra: Any) -> dict[str, Any]:
        """confluent-kafka AdminClient configuration."""
        return {**self._common(), **extra}

    def consumer_config(self, group_id: str | None = None, **extra: Any) -> dict[str, Any]:
        """Consumer: read_committed, no auto commit or offset store, bounded prefetch.

        `extra` entries (confluent-kafka keys, e.g. `**{"enable.partition.eof": True}`) win.
        """
        conf = {
            **self._common(),
            "group.id": group_id or self.group_id,
            "isolation.level": "read_committed",
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "auto.offset.reset": self.auto_offset_reset,
            "queued.max.messages.kbytes": self.queued_max_messages_kbytes,
            "queued.min.messages": self.queued_min_messages,
            "fetch.max.bytes": self.fetch_max_bytes,
            "max.partition.fetch.bytes": self.max_partition_fetch_bytes,
            "session.timeout.ms": self.session_timeout_ms,
            "heartbeat.interval.ms": self.heartbeat_interval_ms,
            "max.poll.interval.ms": self.max_poll_interval_ms,
        }
        if self.group_instance_id:
            conf["group.instance.id"] = self.group_instance_id
        return {**conf, **extra}

    def producer_config(self, transactional_id: str | None = None, **extra: Any) -> dict[str, Any]:
        """Producer: idempotent, acks=all, lingering batches, bounded queue; transactional if
        `transactional_id` is given (use a stable id per worker instance)."""
        conf: dict[str, Any] = {
            **self._common(),
            "enable.idempotence": True,
            "acks": "all",
            "linger.ms": self.linger_ms,
            "retry.backoff.ms": self.retry_backoff_ms,
            "compression.type": self.compression_type,
            "queue.buffering.max.kbytes": self.queue_buffering_max_kbytes,
            "queue.buffering.max.messages": self.queue_buffering_max_messages,
        }
        if transactional_id:
            conf["transactional.id"] = transactional_id
            conf["transaction.timeout.ms"] = self.transaction_timeout_ms
        return {**conf, **extra}


@cache
def _warn_deprecated_group_instance_id() -> None:
    log.warning(
        "ANONYMIZER_GROUP_INSTANCE_ID is deprecated: use ANONYMIZER_STATIC_MEMBERSHIP=true, "
        "which sets group.instance.id to the instance id (ANONYMIZER_INSTANCE_ID)"
    )


def load_kafka_settings(config_file: Path | str | None = None, **overrides: Any) -> KafkaSettings:
    """KafkaSettings through the one loader (`Settings.load`); warns once about the deprecated
    group_instance_id."""
    settings = KafkaSettings.load(config_file, **overrides)
    if settings.group_instance_id:
        _warn_deprecated_group_instance_id()
    return settings
