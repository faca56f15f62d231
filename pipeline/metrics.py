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
| `anonymizer_transactions_total` | counter | `outcome` | Kafka transactions `committed` or `aborted` |
| `anonymizer_active_key_age_seconds` | gauge | | age of the active key from `ANONYMIZER_ACTIVE_KEY_SINCE` (NaN if unset) |
| `anonymizer_geoip_build_timestamp_seconds` | gauge | | build time of the GeoIP database (Unix seconds) |
| `anonymizer_worker_info` | info | `engine`, `policy_version`, `key_id`, `geo_db`, `version` | constant 1; what this worker runs |
"""

from __future__ import annotations

import math
import threading
import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from prometheus_client import CollectorRegistry, Gauge, Histogram, Info, start_http_server
from prometheus_client import Counter as PromCounter
from prometheus_client.metrics_core import HistogramMetricFamily, Metric

from pipeline import __version__
from pipeline.core.engine import BatchResult, Engine
from pipeline.core.policy import Action
from pipeline.core.reasons import Reason
from pipeline.core.scrub_url import QUERY_NAME, QUERY_PARAM, REFERRER_INVALID, REFERRER_SCHEME

PREFIX = "anonymizer"
UNKNOWN_KEY = "unknown_key"
URL_DROP_LABELS = (QUERY_NAME, QUERY_PARAM, REFERRER_SCHEME, REFERRER_INVALID)
CLOCKS = ("event_time", "record_time")
BATCH_BUCKETS = (
    1,
    10,
    50,
    100,
    250,
    500,
    1000,
    2000,
    5000,
    10_000,
    20_000,
    50_000,
)  # default 10,000
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
    "anonymizer_transactions_total",
    "anonymizer_active_key_age_seconds",
    "anonymizer_geoip_build_timestamp_seconds",
    "anonymizer_worker_info",
)


class BulkHistogram:
    """A labelled histogram observed a whole batch at a time (one lock per batch, not per value).

    prometheus-client's Histogram takes a lock per `observe`; latencies arrive thousands per batch.
    """

    def __init__(self, name: str, documentation: str, label: str, buckets: Sequence[float]):
        self.name, self.documentation, self.label = name, documentation, label
        self.bounds = tuple(float(b) for b in buckets)
        self._lock = threading.Lock()
        self._series: dict[str, tuple[list[int], list[float]]] = {}

    def labels(self, value: str) -> None:
        """Create the series for `value` (at zero) so it is exported before the first sample."""
        with self._lock:
            self._series.setdefault(value, ([0] * (len(self.bounds) + 1), [0.0]))

    def observe_many(self, value: str, samples: Iterable[float]) -> None:
        bounds = self.bounds
        counts = [0] * (len(bounds) + 1)
        total = 0.0
        for s in samples:
            counts[bisect_left(bounds, s)] += 1
            total += s
        with self._lock:
            buckets, sums = self._series.setdefault(value, ([0] * (len(bounds) + 1), [0.0]))
            for i, c in enumerate(counts):
                if c:
                    buckets[i] += c
            sums[0] += total

    def collect(self) -> Iterator[Metric]:
        family = HistogramMetricFamily(self.name, self.documentation, labels=[self.label])
        with self._lock:
            series = {k: (list(b), s[0]) for k, (b, s) in self._series.items()}
        for value, (buckets, total) in sorted(series.items()):
            cumulative, running = [], 0
            for bound, count in zip((*self.bounds, math.inf), buckets, strict=True):
                running += count
                cumulative.append((_bound(bound), running))
            family.add_metric([value], cumulative, total)
        yield family


def _bound(bound: float) -> str:
    return "+Inf" if math.isinf(bound) else repr(bound)


class WorkerMetrics:
    """All the worker's series in one registry; see the module docstring for the table."""

    def __init__(self, engine: Engine, *, engine_name: str, active_key_since: datetime | None):
        self.registry = r = CollectorRegistry()
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
        self.info = Info(f"{PREFIX}_worker", "What this worker runs.", registry=r)
        self._lag_partitions: set[str] = set()

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
        self.info.info(
            {
                "engine": engine_name,
                "policy_version": engine.policy.label,
                "key_id": engine.keys.active.key_id,
                "geo_db": engine.geo.build,
                "version": __version__,
            }
        )

    def serve(self, port: int, addr: str = "0.0.0.0") -> None:
        """Serve /metrics on `port` (0: do not serve)."""
        if port:
            start_http_server(port, addr=addr, registry=self.registry)

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

    def aborted(self) -> None:
        self.transactions.labels("aborted").inc()

    def set_lag(self, lags: dict[int, int]) -> None:
        """Replace the lag series by `lags` (partition -> records); gone partitions disappear."""
        current = {str(p): v for p, v in lags.items()}
        for gone in self._lag_partitions - current.keys():
            self.lag.remove(gone)
        for partition, value in current.items():
            self.lag.labels(partition).set(value)
        self._lag_partitions = set(current)
