"""Settings of a stream worker itself (`ANONYMIZER_*`, the config file's `[worker]`): runtime,
identity, batching, metrics."""

from __future__ import annotations

import re
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from pipeline.config.base import Settings, mistakes
from pipeline.config.kafka import load_kafka_settings
from pipeline.errors import ConfigError

MAX_BATCH_SIZE = 50_000
Profile = Literal["throughput", "latency"]
Runtime = Literal["confluent", "faust"]  # pipeline/cli/worker.py: RUNTIMES
# What each profile sets, unless the setting itself is given (docs/performance.md: measured).
PROFILES: dict[str, dict[str, int]] = {
    "throughput": {"batch_size": 10_000, "max_wait_ms": 100},
    "latency": {"batch_size": 2_000, "max_wait_ms": 10},
}
_INSTANCE_ID = re.compile(r"[A-Za-z0-9._-]{1,100}")


def default_instance_id() -> str:
    """The host name (a pod name under Kubernetes StatefulSets), made safe for a Kafka id."""
    name = re.sub(r"[^A-Za-z0-9._-]", "-", socket.gethostname())[:100]
    return name or "worker"


class WorkerSettings(Settings):
    """What one worker process needs beyond the Kafka and engine settings."""

    section: ClassVar[str] = "worker"
    title: ClassVar[str] = "worker"

    instance_id: str = Field(
        default_factory=default_instance_id,
        description="Stable id of this worker instance (transactional.id suffix; static member id).",
    )
    runtime: Runtime = Field(
        "confluent",
        description="The stream runtime around the privacy engine: `confluent` (confluent-kafka "
        "loop) or `faust` (faust-streaming agent); docs/worker.md. Replaces the deprecated "
        "--engine flag.",
    )
    profile: Profile = Field(
        "throughput",
        description="Batching: `throughput` (batch_size 10000, max_wait_ms 100) or `latency` "
        "(2000 and 10: lower end-to-end latency at moderate load, about a quarter fewer "
        "events/s at the limit; docs/performance.md). batch_size or max_wait_ms given win.",
    )
    batch_size: int = Field(
        10000,
        ge=1,
        le=MAX_BATCH_SIZE,
        description="Most records per batch (one transaction). Transactions cost a few round "
        "trips each: 10000 ran 28.6k events/s steady where 2000 ran 20.9k (perf/bench_worker.py).",
    )
    max_wait_ms: int = Field(
        100, ge=1, le=60_000, description="Longest wait for a batch to fill before processing."
    )
    hang_seconds: float = Field(
        30.0,
        ge=5,
        description="A transactional call blocked longer than this restarts the process in "
        "place (works around librdkafka#5511).",
    )
    metrics_port: int = Field(9464, ge=0, le=65535, description="Prometheus port; 0 = off.")
    static_membership: bool = Field(
        False,
        description="Join the group as a static member (group.instance.id = instance id): a "
        "restarted instance gets its partitions back at once; a stopped one keeps them until "
        "session.timeout.ms.",
    )
    active_key_since: datetime | None = Field(
        None, description="When the active key came into use (ISO 8601), for the key-age metric."
    )

    @model_validator(mode="after")
    def _profile_defaults(self) -> WorkerSettings:
        """Fill batch_size and max_wait_ms from the profile unless they were given (written to
        __dict__ so that they still count as defaults, not as explicitly set)."""
        for name, value in PROFILES[self.profile].items():
            if name not in self.model_fields_set:
                self.__dict__[name] = value
        return self

    @field_validator("instance_id")
    @classmethod
    def _safe_id(cls, value: str) -> str:
        if not _INSTANCE_ID.fullmatch(value):
            raise ValueError("use 1 to 100 letters, digits, '.', '_' or '-'")
        return value

    @field_validator("active_key_since")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    def transactional_id(self, group_id: str) -> str:
        """Stable per instance: a restart aborts the killed process's open transaction at once."""
        return f"{group_id}.{self.instance_id}"


def load_worker_settings(config_file: Path | str | None = None, **overrides: Any) -> WorkerSettings:
    """WorkerSettings through the one loader (`Settings.load`), checked against the deprecated
    group_instance_id of the Kafka settings (same file)."""
    settings = WorkerSettings.load(config_file, **overrides)
    problem = _group_instance_conflict(settings, config_file)
    if problem:
        raise ConfigError(mistakes("invalid worker settings", [f"static_membership: {problem}"]))
    return settings


def _group_instance_conflict(worker: WorkerSettings, config_file: Path | str | None) -> str | None:
    """Static membership sets group.instance.id to the instance id; the deprecated
    ANONYMIZER_GROUP_INSTANCE_ID (a Kafka setting) may set it only to the same id."""
    try:
        alias = load_kafka_settings(config_file).group_instance_id
    except ConfigError:
        return None  # the Kafka settings' own loader reports their mistakes
    if not alias:
        return None
    if worker.static_membership and alias != worker.instance_id:
        return (
            "the deprecated ANONYMIZER_GROUP_INSTANCE_ID sets another group.instance.id than the "
            "instance id; drop it (static membership uses ANONYMIZER_INSTANCE_ID)"
        )
    if not worker.static_membership and "static_membership" in worker.model_fields_set:
        return (
            "false, but the deprecated ANONYMIZER_GROUP_INSTANCE_ID makes a static member; drop it"
        )
    return None
