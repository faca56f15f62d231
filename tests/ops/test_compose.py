"""compose.yaml, as far as it can be checked without a container runtime (none here): what it
mounts and builds exists, the commands and settings it gives the image are real ones, and the
Prometheus it starts gets a configuration the real promtool accepts, scraping the worker."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import yaml

from pipeline.cli.main import build_parser
from pipeline.config.table import SECTIONS
from tests.ops.prom_tool import promtool

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose.yaml"
SETTINGS = {f"ANONYMIZER_{name.upper()}" for _, cls in SECTIONS for name in cls.model_fields}


def services() -> dict[str, dict[str, Any]]:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def binds(service: dict[str, Any]) -> list[tuple[Path, str]]:
    """(source on this machine, target in the container) of each bind mount."""
    out = []
    for volume in service.get("volumes", []):
        source, target = volume.split(":")[:2]
        if source.startswith("."):
            out.append((ROOT / source, target))
    return out


def test_builds_and_mounts_exist() -> None:
    for name, service in services().items():
        if "build" in service:
            assert (ROOT / service["build"] / "Dockerfile").is_file(), name
        for source, _target in binds(service):
            assert source.is_file(), f"{name}: {source}"


def test_project_services_run_real_commands_with_real_settings() -> None:
    ours = {n: s for n, s in services().items() if s.get("image", "").startswith("event-")}
    assert set(ours) == {"topics", "worker", "traffic"}
    for name, service in ours.items():
        args = build_parser().parse_args(service["command"])  # exits on an unknown option
        assert args.command == service["command"][0], name
        unknown = {k for k in service["environment"] if k.startswith("ANONYMIZER_")} - SETTINGS
        assert not unknown, f"{name}: {unknown}"
        single_node = service["environment"]["ANONYMIZER_TOPIC_REPLICATION_FACTOR"]
        assert single_node == "1", name  # one broker in this file
    worker = ours["worker"]["environment"]
    assert worker["ANONYMIZER_INSTANCE_ID"]  # stable across restarts
    assert "ANONYMIZER_KEYS" in worker and "${ANONYMIZER_KEYS:?" in worker["ANONYMIZER_KEYS"]


def test_prometheus_config_as_mounted_passes_promtool_and_scrapes_the_worker(
    tmp_path: Path,
) -> None:
    prometheus = services()["prometheus"]
    etc = tmp_path / "etc"
    for source, target in binds(prometheus):  # lay the files out as the container sees them
        assert target.startswith("/etc/prometheus/"), target
        path = etc / target.removeprefix("/etc/prometheus/")
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, path)
    flags = prometheus["command"]
    assert "--config.file=/etc/prometheus/prometheus.yml" in flags
    done = promtool("check", "config", str(etc / "prometheus.yml"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout + done.stderr
    config = yaml.safe_load((etc / "prometheus.yml").read_text())
    job = next(j for j in config["scrape_configs"] if j["job_name"] == "event-anonymizer")
    patterns = [f for sd in job["file_sd_configs"] for f in sd["files"]]
    targets = [
        t
        for pattern in patterns
        for file in sorted(etc.glob(pattern))
        for group in json.loads(file.read_text())
        for t in group["targets"]
    ]
    port = services()["worker"]["environment"]["ANONYMIZER_METRICS_PORT"]
    assert targets == [f"worker:{port}"]
