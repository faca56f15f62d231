"""The one table of the workers' Prometheus metrics: name, type, help, labels, buckets.

Everything else is derived from `METRICS`: the collectors `WorkerMetrics` registers
(`pipeline.observability.collectors`), `METRIC_NAMES` (the alert and dashboard tests), the
names the live demo reads (`pipeline/dev/demo/metrics.py`) and the table in docs/worker.md
(`pipeline.observability.metric_table`). Names, types, help texts and labels are what the
Prometheus rules, the dashboard and the alerts rely on: change them only together.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pipeline.core.reasons import Reason
from pipeline.core.url.scrub import QUERY_NAME, QUERY_PARAM, REFERRER_INVALID, REFERRER_SCHEME

UNKNOWN_KEY = "unknown_key"
URL_DROP_LABELS = (QUERY_NAME, QUERY_PARAM, REFERRER_SCHEME, REFERRER_INVALID)
CLOCKS = ("event_time", "record_time")
OUTCOMES = ("committed", "aborted")
# Records per batch: up to the largest batch a worker accepts (worker settings' MAX_BATCH_SIZE),
# each profile's default batch (10,000 and 2,000) an exact bound (tests/observability).
BATCH_BUCKETS = (1, 10, 50, 100, 250, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000)
# Engine time per step per batch: the slowest step takes 7-9 µs per event (docs/performance.md;
# tests/observability measures it), 70-90 ms per default batch, ~0.4 s per batch of 50,000.
# A step of a 10,000-event batch takes about 0.1 s on 2 cores, one of a 50,000-event batch (the
# largest allowed) about 0.4 s; up to 2.5 s keeps a loaded machine's batches out of +Inf.
STEP_BUCKETS = (
    1e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
)  # fmt: skip
# Commit time minus event or record time; 30 s is the AnonymizerLatencyHigh threshold.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)


class Kind(StrEnum):
    """The Prometheus type, as `# TYPE` says it."""

    COUNTER = "counter"
    GAUGE = "gauge"
    HISTOGRAM = "histogram"
    INFO = "info"


@dataclass(frozen=True)
class Label:
    """A label; `values` is its closed set (every series exported at zero from the start), empty
    when the values come from elsewhere (the policy, the engine, the assignment)."""

    name: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class MetricSpec:
    """One metric family as exported: `name` as in `# TYPE` (counters with `_total`, the info
    metric with `_info`), `help` the `# HELP` text, `meaning` its row in the docs."""

    name: str
    kind: Kind
    help: str
    meaning: str
    labels: tuple[Label, ...] = ()
    buckets: tuple[float, ...] = ()
    bulk: bool = (
        False  # a histogram observed a batch at a time (pipeline.observability.bulk_histogram)
    )

    @property
    def base_name(self) -> str:
        """The name prometheus-client is given (it appends `_total` or `_info` itself)."""
        suffix = {Kind.COUNTER: "_total", Kind.INFO: "_info"}.get(self.kind, "")
        return self.name.removesuffix(suffix)

    @property
    def label_names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.labels)


def _codes(values: tuple[str, ...]) -> str:
    return ", ".join(f"`{v}`" for v in values)


EVENTS_CONSUMED = MetricSpec(
    "anonymizer_events_consumed_total",
    Kind.COUNTER,
    "Raw records read from the input topic.",
    "raw records read (null values included; a redone batch counts again)",
)
EVENTS_PRODUCED = MetricSpec(
    "anonymizer_events_produced_total",
    Kind.COUNTER,
    "Anonymized records committed.",
    "anonymized records committed",
)
EVENTS_REJECTED = MetricSpec(
    "anonymizer_events_rejected_total",
    Kind.COUNTER,
    "Dead letters committed, by reason.",
    "dead letters committed, by reason",
    (Label("reason", tuple(r.value for r in Reason)),),
)
FIELDS_DROPPED = MetricSpec(
    "anonymizer_fields_dropped_total",
    Kind.COUNTER,
    "Input fields dropped by policy (unknown keys as unknown_key).",
    "fields dropped by policy: a drop field, a known-junk key the policy names, a URL part "
    f"({_codes(URL_DROP_LABELS)}); `{UNKNOWN_KEY}` for any other key, never its name",
    (Label("field"),),
)
BATCH_SIZE = MetricSpec(
    "anonymizer_batch_size",
    Kind.HISTOGRAM,
    "Records per committed batch.",
    "records per committed batch",
    buckets=BATCH_BUCKETS,
)
STEP_DURATION = MetricSpec(
    "anonymizer_step_duration_seconds",
    Kind.HISTOGRAM,
    "Engine time per step per batch.",
    "engine time per step per batch (`step`: the engine's steps)",
    (Label("step"),),
    STEP_BUCKETS,
)
END_TO_END_LATENCY = MetricSpec(
    "anonymizer_end_to_end_latency_seconds",
    Kind.HISTOGRAM,
    "Commit time minus the event time (clock=event_time) or the Kafka record time.",
    "commit time minus `event_time` (the browser's clock) or minus `record_time` (the raw Kafka "
    "record's timestamp)",
    (Label("clock", CLOCKS),),
    LATENCY_BUCKETS,
    bulk=True,
)
CONSUMER_LAG = MetricSpec(
    "anonymizer_consumer_lag",
    Kind.GAUGE,
    "Records behind the high watermark.",
    "records behind the high watermark per assigned partition, refreshed at most once a second",
    (Label("partition"),),
)
CONSUMER_LAG_SECONDS = MetricSpec(
    "anonymizer_consumer_lag_seconds",
    Kind.GAUGE,
    "Age of the oldest waiting record, at most (0 when none waits).",
    "how old the oldest waiting record can be: now minus the Kafka timestamp of the last record "
    "committed from the partition while records wait, 0 when none wait (absent until one is "
    "committed)",
    (Label("partition"),),
)
TRANSACTIONS = MetricSpec(
    "anonymizer_transactions_total",
    Kind.COUNTER,
    "Kafka transactions by outcome.",
    "Kafka transactions by outcome (the faust runtime counts none)",
    (Label("outcome", OUTCOMES),),
)
ACTIVE_KEY_AGE = MetricSpec(
    "anonymizer_active_key_age_seconds",
    Kind.GAUGE,
    "Age of the active key (from ANONYMIZER_ACTIVE_KEY_SINCE; NaN if unknown).",
    "since `ANONYMIZER_ACTIVE_KEY_SINCE` (ISO 8601); NaN when unset",
)
GEOIP_BUILD = MetricSpec(
    "anonymizer_geoip_build_timestamp_seconds",
    Kind.GAUGE,
    "Build time of the GeoIP database.",
    "build time of the GeoIP database (Unix seconds)",
)
DAY_SECRET_AVAILABLE = MetricSpec(
    "anonymizer_day_secret_available",
    Kind.GAUGE,
    "1 while today's day key is held, 0 while it cannot be had (nothing is consumed).",
    "1 while the worker holds today's day key; 0 while it cannot get it (it then consumes nothing)",
)
DAY_SECRETS_HELD = MetricSpec(
    "anonymizer_day_secrets_held",
    Kind.GAUGE,
    "Day keys held in memory.",
    "day keys held in memory (the live days of the window; 0 while unavailable)",
)
DAY_SECRET_OLDEST_AGE = MetricSpec(
    "anonymizer_day_secret_oldest_age_seconds",
    Kind.GAUGE,
    "Seconds since the start of the oldest day whose key is held (NaN if none).",
    "since the start of the oldest day whose key is held (NaN if none); above window + 1 day a "
    "destruction is overdue",
)
REPLAY_WINDOW = MetricSpec(
    "anonymizer_replay_window_seconds",
    Kind.GAUGE,
    "The configured personal-data window.",
    "the configured personal-data window (`ANONYMIZER_REPLAY_WINDOW_HOURS`), for alerts to "
    "compare with",
)
READY = MetricSpec(
    "anonymizer_ready",
    Kind.GAUGE,
    "1 while /readyz answers 200.",
    "1 while `/readyz` answers 200 (every readiness check passes), else 0",
)
WORKER_INFO = MetricSpec(
    "anonymizer_worker_info",
    Kind.INFO,
    "What this worker runs.",
    "constant 1; what this worker runs (`key_id`: the active master key, which wraps the day "
    "secrets)",
    tuple(Label(n) for n in ("runtime", "policy_version", "key_id", "geo_db", "version")),
)

METRICS: tuple[MetricSpec, ...] = (
    EVENTS_CONSUMED,
    EVENTS_PRODUCED,
    EVENTS_REJECTED,
    FIELDS_DROPPED,
    BATCH_SIZE,
    STEP_DURATION,
    END_TO_END_LATENCY,
    CONSUMER_LAG,
    CONSUMER_LAG_SECONDS,
    TRANSACTIONS,
    ACTIVE_KEY_AGE,
    GEOIP_BUILD,
    DAY_SECRET_AVAILABLE,
    DAY_SECRETS_HELD,
    DAY_SECRET_OLDEST_AGE,
    REPLAY_WINDOW,
    READY,
    WORKER_INFO,
)
METRIC_NAMES: tuple[str, ...] = tuple(spec.name for spec in METRICS)
# Besides these, a worker's registry holds prometheus_client's standard process_* (CPU, memory,
# file descriptors, start time), python_info and python_gc_* series.
