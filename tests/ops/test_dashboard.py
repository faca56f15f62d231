"""The Grafana dashboard as code: the committed JSON is what the generator makes, it is an
importable Grafana 11.6 dashboard, and every query is valid PromQL (promtool, as a recording
rule) on series the workers export or the recording rules make."""

from __future__ import annotations

from pathlib import Path

import yaml

from pipeline.observability.metrics import METRIC_NAMES
from tests.ops.dashboard_tool import COMMITTED, committed, generator, names, queries, runnable
from tests.ops.prom_tool import promtool, recorded_names

SUFFIXES = ("_total", "_bucket", "_sum", "_count")
PROCESS = {"process_cpu_seconds_total", "process_resident_memory_bytes"}


def test_the_committed_json_is_what_the_generator_makes() -> None:
    assert COMMITTED.read_text() == generator().render(), (
        "regenerate: python ops/grafana/dashboard.py > ops/grafana/event-anonymizer.json"
    )


def test_the_dashboard_is_importable_as_is() -> None:
    dash = committed()
    assert dash["uid"] == "event-anonymizer" and dash["schemaVersion"] == 41
    assert "id" not in dash  # Grafana assigns it on import
    ids = [panel["id"] for panel in dash["panels"]]
    assert len(ids) == len(set(ids)) and all(isinstance(i, int) and i > 0 for i in ids)
    variables = {v["name"]: v for v in dash["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    assert variables["job"]["query"] == "label_values(anonymizer_worker_info, job)"
    for panel in dash["panels"]:
        if panel["type"] == "row":
            continue
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        ref_ids = [t["refId"] for t in panel["targets"]]
        assert ref_ids and len(ref_ids) == len(set(ref_ids)), panel["title"]
        assert panel["fieldConfig"]["defaults"]["unit"], panel["title"]


def test_the_dashboard_shows_what_the_issue_asks_for() -> None:
    titles = " | ".join(title for title, _, _ in queries(committed()))
    exprs = " ".join(expr for _, _, expr in queries(committed()))
    for wanted in ("Throughput", "Dead letters by reason", "Lag (records)", "Lag (seconds)",
                   "End-to-end latency", "Transactions", "Key and day-secret ages"):  # fmt: skip
        assert wanted in titles
    for series in ("anonymizer_active_key_age_seconds", "anonymizer_day_secret_oldest_age_seconds",
                   "p50_5m", "p99_5m", 'outcome="aborted"', 'outcome="committed"'):  # fmt: skip
        assert series in exprs


def test_every_query_uses_exported_series_only() -> None:
    known = set(METRIC_NAMES) | set(recorded_names()) | PROCESS
    for title, ref, expr in queries(committed()):
        for name in names(expr):
            base = next((name.removesuffix(s) for s in SUFFIXES if name.endswith(s)), name)
            assert name in known or base in known, (title, ref, name)


def test_promtool_checks_every_query_as_a_recording_rule(tmp_path: Path) -> None:
    rules = [
        {"record": f"dashboard:panel_query:{i}", "expr": runnable(expr)}
        for i, (_, _, expr) in enumerate(queries(committed()))
    ]
    path = tmp_path / "dashboard-queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    done = promtool("check", "rules", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"SUCCESS: {len(rules)} rules found" in done.stdout
