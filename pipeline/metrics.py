"""The stream workers' Prometheus metrics, defined once for every engine and for the live demo.

Every worker (confluent-kafka today, others later) creates one `WorkerMetrics`, which owns its
own `CollectorRegistry`, and serves it with `serve(port)`. Label values are bounded: reasons come
from the closed `Reason` set, fields from the policy's drop and known-junk lists and the URL
scrubber's fixed labels (any other key is `unknown_key`, never its name), steps from the engine, partitions from the input topic.

| metric | type | labels | meaning |
|---|---|---|---|
| `anonymizer_events_consumed_total` | counter | | raw records read from the input topic (null values included; redone batches count again) |
| `anonymizer_events_produced_total` | counter | | anonymized records committed to the output topic |
| `anonymizer_events_rejected_total` | counter | `reason` | dead letters committed, by `Reason` |
| `anonymizer_fields_dropped_total` | counter | `field` | input fields dropped by policy (`field` = a drop field, a key the policy lists as known junk, a URL part: `url.query_name`, `url.query_param`, `referrer.scheme`, `referrer.invalid`; any other key is `unknown_key`) |
| `anonymizer_batch_size` | histogram | | records per committed batch (buckets 1..50,000; the default batch is 10,000) |
| `anonymizer_step_duration_seconds` | histogram | `step` | engine time per step per batch (sub-ms buckets) |
| `anonymizer_end_to_end_latency_seconds` | histogram | `clock` | commit time minus `event_time` (the event's own clock) or `record_time` (the Kafka record timestamp); 5 ms .. 10 min |
| `anonymizer_consumer_lag` | gauge | `partition` | records behind the high watermark, per assigned input partition (refreshed at most once a second) |
| `anonymizer_consumer_lag_seconds` | gauge | `partition` | how old the oldest waiting record is, at most: now minus the Kafka timestamp of the last record committed from the partition while records wait, 0 when none wait (absent until one is committed) |
| `anonymizer_transactions_total` | counter | `outcome` | Kafka transactions `committed` or `aborted` |
| `anonymizer_active_key_age_seconds` | gauge | | age of the active key from `ANONYMIZER_ACTIVE_KEY_SINCE` (NaN if unset) |
| `anonymizer_geoip_build_timestamp_seconds` | gauge | | build time of the GeoIP database (Unix seconds) |
| `anonymizer_day_secret_available` | gauge | | 1 while the worker holds today's day key, 0 while it cannot get it (it then consumes nothing) |
| `anonymizer_day_secrets_held` | gauge | | day keys held in memory (the live days of the window; 0 while unavailable) |
| `anonymizer_day_secret_oldest_age_seconds` | gauge | | seconds since the start of the oldest day whose key is held (NaN if none); above window + 1 day a destruction is overdue |
| `anonymizer_replay_window_seconds` | gauge | | the configured personal-data window (`ANONYMIZER_REPLAY_WINDOW_HOURS`), for alerts to compare with |
| `anonymizer_ready` | gauge | | 1 while `/readyz` answers 200 (every readiness check passes), else 0 |
| `anonymizer_worker_info` | info | `engine`, `policy_version`, `key_id`, `geo_db`, `version` | constant 1; what this worker runs (`key_id`: the active master key, which wraps the day secrets) |
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Gauge,
    Histogram,
    Info,
)
from prometheus_client import Counter as PromCounter

from pipeline import __version__
from pipeline.bulk_histogram import BulkHistogram
from pipeline.core.day_keys import HeldDays
from pipeline.core.engine import BatchResult, Engine
from pipeline.core.policy import Action
from pipeline.core.reasons import Reason
from pipeline.core.scrub_url import QUERY_NAME, QUERY_PARAM, REFERRER_INVALID, REFERRER_SCHEME
from pipeline.probes import Health, serve

PREFIX = "anonymizer"
UNKNOWN_KEY = "unknown_key"
URL_DROP_LABELS = (QUERY_NAME, QUERY_PARAM, REFERRER_SCHEME, REFERRER_INVALID)
CLOCKS = ("event_time", "record_time")
BATCH_BUCKETS = (1, 10, 50, 100, 250, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000)
STEP_BUCKETS = (1e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.5)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)

METRIC_NAMES = (
    "anonymizer_events_consumed_total",
    "anonymizer_events_produced_total",
    "anonymizer_events_rejected_total",
    "anonymizer_fields_dropped_total",
    "anonymizer_batch_size",
    "anonymizer_step_duration_seconds",
    "anonymizer_end_to_end_latency_seconds",
    "anonymizer_consumer_lag",
    "anonymizer_consumer_lag_seconds",
    "anonymizer_transactions_total",
    "anonymizer_active_key_age_seconds",
    "anonymizer_geoip_build_timestamp_seconds",
    "anonymizer_day_secret_available",
    "anonymizer_day_secrets_held",
    "anonymizer_day_secret_oldest_age_seconds",
    "anonymizer_replay_window_seconds",
    "anonymizer_ready",
    "anonymizer_worker_info",
)
# Besides these, the registry holds prometheus_client's standard process_* (CPU, memory, file
# descriptors, start time), python_info and python_gc_* series.


class WorkerMetrics:
    """All the worker's series in one registry; see the module docstring for the table."""

    def __init__(
        self,
        engine: Engine,
        *,
        engine_name: str,
        master_key_id: str,
        replay_window_s: float,
        active_key_since: datetime | None,
    ) -> None:
        self.registry = r = CollectorRegistry()
        for standard in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            r.register(standard)  # the process's own series, as in the default registry
        self.health = Health()
        self.consumed = PromCounter(
            f"{PREFIX}_events_consumed", "Raw records read from the input topic.", registry=r
        )
        self.produced = PromCounter(
            f"{PREFIX}_events_produced", "Anonymized records committed.", registry=r
        )
        self.rejected = PromCounter(
            f"{PREFIX}_events_rejected",
            "Dead letters committed, by reason.",
            ["reason"],
            registry=r,
        )
        self.dropped = PromCounter(
            f"{PREFIX}_fields_dropped",
            "Input fields dropped by policy (unknown keys as unknown_key).",
            ["field"],
            registry=r,
        )
        self.batch_size = Histogram(
            f"{PREFIX}_batch_size",
            "Records per committed batch.",
            buckets=BATCH_BUCKETS,
            registry=r,
        )
        self.step_seconds = Histogram(
            f"{PREFIX}_step_duration_seconds",
            "Engine time per step per batch.",
            ["step"],
            buckets=STEP_BUCKETS,
            registry=r,
        )
        self.latency = BulkHistogram(
            f"{PREFIX}_end_to_end_latency_seconds",
            "Commit time minus the event time (clock=event_time) or the Kafka record time.",
            "clock",
            LATENCY_BUCKETS,
        )
        r.register(self.latency)
        self.lag = Gauge(
            f"{PREFIX}_consumer_lag",
            "Records behind the high watermark.",
            ["partition"],
            registry=r,
        )
        self.lag_seconds = Gauge(
            f"{PREFIX}_consumer_lag_seconds",
            "Age of the oldest waiting record, at most (0 when none waits).",
            ["partition"],
            registry=r,
        )
        self.transactions = PromCounter(
            f"{PREFIX}_transactions", "Kafka transactions by outcome.", ["outcome"], registry=r
        )
        self.key_age = Gauge(
            f"{PREFIX}_active_key_age_seconds",
            "Age of the active key (from ANONYMIZER_ACTIVE_KEY_SINCE; NaN if unknown).",
            registry=r,
        )
        self.geoip_build = Gauge(
            f"{PREFIX}_geoip_build_timestamp_seconds",
            "Build time of the GeoIP database.",
            registry=r,
        )
        self.day_available = Gauge(
            f"{PREFIX}_day_secret_available",
            "1 while today's day key is held, 0 while it cannot be had (nothing is consumed).",
            registry=r,
        )
        self.days_held = Gauge(f"{PREFIX}_day_secrets_held", "Day keys held in memory.", registry=r)
        self.oldest_day_age = Gauge(
            f"{PREFIX}_day_secret_oldest_age_seconds",
            "Seconds since the start of the oldest day whose key is held (NaN if none).",
            registry=r,
        )
        self.window = Gauge(
            f"{PREFIX}_replay_window_seconds", "The configured personal-data window.", registry=r
        )
        self.ready = Gauge(f"{PREFIX}_ready", "1 while /readyz answers 200.", registry=r)
        self.ready.set_function(lambda: float(self.health.ready()))
        self.info = Info(f"{PREFIX}_worker", "What this worker runs.", registry=r)
        self._lag_partitions: set[str] = set()
        self._lag_seconds_partitions: set[str] = set()

        self.drop_fields = frozenset(
            (
                *(rule.name for rule in engine.policy.with_action(Action.DROP)),
                *engine.policy.known_unknown_keys,
                *URL_DROP_LABELS,
            )
        )
        for reason in Reason:
            self.rejected.labels(reason.value)
        for name in (*sorted(self.drop_fields), UNKNOWN_KEY):
            self.dropped.labels(name)
        for step in engine.steps:
            self.step_seconds.labels(step.name)
        for outcome in ("committed", "aborted"):
            self.transactions.labels(outcome)
        for clock in CLOCKS:
            self.latency.labels(clock)
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
                "engine": engine_name,
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
        transaction; the faust engine's output is not, and counts no transaction)."""
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
