"""The Grafana dashboard for the tests: its generator (ops/grafana/dashboard.py), the committed
JSON, and its queries with Grafana's variables replaced so that Prometheus can run them."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "ops" / "grafana" / "dashboard.py"
COMMITTED = ROOT / "ops" / "grafana" / "event-anonymizer.json"
JOB = "event-anonymizer"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("anonymizer_dashboard", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def committed() -> dict[str, Any]:
    return json.loads(COMMITTED.read_text())


def queries(dashboard: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(panel title, ref id, expr) of every query of every panel."""
    return [
        (panel["title"], target["refId"], target["expr"])
        for panel in dashboard["panels"]
        for target in panel.get("targets", [])
    ]


def runnable(expr: str, rate_interval: str = "5m") -> str:
    """`expr` as Prometheus runs it for the job `event-anonymizer`: Grafana's `$job` and
    `$__rate_interval` are the only variables the dashboard uses."""
    out = expr.replace("$__rate_interval", rate_interval).replace("$job", JOB)
    assert "$" not in out, f"a Grafana variable the tests cannot replace: {expr}"
    return out


def names(expr: str) -> set[str]:
    """Series names an expression selects (metric and recording-rule names)."""
    without_strings = re.sub(r'"[^"]*"', '""', expr)
    tokens = re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*(?=\s*[{\[])", without_strings)
    return {t for t in tokens if t not in ("by", "without", "on", "ignoring")}
