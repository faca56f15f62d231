"""One table of metric specs: a worker's registry exports exactly it, docs/worker.md ("Metrics")
holds the table rendered from it, and the rules and the dashboard select only its labels."""

from __future__ import annotations

import re
from pathlib import Path

from prometheus_client import generate_latest

from pipeline.core.engine import Engine
from pipeline.observability import metric_table
from pipeline.observability.metrics import METRIC_NAMES, WorkerMetrics
from pipeline.observability.specs import METRICS
from tests.ops.dashboard_tool import committed, queries
from tests.ops.prom_tool import PROM_DIR, rules

METRICS_DOC = Path(__file__).resolve().parents[2] / "docs" / "worker.md"
SUFFIXES = ("_bucket", "_sum", "_count")
_SELECTOR = re.compile(r"\b(anonymizer_[a-z_]+)\{([^}]*)\}")
_MATCHER = re.compile(r'(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"')


def _block(path: Path, start: str, end: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert start in text and end in text, f"{path.name} lacks {start} ... {end}"
    return text[text.index(start) : text.index(end) + len(end)]


def test_the_docs_table_is_the_one_rendered_from_the_specs() -> None:
    block = _block(METRICS_DOC, metric_table.START, metric_table.END)
    assert block == metric_table.docs_block(), (
        "paste `python -c 'from pipeline.observability import metric_table as t; "
        "print(t.docs_block())'` into docs/worker.md"
    )
    assert re.findall(r"^\| `(anonymizer_[a-z_]+)` \|", block, re.MULTILINE) == list(METRIC_NAMES)


def test_a_worker_exports_exactly_the_listed_metrics() -> None:
    metrics = WorkerMetrics(
        Engine(),
        runtime="confluent",
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


def _expressions() -> list[tuple[str, str]]:
    found = [
        (rule.get("alert") or rule["record"], rule["expr"])
        for path in (PROM_DIR / "alerts.yml", PROM_DIR / "recording.yml")
        for rule in rules(path)
    ]
    return found + [(f"{title} {ref}", expr) for title, ref, expr in queries(committed())]


def test_rules_and_dashboard_select_labels_and_values_the_specs_have() -> None:
    specs = {spec.name: spec for spec in METRICS}
    checked = 0
    for where, expr in _expressions():
        for name, matchers in _SELECTOR.findall(expr):
            spec = specs[next((name.removesuffix(s) for s in SUFFIXES if name.endswith(s)), name)]
            labels = {label.name: label.values for label in spec.labels}
            allowed = (
                {"job", "instance"}
                | labels.keys()
                | ({"le"} if name.endswith("_bucket") else set())
            )
            for label, op, value in _MATCHER.findall(matchers):
                assert label in allowed, (where, name, label)
                if op == "=" and labels.get(label):
                    assert value in labels[label], (where, name, label, value)
                checked += 1
    assert checked >= 10  # the selectors were found at all
