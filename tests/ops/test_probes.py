"""/healthz, /readyz and /metrics on a worker's metrics port, served by WorkerMetrics."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request

import pytest
from confluent_kafka import Consumer

from pipeline.config.kafka import load_kafka_settings
from pipeline.core.engine import Engine
from pipeline.observability.metrics import WorkerMetrics
from pipeline.observability.probes import Health


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture
def served() -> tuple[WorkerMetrics, int]:
    metrics = WorkerMetrics(
        Engine(), runtime="confluent", master_key_id="k1", replay_window_s=3600,
        active_key_since=None,
    )  # fmt: skip
    port = _free_port()
    metrics.serve(port, addr="127.0.0.1")
    return metrics, port


def test_readiness_follows_every_check(served: tuple[WorkerMetrics, int]) -> None:
    metrics, port = served
    status, body = get(port, "/readyz")
    assert status == 503 and json.loads(body)["status"] == "failing"  # nothing reported yet
    metrics.day_keys(None)  # the store cannot give today's key
    metrics.health.expect(("assigned", "brokers", "producing", "not_fenced"))
    status, body = get(port, "/readyz")
    checks = json.loads(body)["checks"]
    assert status == 503
    assert set(checks) == {"assigned", "brokers", "producing", "not_fenced", "day_key"}
    assert checks["day_key"] == {"ok": False, "detail": "today's day key cannot be had"}
    assert checks["assigned"] == {"ok": False, "detail": "not yet"}
    for name in ("assigned", "brokers", "producing", "not_fenced", "day_key"):
        metrics.health.set(name, True, "fine")
    status, body = get(port, "/readyz")
    assert status == 200 and json.loads(body)["status"] == "ok"
    assert "anonymizer_ready 1.0" in get(port, "/metrics")[1]
    metrics.health.set("brokers", False, "0 of 1 brokers connected")
    status, body = get(port, "/readyz")
    assert status == 503
    assert json.loads(body)["checks"]["brokers"]["detail"] == "0 of 1 brokers connected"
    assert "anonymizer_ready 0.0" in get(port, "/metrics")[1]


def test_liveness_fails_once_the_loop_stops_turning() -> None:
    now = [100.0]
    health = Health(stale_after=300, clock=lambda: now[0])
    assert health.liveness()[0]  # an engine that never beats is alive while it serves
    health.beat()
    now[0] += 299
    assert health.liveness()[0]
    now[0] += 2
    ok, body = health.liveness()
    assert not ok and body["loop"]["detail"] == "last turn 301.0 s ago"


def test_metrics_and_probes_share_the_port(served: tuple[WorkerMetrics, int]) -> None:
    _, port = served
    status, text = get(port, "/metrics")
    assert status == 200 and "anonymizer_worker_info" in text
    assert "process_resident_memory_bytes" in text and "python_info" in text
    assert get(port, "/healthz") == (
        200,
        '{"status": "ok", "checks": {"loop": {"ok": true, "detail": "serving"}}}',
    )
    assert get(port, "/nope")[0] == 404


def test_brokers_check_from_librdkafka_statistics() -> None:
    """A real consumer's statistics against a port where nothing listens: no broker is up."""
    stats: list[str] = []
    settings = load_kafka_settings(bootstrap_servers="127.0.0.1:1")
    consumer = Consumer(
        settings.consumer_config(
            group_id="probe-test", stats_cb=stats.append, **{"statistics.interval.ms": 100}
        )
    )
    try:
        for _ in range(50):
            consumer.poll(0.1)
            if stats:
                break
    finally:
        consumer.close()
    assert stats, "librdkafka sent no statistics"
    health = Health()
    health.broker_stats(stats[0])
    ok, body = health.readiness()
    assert not ok and body["brokers"]["detail"].startswith("0 of ")
