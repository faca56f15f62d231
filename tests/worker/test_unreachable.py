"""A worker that finds no Kafka cluster at start-up exits 4 with its own message (not 2, the
configuration error), and librdkafka's retries reach the log rate-limited, through logging."""

from __future__ import annotations

import subprocess
import sys

import orjson

from tests.worker.worker_helpers import KEYS, REPO


def _worker(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {"PATH": "/usr/bin:/bin", "ANONYMIZER_KEYS": KEYS, "PYTHONUNBUFFERED": "1", **env}
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", "worker", "--metrics-port", "0", *args],
        env=environ,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_no_cluster_at_start_up_is_exit_4_with_json_logs() -> None:
    done = _worker("--bootstrap-servers", "127.0.0.1:1", ANONYMIZER_LOG_FORMAT="json")
    assert done.returncode == 4, done.stderr[-2000:]
    lines = done.stderr.strip().splitlines()
    assert lines[-1] == (
        "anonymizer worker: Kafka unreachable: no Kafka cluster answered at 127.0.0.1:1 "
        "within 30 s (_TRANSPORT)"
    )
    records = [orjson.loads(line) for line in lines[:-1]]  # every other line is JSON
    assert records[-1]["message"].startswith("start-up failed, exit 4, Kafka unreachable: no")
    failures = [r for r in records if r.get("kafka_facility") == "FAIL"]
    assert failures and all(r["logger"] == "pipeline.kafka.librdkafka" for r in failures)
    # librdkafka retries dozens of times a second; each kind of line is logged once per 10 s
    assert len(failures) < 10, len(failures)
    assert any("more like it" in r["message"] for r in failures)
    assert "configuration error" not in done.stderr
    assert "%3|" not in done.stderr and "Traceback" not in done.stderr


def test_a_configuration_error_is_still_exit_2() -> None:
    done = _worker("--bootstrap-servers", "127.0.0.1:1", ANONYMIZER_BATCH_SIZE="0")
    assert done.returncode == 2
    assert "configuration error" in done.stderr and "batch_size" in done.stderr
