"""What every engine's run function needs, built and checked once at start-up.

`build_setup` checks the topics, settles the wire format (with Confluent framing: registers the
schemas and caches their ids, see `pipeline.registry.startup`), builds the engine, opens the
day-secret store and takes the day keys once (a store that cannot give today's key is a start-up
error, exit 2), and creates the metrics. `clock` (seconds) is the store's clock: time.time in production, injected in tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.codec.wire import WireFormat
from pipeline.config.engine import EngineSettings
from pipeline.config.kafka import KafkaSettings
from pipeline.config.registry import RegistrySettings
from pipeline.config.worker import WorkerSettings
from pipeline.core.engine import Engine
from pipeline.core.keys import KeyRing
from pipeline.errors import ConfigError
from pipeline.kafka.errors import KafkaUnreachableError
from pipeline.observability.metrics import WorkerMetrics
from pipeline.registry.startup import wire_format
from pipeline.secrets.held import HeldDayKeys
from pipeline.secrets.store import DaySecretStore, DaySecretUnavailable
from pipeline.worker.shutdown import StopSignal
from pipeline.worker.startup import output_limits, record_limit


@dataclass
class WorkerSetup:
    """Everything an engine's run function needs."""

    engine: Engine
    kafka: KafkaSettings
    worker: WorkerSettings
    metrics: WorkerMetrics
    stop: StopSignal
    output_limits: dict[str, int]
    days: HeldDayKeys
    master_key_id: str  # the active master key: it wraps the day secrets
    max_record_bytes: int
    wire: WireFormat  # the records' framing; Confluent ids registered and cached at start-up

    def close(self) -> None:
        """Release the day-secret store's clients."""
        self.days.store.close()


def open_day_keys(
    kafka: KafkaSettings, keys: KeyRing, *, clock: Callable[[], float] = time.time
) -> HeldDayKeys:
    """The day keys of the store on `kafka.day_secrets_topic`, taken once: ConfigError when
    today's key cannot be had (the message names days and key ids, never a secret)."""
    store = DaySecretStore(kafka, keys, clock=clock)
    days = HeldDayKeys(store)
    try:
        days.days()
    except DaySecretUnavailable as exc:
        store.close()
        if exc.unreachable:
            raise KafkaUnreachableError(f"day secrets ({kafka.day_secrets_topic}): {exc}") from None
        raise ConfigError(
            f"day secrets ({kafka.day_secrets_topic}): {exc}. The worker cannot pseudonymize "
            "without today's day key and never falls back to another secret"
        ) from None
    return days


def build_setup(
    worker: WorkerSettings,
    kafka: KafkaSettings,
    engine_settings: EngineSettings,
    *,
    runtime: str,
    stop: StopSignal,
    clock: Callable[[], float] = time.time,
    registry: RegistrySettings | None = None,
) -> WorkerSetup:
    """The checked setup, or ConfigError (missing topics, record limit, schema registry, keys,
    day secrets). `registry` None: the single-object wire format."""
    limits = output_limits(kafka)
    max_record = record_limit(limits[kafka.anonymized_topic], engine_settings.max_record_bytes)
    wire = wire_format(registry or RegistrySettings(wire_format="single-object"), kafka)
    sized = engine_settings.model_copy(update={"max_record_bytes": max_record})
    engine = sized.build_engine(value_header=wire.anonymized_header)
    keys = engine_settings.key_ring()
    days = open_day_keys(kafka, keys, clock=clock)
    metrics = WorkerMetrics(
        engine,
        runtime=runtime,
        master_key_id=keys.active.key_id,
        replay_window_s=kafka.replay_window_ms / 1000,
        active_key_since=worker.active_key_since,
    )
    metrics.watch_day_keys(days.oldest_age_s)
    metrics.day_keys(days.days())
    master = keys.active.key_id
    return WorkerSetup(engine, kafka, worker, metrics, stop, limits, days, master, max_record, wire)
