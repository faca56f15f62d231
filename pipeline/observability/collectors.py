"""Prometheus collectors made from the specs in `pipeline.observability.specs`, and only from them.

Each factory takes a spec of `METRICS` and registers its collector in the given registry, with
the spec's name, help, label names and buckets; the series of a closed label set exist at zero
from the start. Metric objects are made nowhere else (tests/observability checks it).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info

from pipeline.observability.bulk_histogram import BulkHistogram
from pipeline.observability.specs import METRICS, Kind, MetricSpec


def _checked(spec: MetricSpec, kind: Kind) -> MetricSpec:
    if spec not in METRICS:
        raise ValueError(f"{spec.name} is not in the table of metrics (observability/specs.py)")
    if spec.kind is not kind or spec.bulk:
        raise ValueError(f"{spec.name} is a {'bulk ' * spec.bulk}{spec.kind}, not a {kind}")
    return spec


def _closed_series(spec: MetricSpec, metric: Counter | Gauge | Histogram) -> None:
    """Create the series of the closed label set (one label at most has one)."""
    for label in spec.labels:
        for value in label.values:
            metric.labels(**{label.name: value})


def counter(spec: MetricSpec, registry: CollectorRegistry) -> Counter:
    """The counter of `spec`."""
    _checked(spec, Kind.COUNTER)
    made = Counter(spec.base_name, spec.help, spec.label_names, registry=registry)
    _closed_series(spec, made)
    return made


def gauge(spec: MetricSpec, registry: CollectorRegistry) -> Gauge:
    """The gauge of `spec`."""
    _checked(spec, Kind.GAUGE)
    made = Gauge(spec.base_name, spec.help, spec.label_names, registry=registry)
    _closed_series(spec, made)
    return made


def histogram(spec: MetricSpec, registry: CollectorRegistry) -> Histogram:
    """The histogram of `spec`, with its buckets."""
    _checked(spec, Kind.HISTOGRAM)
    made = Histogram(
        spec.base_name, spec.help, spec.label_names, buckets=spec.buckets, registry=registry
    )
    _closed_series(spec, made)
    return made


def bulk_histogram(spec: MetricSpec, registry: CollectorRegistry) -> BulkHistogram:
    """The histogram of `spec`, observed a batch at a time (one label)."""
    if spec not in METRICS or spec.kind is not Kind.HISTOGRAM or not spec.bulk:
        raise ValueError(f"{spec.name} is not a bulk histogram of the table")
    (label,) = spec.labels
    made = BulkHistogram(spec.base_name, spec.help, label.name, spec.buckets)
    for value in label.values:
        made.labels(value)
    registry.register(made)
    return made


def info(spec: MetricSpec, registry: CollectorRegistry) -> Info:
    """The info metric of `spec` (its labels are the keys `Info.info` is given)."""
    _checked(spec, Kind.INFO)
    return Info(spec.base_name, spec.help, registry=registry)
