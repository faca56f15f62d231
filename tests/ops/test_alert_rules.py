"""The alerting and recording rules reference only metrics the workers export, every alert links
to a runbook section, fires in a promtool unit test, and every recording rule is unit-tested."""

from __future__ import annotations

import re

import yaml

from pipeline.observability.metrics import METRIC_NAMES
from tests.ops.prom_tool import PROM_DIR, ROOT, recorded_names, rules

RUNBOOK = ROOT / "ops" / "RUNBOOK.md"
TESTS = PROM_DIR / "tests"
SUFFIXES = ("_bucket", "_sum", "_count")


def _metrics_in(expr: str) -> set[str]:
    used = set(re.findall(r"\banonymizer_[a-z_]+", expr))
    return {next((u.removesuffix(s) for s in SUFFIXES if u.endswith(s)), u) for u in used}


def test_rules_use_exported_metrics_only() -> None:
    exported = set(METRIC_NAMES)
    for path in (PROM_DIR / "alerts.yml", PROM_DIR / "recording.yml"):
        for rule in rules(path):
            name = rule.get("alert") or rule["record"]
            assert _metrics_in(rule["expr"]) <= exported, (name, _metrics_in(rule["expr"]))


def test_every_alert_links_to_a_runbook_section_and_has_a_severity() -> None:
    anchors = set(re.findall(r"^## (\S+)$", RUNBOOK.read_text(), flags=re.MULTILINE))
    for rule in rules(PROM_DIR / "alerts.yml"):
        url = rule["annotations"]["runbook_url"]
        page, _, anchor = url.partition("#")
        assert page == "ops/RUNBOOK.md" and anchor in anchors, (rule["alert"], url)
        assert "runbook" not in rule["annotations"], "runbook_url, the usual name"
        assert rule["labels"]["severity"] in {"page", "ticket"}
        assert rule["annotations"]["summary"]


def test_every_alert_fires_in_a_unit_test() -> None:
    fired: set[str] = set()
    quiet: set[str] = set()
    for case in yaml.safe_load((TESTS / "alerts.test.yml").read_text())["tests"]:
        for check in case.get("alert_rule_test", []):
            (fired if check["exp_alerts"] else quiet).add(check["alertname"])
    alerts = {rule["alert"] for rule in rules(PROM_DIR / "alerts.yml")}
    assert alerts - fired == set(), "alerts never seen firing in tests/alerts.test.yml"
    assert fired <= alerts
    assert len(quiet) >= len(alerts) // 2  # and most have a case where they must stay quiet


def test_every_recording_rule_is_unit_tested() -> None:
    tested = {
        check["expr"]
        for case in yaml.safe_load((TESTS / "recording.test.yml").read_text())["tests"]
        for check in case.get("promql_expr_test", [])
    }
    assert set(recorded_names()) <= tested
