"""The real Prometheus 3.16 with the project's configuration and rules scrapes a real worker on
the session broker: the target is up, every recording rule produces series, every rule
evaluates without error, and every dashboard query returns data. Intervals are shortened to
1 s; everything else in ops/prometheus/ is used as it is."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from confluent_kafka.admin import AdminClient

from pipeline.config.kafka import KafkaSettings
from pipeline.kafka.broker import EmbeddedBroker, free_port
from pipeline.kafka.topics import apply, load_topics, plan
from tests.ops.dashboard_tool import committed, queries, runnable
from tests.ops.prom_tool import PROM_DIR, recorded_names, rules, tool
from tests.unique_topics import unique_settings
from tests.worker.processes import WorkerProcess, worker_env
from tests.worker.worker_helpers import Raw, committed_total, produce_raw, traffic, wait_until

pytestmark = pytest.mark.kafka
JOB = "event-anonymizer"


class Prometheus:
    """A prometheus server on a free port, its data and log in `home`."""

    def __init__(self, home: Path, target: str) -> None:
        self.home, self.port = home, free_port()
        for name in ("prometheus.yml", "alerts.yml", "recording.yml"):
            shutil.copy(PROM_DIR / name, home / name)
        config = yaml.safe_load((home / "prometheus.yml").read_text())
        config["global"] = {"scrape_interval": "1s", "evaluation_interval": "1s"}
        (home / "prometheus.yml").write_text(yaml.safe_dump(config))
        (home / "targets").mkdir()
        (home / "targets" / "worker.json").write_text(json.dumps([{"targets": [target]}]))
        self.log = (home / "prometheus.log").open("wb")
        self.proc = subprocess.Popen(
            [
                str(tool("prometheus")),
                f"--config.file={home / 'prometheus.yml'}",
                f"--storage.tsdb.path={home / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    def api(self, path: str, **params: str) -> Any:
        url = f"http://127.0.0.1:{self.port}/api/v1/{path}?{urllib.parse.urlencode(params)}"
        with urllib.request.urlopen(url, timeout=10) as response:
            body = json.loads(response.read())
        assert body["status"] == "success", body
        return body["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        return self.api("query", query=expr)["result"]

    def ready(self) -> bool:
        assert self.proc.poll() is None, (self.home / "prometheus.log").read_text()[-3000:]
        try:
            url = f"http://127.0.0.1:{self.port}/-/ready"
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.log.close()


@pytest.fixture(scope="module")
def stack(
    kafka_broker: EmbeddedBroker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Prometheus, KafkaSettings]]:
    """Topics, a worker with its metrics port, and Prometheus scraping it; traffic produced
    after the first scrape so that every rate has increases to show."""
    tool("prometheus")  # skip (or fail under CI) before starting anything
    home = tmp_path_factory.mktemp("live-prometheus")
    settings = unique_settings(kafka_broker.bootstrap)
    admin = AdminClient(settings.admin_config())
    apply(admin, plan(admin, load_topics(settings=settings)))
    port = free_port()
    env = worker_env(
        settings, ANONYMIZER_METRICS_PORT=str(port), ANONYMIZER_ACTIVE_KEY_SINCE="2026-10-01"
    )
    worker = WorkerProcess(env, home / "worker.log", "--instance-id", "live", "--batch-size", "200")
    prometheus = Prometheus(home, f"127.0.0.1:{port}")
    try:
        worker.wait_for_log("worker live started", 60)
        wait_until(prometheus.ready, 60, "prometheus ready", 0.2)
        wait_until(lambda: prometheus.query(f'up{{job="{JOB}"}} == 1') != [], 60,
                   "the first scrape of the worker", 0.5)  # fmt: skip
        raw = produce_raw(settings, traffic(3_000, garbage=0.1, seed=14), Raw())
        wait_until(lambda: committed_total(settings) >= len(raw), 120, "traffic processed", 0.5,
                   check=worker._check_alive)  # fmt: skip
        yield prometheus, settings
    finally:
        prometheus.stop()
        worker.stop()


def test_prometheus_scrapes_the_worker_and_evaluates_every_rule(stack) -> None:
    prometheus, _ = stack
    targets = prometheus.api("targets")["activeTargets"]
    assert [(t["labels"]["job"], t["health"]) for t in targets] == [(JOB, "up")]
    info = prometheus.query(f'anonymizer_worker_info{{job="{JOB}"}}')
    assert info and info[0]["metric"]["version"] and info[0]["metric"]["runtime"] == "confluent"
    wait_until(lambda: prometheus.query(f'anonymizer_ready{{job="{JOB}"}} == 1') != [], 60,
               "anonymizer_ready 1 scraped", 0.5)  # fmt: skip
    for name in recorded_names():
        wait_until(lambda name=name: prometheus.query(name) != [], 60, f"series of {name}", 0.5)
        series = prometheus.query(name)
        assert all(s["metric"]["job"] == JOB for s in series), (name, series)
    groups = prometheus.api("rules")["groups"]
    loaded = {r["name"]: r for g in groups for r in g["rules"]}
    expected = [r.get("alert") or r["record"] for p in ("alerts.yml", "recording.yml")
                for r in rules(PROM_DIR / p)]  # fmt: skip
    assert sorted(loaded) == sorted(expected)
    wait_until(lambda: all(r.get("lastEvaluation", "").startswith("20") for g in
               prometheus.api("rules")["groups"] for r in g["rules"]), 30, "every rule evaluated",
               0.5)  # fmt: skip
    for g in prometheus.api("rules")["groups"]:
        for r in g["rules"]:
            assert r["health"] == "ok" and not r.get("lastError"), r
    lag = f'job:anonymizer_consumer_lag:sum{{job="{JOB}"}} == 0'  # every record was processed
    wait_until(lambda: prometheus.query(lag) != [], 30, "the recorded lag back to 0", 0.5)
    # Only firing alerts count: a pending one (its `for:` not yet over) can be a moment of the
    # worker's start, e.g. consumed counted before the first commit's produced.
    firing = {a["labels"]["alertname"] for a in prometheus.api("alerts")["alerts"]
              if a["state"] == "firing"}  # fmt: skip
    assert firing <= {"AnonymizerGeoIPStale"}, firing  # the embedded 2018 database, by design


def test_every_dashboard_query_returns_data_on_the_live_prometheus(stack) -> None:
    prometheus, _ = stack
    for title, ref, expr in queries(committed()):
        query = runnable(expr, "5m")
        wait_until(lambda q=query: prometheus.query(q) != [], 60, f"{title} {ref}: {query}", 0.5)
