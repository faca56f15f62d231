"""The alert rules parse, reference only metrics the workers export, and link to the runbook."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from pipeline.metrics import METRIC_NAMES

OPS = Path(__file__).resolve().parents[2] / "ops"


def test_alerts_use_exported_metrics_and_existing_runbook_sections() -> None:
    rules = yaml.safe_load((OPS / "prometheus" / "alerts.yml").read_text())["groups"][0]["rules"]
    runbook = (OPS / "RUNBOOK.md").read_text()
    anchors = {m.lower() for m in re.findall(r"^## (\S+)$", runbook, flags=re.MULTILINE)}
    exported = set(METRIC_NAMES)
    for rule in rules:
        used = set(re.findall(r"anonymizer_[a-z_]+", rule["expr"]))
        histograms = {u.removesuffix("_bucket") for u in used}
        assert histograms <= exported, (rule["alert"], histograms - exported)
        assert rule["annotations"]["runbook"].split("#")[1] in anchors
        assert rule["labels"]["severity"] in {"page", "ticket"}
