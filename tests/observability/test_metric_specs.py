"""The table of metric specs is the only source of metrics: a worker registers nothing outside
it, nothing in `pipeline/` makes a metric but its factories, and every histogram's buckets fit
the defaults (batch sizes, measured step times, the latency alert)."""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.metrics_core import Metric

from pipeline.config.worker import MAX_BATCH_SIZE, PROFILES, WorkerSettings
from pipeline.core.engine import Engine
from pipeline.observability import collectors
from pipeline.observability.metrics import WorkerMetrics
from pipeline.observability.specs import (
    BATCH_SIZE,
    END_TO_END_LATENCY,
    METRICS,
    Kind,
    MetricSpec,
)

ROOT = Path(__file__).resolve().parents[2]
PIPELINE = ROOT / "pipeline"
ALERTS = ROOT / "ops" / "prometheus" / "alerts.yml"
# Where metric objects may be made: the factories, and the bulk histogram's own collect().
MAKERS = {
    PIPELINE / "observability" / "collectors.py",
    PIPELINE / "observability" / "bulk_histogram.py",
}
METRIC_CLASSES = {"Counter", "Gauge", "Histogram", "Summary", "Info", "Enum", "BulkHistogram"}


def _families() -> dict[str, Metric]:
    metrics = WorkerMetrics(
        Engine(),
        runtime="confluent",
        master_key_id="k1",
        replay_window_s=3600.0,
        active_key_since=None,
    )
    metrics.set_lag({0: 5}, {0: 1.5})  # so that every family has series
    return {f.name: f for f in metrics.registry.collect() if f.name.startswith("anonymizer_")}


def test_a_worker_registers_the_table_and_nothing_else() -> None:
    families = _families()
    assert sorted(families) == sorted(s.base_name for s in METRICS)
    for spec in METRICS:
        family = families[spec.base_name]  # collect() drops _total, _info
        assert (family.type, family.documentation) == (spec.kind, spec.help), spec.name
        sample_labels = {k for s in family.samples for k in s.labels} - {"le"}
        assert sample_labels == set(spec.label_names), spec.name
        for label in spec.labels:  # a closed set: every value exported from the start
            if label.values:
                seen = {s.labels[label.name] for s in family.samples}
                assert seen == set(label.values), (spec.name, label.name)
        if spec.kind is Kind.HISTOGRAM:
            bounds = {float(s.labels["le"]) for s in family.samples if s.name.endswith("_bucket")}
            assert bounds == {*map(float, spec.buckets), math.inf}, spec.name


def _made_metrics(path: Path) -> list[int]:
    """Lines of `path` that call a metric class (prometheus_client's, or the bulk histogram)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    local: set[str] = set()  # the names the classes are known by in this module
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and (
                node.module.startswith("prometheus_client")
                or node.module.endswith("bulk_histogram")
            )
        ):
            local |= {a.asname or a.name for a in node.names if a.name in METRIC_CLASSES}
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        by_name = isinstance(func, ast.Name) and func.id in local
        # prometheus_client.Gauge(...); not `.Counter`, which collections has too
        by_attribute = isinstance(func, ast.Attribute) and func.attr in METRIC_CLASSES - {"Counter"}
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if by_name or by_attribute or name.endswith("MetricFamily"):
            lines.append(node.lineno)
    return lines


def test_no_metric_is_made_outside_the_table() -> None:
    outside = {
        str(path.relative_to(ROOT)): lines
        for path in sorted(PIPELINE.rglob("*.py"))
        if path not in MAKERS and (lines := _made_metrics(path))
    }
    assert outside == {}, "make metrics from pipeline/observability/specs.py through collectors"
    assert _made_metrics(PIPELINE / "observability" / "collectors.py")  # the scan sees them


def test_the_factories_refuse_a_spec_outside_the_table() -> None:
    stray = MetricSpec("anonymizer_stray_total", Kind.COUNTER, "Not in the table.", "stray")
    with pytest.raises(ValueError, match="not in the table"):
        collectors.counter(stray, CollectorRegistry())
    with pytest.raises(ValueError, match="not a counter"):
        collectors.counter(BATCH_SIZE, CollectorRegistry())


def test_histogram_buckets_increase() -> None:
    for spec in METRICS:
        assert bool(spec.buckets) == (spec.kind is Kind.HISTOGRAM), spec.name
        assert list(spec.buckets) == sorted(set(spec.buckets)), spec.name


def test_the_batch_size_buckets_include_the_default_batch_size() -> None:
    bounds = set(BATCH_SIZE.buckets)
    default = WorkerSettings.model_fields["batch_size"].default
    assert default in bounds  # a full default batch lands in its own bucket, not in +Inf
    assert {p["batch_size"] for p in PROFILES.values()} <= bounds  # each profile's batch too
    assert max(bounds) == MAX_BATCH_SIZE  # the largest batch allowed: never in +Inf


def test_the_latency_buckets_hold_the_alert_thresholds() -> None:
    """histogram_quantile is exact at a bucket bound: every threshold an alert compares the
    latency histogram with is one, below the top bound."""
    text = ALERTS.read_text(encoding="utf-8")
    pattern = rf"{END_TO_END_LATENCY.name}_bucket.*?\)\)\)\s*>\s*([0-9.]+)"
    thresholds = [float(t) for t in re.findall(pattern, text)]
    assert thresholds, "the latency alert was not found"
    for threshold in thresholds:
        assert threshold in END_TO_END_LATENCY.buckets
        assert threshold < END_TO_END_LATENCY.buckets[-1]
