"""One list of metric names: what a worker's registry exports, the table in pipeline/metrics.py,
the table in docs/worker.md ("Metrics") and `METRIC_NAMES` agree, in the same order."""

from __future__ import annotations

import re
from pathlib import Path

from prometheus_client import generate_latest

import pipeline.metrics
from pipeline.core.engine import Engine
from pipeline.metrics import METRIC_NAMES, WorkerMetrics

METRICS_DOC = Path(__file__).resolve().parents[2] / "docs" / "worker.md"
_ROW = re.compile(r"^\| `(anonymizer_[a-z_]+)` \|", re.MULTILINE)


def test_the_tables_list_the_metric_names_in_order() -> None:
    assert _ROW.findall(pipeline.metrics.__doc__ or "") == list(METRIC_NAMES)
    assert _ROW.findall(METRICS_DOC.read_text()) == list(METRIC_NAMES)


def test_a_worker_exports_exactly_the_listed_metrics() -> None:
    metrics = WorkerMetrics(
        Engine(),
        engine_name="confluent",
        master_key_id="2027q1",
        replay_window_s=72 * 3600,
        active_key_since=None,
    )
    text = generate_latest(metrics.registry).decode()
    types = re.findall(r"^# TYPE (\S+) ", text, flags=re.MULTILINE)
    exported = [t for t in types if not t.endswith("_created")]  # prometheus_client's own
    assert sorted(t for t in exported if t.startswith("anonymizer_")) == sorted(METRIC_NAMES)
    standard = {t for t in exported if not t.startswith("anonymizer_")}
    assert {"process_cpu_seconds_total", "process_resident_memory_bytes", "python_info"} <= standard
    assert all(t.startswith(("process_", "python_")) for t in standard), standard
    assert "anonymizer_ready 0.0" in text  # no engine has reported yet
    assert 'version="' in text
    assert 'key_id="2027q1"' in text  # the master key, not a day key
    assert "anonymizer_replay_window_seconds 259200.0" in text
    assert "anonymizer_day_secret_oldest_age_seconds NaN" in text  # nothing held yet
