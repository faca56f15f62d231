"""Start-up errors of the Kafka side: configuration errors (exit 2), except an unreachable
cluster (exit 4: the configuration may be right and the cluster away)."""

from __future__ import annotations

from confluent_kafka import KafkaError

from pipeline.errors import UNREACHABLE_EXIT, AnonymizerError, ConfigError, UnreachableError

__all__ = ["UNREACHABLE_EXIT", "KafkaUnreachableError", "no_cluster"]
# librdkafka's codes for "no broker answered" (as opposed to a broker that answered no).
NO_CLUSTER = frozenset({KafkaError._TRANSPORT, KafkaError._ALL_BROKERS_DOWN})


def no_cluster(exc: BaseException) -> bool:
    """True when `exc` is a KafkaException saying that no broker answered."""
    error = exc.args[0] if exc.args else None
    return isinstance(error, KafkaError) and error.code() in NO_CLUSTER


class ToolMissingError(ConfigError):
    """Java or Maven is missing or too old: the message says what to install."""


class BrokerStartError(ConfigError):
    """The embedded broker did not start; the message ends with the tail of its log."""


class KafkaUnreachableError(UnreachableError):
    """No Kafka cluster answered at the configured bootstrap servers: not a configuration error
    (the cluster may be down, or the network away); commands exit 4 (`UNREACHABLE_EXIT`)."""

    service = "Kafka"


class TopicsError(ConfigError):
    """The topics file is invalid or the cluster refused a topic change."""


class KafkaReadError(AnonymizerError):
    """A record read from a topic came with an error (not end-of-partition); readers that
    know better report it as a usage error, the others let it end the command (exit 1)."""
