"""The stream workers' Prometheus metrics, for every engine and for the live demo.

Every worker (confluent-kafka today, others later) creates one `WorkerMetrics`, which owns its
own `CollectorRegistry`, and serves it with `serve(port)`. What it exports is the table of
`pipeline.observability.specs` (`METRICS`: names, types, help, labels, buckets; docs/worker.md
"Metrics" shows it). Label values are bounded: reasons come from the closed `Reason` set, fields
from the policy's drop and known-junk lists and the URL scrubber's fixed labels (any other key is
`unknown_key`, never its name), steps from the engine, partitions from the input topic.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime

from prometheus_client import GC_COLLECTOR, PLATFORM_COLLECTOR, PROCESS_COLLECTOR, CollectorRegistry

from pipeline import __version__
from pipeline.core.day_keys import HeldDays
from pipeline.core.engine import BatchResult, Engine
from pipeline.core.policy import Action
from pipeline.observability import specs
from pipeline.observability.collectors import bulk_histogram, counter, gauge, histogram, info
from pipeline.observability.probes import Health, serve
from pipeline.observability.specs import (  # re-exported: their old home
    BATCH_BUCKETS,
    CLOCKS,
    LATENCY_BUCKETS,
    METRIC_NAMES,
    STEP_BUCKETS,
    UNKNOWN_KEY,
    URL_DROP_LABELS,
)

PREFIX = "anonymizer"
__all__ = [
    "BATCH_BUCKETS",
    "CLOCKS",
    "LATENCY_BUCKETS",
    "METRIC_NAMES",
    "PREFIX",
    "STEP_BUCKETS",
    "UNKNOWN_KEY",
    "URL_DROP_LABELS",
    "WorkerMetrics",
]


class WorkerMetrics:
    """All the worker's series in one registry, made from the table of metric specs."""

    def __init__(
        self,
        engine: Engine,
        *,
        runtime: str,
        master_key_id: str,
        replay_window_s: float,
        active_key_since: datetime | None,
    ) -> None:
        self.registry = r = CollectorRegistry()
        for standard in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            r.register(standard)  # the process's own series, as in the default registry
        self.health = Health()
        self.consumed = counter(specs.EVENTS_CONSUMED, r)
        self.produced = counter(specs.EVENTS_PRODUCED, r)
        self.rejected = counter(specs.EVENTS_REJECTED, r)  # every reason at zero
        self.dropped = counter(specs.FIELDS_DROPPED, r)
        self.batch_size = histogram(specs.BATCH_SIZE, r)
        self.step_seconds = histogram(specs.STEP_DURATION, r)
        self.latency = bulk_histogram(specs.END_TO_END_LATENCY, r)  # both clocks at zero
        self.lag = gauge(specs.CONSUMER_LAG, r)
        self.lag_seconds = gauge(specs.CONSUMER_LAG_SECONDS, r)
        self.transactions = counter(specs.TRANSACTIONS, r)  # both outcomes at zero
        self.key_age = gauge(specs.ACTIVE_KEY_AGE, r)
        self.geoip_build = gauge(specs.GEOIP_BUILD, r)
        self.day_available = gauge(specs.DAY_SECRET_AVAILABLE, r)
        self.days_held = gauge(specs.DAY_SECRETS_HELD, r)
        self.oldest_day_age = gauge(specs.DAY_SECRET_OLDEST_AGE, r)
        self.window = gauge(specs.REPLAY_WINDOW, r)
        self.ready = gauge(specs.READY, r)
        self.ready.set_function(lambda: float(self.health.ready()))
        self.info = info(specs.WORKER_INFO, r)
        self._lag_partitions: set[str] = set()
        self._lag_seconds_partitions: set[str] = set()

        self.drop_fields = frozenset(
            (
                *(rule.name for rule in engine.policy.with_action(Action.DROP)),
                *engine.policy.known_unknown_keys,
                *URL_DROP_LABELS,
            )
        )
        for name in (*sorted(self.drop_fields), UNKNOWN_KEY):
            self.dropped.labels(name)
        for step in engine.steps:
            self.step_seconds.labels(step.name)
        if active_key_since is None:
            self.key_age.set(math.nan)
        else:
            since = active_key_since.timestamp()
            self.key_age.set_function(lambda: time.time() - since)
        self.geoip_build.set(engine.geo.built_at.timestamp())
        self.window.set(replay_window_s)
        self.oldest_day_age.set(math.nan)
        self.info.info(
            {
                "runtime": runtime,
                "policy_version": engine.policy.label,
                "key_id": master_key_id,
                "geo_db": engine.geo.build,
                "version": __version__,
            }
        )

    def serve(self, port: int, addr: str = "0.0.0.0") -> None:
        """Serve /metrics, /healthz and /readyz on `port` (0: do not serve)."""
        if port:
            serve(self.registry, self.health, port, addr)

    def committed(
        self,
        result: BatchResult,
        *,
        size: int,
        event_times_ms: Iterable[int],
        record_times_ms: Iterable[int],
        now: float | None = None,
        transactional: bool = True,
    ) -> None:
        """Account for one committed batch of `size` records (`transactional`: in a Kafka
        transaction; the faust runtime's output is not, and counts no transaction)."""
        now = time.time() if now is None else now
        if transactional:
            self.transactions.labels("committed").inc()
        self.produced.inc(len(result.records))
        reasons = Counter(r.reason.value for r in result.rejects)
        for reason, n in reasons.items():
            self.rejected.labels(reason).inc(n)
        dropped: Counter[str] = Counter()
        for name, n in result.dropped.items():
            dropped[name if name in self.drop_fields else UNKNOWN_KEY] += n
        for name, n in dropped.items():
            self.dropped.labels(name).inc(n)
        self.batch_size.observe(size)
        for step, seconds in result.step_seconds.items():
            self.step_seconds.labels(step).observe(seconds)
        self.latency.observe_many("event_time", (now - t / 1000 for t in event_times_ms))
        self.latency.observe_many("record_time", (now - t / 1000 for t in record_times_ms))

    def watch_day_keys(self, oldest_age_s: Callable[[], float | None]) -> None:
        """Read the oldest held day's age at every scrape (None: NaN)."""

        def age() -> float:
            value = oldest_age_s()
            return math.nan if value is None else value

        self.oldest_day_age.set_function(age)

    def day_keys(self, held: HeldDays | None) -> None:
        """The outcome of the latest attempt to get the day keys (None: unavailable)."""
        self.day_available.set(0 if held is None else 1)
        if held is None:
            self.health.set("day_key", False, "today's day key cannot be had")
        else:
            self.health.set("day_key", True, f"{len(held.keys)} days held")
        self.days_held.set(0 if held is None else len(held.keys))

    def aborted(self) -> None:
        self.transactions.labels("aborted").inc()

    def set_lag(self, lags: dict[int, int], seconds: dict[int, float] | None = None) -> None:
        """Replace the lag series by `lags` (partition -> records) and `seconds` (partition ->
        age of the oldest waiting record; partitions not in it have no seconds series); gone
        partitions disappear."""
        current = {str(p): v for p, v in lags.items()}
        ages = {str(p): v for p, v in (seconds or {}).items() if str(p) in current}
        for gone in self._lag_partitions - current.keys():
            self.lag.remove(gone)
        for gone in self._lag_seconds_partitions - ages.keys():
            self.lag_seconds.remove(gone)
        for partition, value in current.items():
            self.lag.labels(partition).set(value)
        for partition, age in ages.items():
            self.lag_seconds.labels(partition).set(age)
        self._lag_partitions, self._lag_seconds_partitions = set(current), set(ages)
