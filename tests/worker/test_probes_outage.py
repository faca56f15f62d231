"""The probes during a broker outage: the worker stays alive (/healthz 200), says it is not
ready (/readyz 503, the brokers check failing) while the broker is down, is ready again once
it is back, and then processes what arrived meanwhile: each event exactly once."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from pipeline.kafka.broker import free_port
from tests.worker.worker_helpers import (
    Raw,
    assert_each_once,
    committed_total,
    produce_raw,
    read_outputs,
    traffic,
    wait_until,
)

pytestmark = pytest.mark.kafka


def probe(port: int, path: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def metric(port: int, name: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        lines = response.read().decode().splitlines()
    return next(line.split()[-1] for line in lines if line.startswith(name + " "))


def test_probes_answer_through_a_broker_outage(workers, kafka_topics, kafka_broker) -> None:
    raw = produce_raw(kafka_topics, traffic(2_000, garbage=0.1, seed=41), Raw())
    port = free_port()
    w = workers.start("a", "--batch-size", "500", ANONYMIZER_METRICS_PORT=str(port))
    w.wait_for_log("worker a started", 60)
    wait_until(lambda: probe(port, "/readyz")[0] == 200, 60, "ready", 0.2, check=w._check_alive)
    status, body = probe(port, "/readyz")
    assert status == 200
    assert set(body["checks"]) == {"assigned", "brokers", "producing", "not_fenced", "day_key"}
    assert all(check["ok"] for check in body["checks"].values()), body
    wait_until(lambda: committed_total(kafka_topics) >= len(raw), 60, "the first events", 0.2)
    assert metric(port, "anonymizer_ready") == "1.0"

    kafka_broker.stop()
    try:
        wait_until(lambda: not probe(port, "/readyz")[1]["checks"]["brokers"]["ok"], 60,
                   "no broker connected", 0.2, check=w._check_alive)  # fmt: skip
        status, body = probe(port, "/readyz")
        assert status == 503 and body["checks"]["brokers"]["ok"] is False, body
        assert body["checks"]["brokers"]["detail"].startswith("0 of ")
        assert body["checks"]["day_key"]["ok"] is True  # held in memory, outage or not
        assert metric(port, "anonymizer_ready") == "0.0"
        for _ in range(5):  # alive all along: a broker outage is no reason to restart it
            status, body = probe(port, "/healthz")
            assert status == 200 and body["status"] == "ok", body
    finally:
        kafka_broker.start()

    wait_until(lambda: probe(port, "/readyz")[0] == 200, 120, "ready again", 0.2,
               check=w._check_alive)  # fmt: skip
    produce_raw(kafka_topics, traffic(2_000, garbage=0.1, seed=42), raw)
    wait_until(lambda: committed_total(kafka_topics) >= len(raw), 120, "the events after the "
               "outage", 0.5, check=w._check_alive)  # fmt: skip
    assert_each_once(raw, read_outputs(kafka_topics), kafka_topics.raw_topic)
    # Readiness follows the broker statistics (every 5 s) and the last commit: on a loaded machine
    # an abort after the outage can hold it at 503 for a moment; it must come back by itself.
    wait_until(lambda: probe(port, "/readyz")[0] == 200, 60, "ready after the outage's events", 0.2,
               check=w._check_alive)  # fmt: skip
    assert w.terminate() == 0
