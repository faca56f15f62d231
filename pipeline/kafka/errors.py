"""Start-up errors of the Kafka side: all of them are configuration errors."""

from __future__ import annotations

from pipeline.errors import ConfigError


class ToolMissingError(ConfigError):
    """Java or Maven is missing or too old: the message says what to install."""


class BrokerStartError(ConfigError):
    """The embedded broker did not start; the message ends with the tail of its log."""


class KafkaUnreachableError(ConfigError):
    """No Kafka cluster answered at the configured bootstrap servers."""


class TopicsError(ConfigError):
    """The topics file is invalid or the cluster refused a topic change."""
