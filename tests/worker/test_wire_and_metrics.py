"""Downstream decodes with the schema files alone; headers; metrics; configuration errors."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from pipeline import __version__
from pipeline.kafka.broker import free_port
from tests.worker.metrics_helpers import metric_value, scrape
from tests.worker.processes import worker_env
from tests.worker.worker_helpers import (
    ANONYMIZED_FP,
    ANONYMIZED_SCHEMA,
    DEAD_LETTER_FP,
    DEAD_LETTER_SCHEMA,
    REPO,
    Raw,
    assert_each_once,
    decode,
    headers_of,
    produce_raw,
    read_committed,
    read_outputs,
    traffic,
    wait_drained,
    wait_until,
)

pytestmark = pytest.mark.kafka


def test_plain_fastavro_decodes_every_message_and_headers_are_provenance_only(
    workers, kafka_topics
) -> None:
    payloads = [*traffic(3_000, garbage=0.1, seed=7), None]  # a null value is a record too
    raw = produce_raw(kafka_topics, payloads, Raw())
    w = workers.start("a")
    wait_drained(kafka_topics, len(raw), 60)
    records = read_committed(kafka_topics, kafka_topics.anonymized_topic)
    dead = read_committed(kafka_topics, kafka_topics.dead_letter_topic)
    for msg in records:
        record = decode(msg.value(), ANONYMIZED_SCHEMA, ANONYMIZED_FP)
        assert msg.key().decode() == (record["visitor_key"] or record["site_id"])
        assert _DAY_KEY_ID.fullmatch(record["key_id"]), record["key_id"]  # the event day's key
        assert headers_of(msg) == {
            "schema-fingerprint": ANONYMIZED_FP,
            "key-id": record["key_id"],
            "policy-version": record["policy_version"],
        }
    reasons = set()
    for msg in dead:
        letter = decode(msg.value(), DEAD_LETTER_SCHEMA, DEAD_LETTER_FP)
        reasons.add(letter["reason"])
        assert msg.key() is None
        assert headers_of(msg) == {
            "schema-fingerprint": DEAD_LETTER_FP,
            "key-id": letter["key_id"],
            "policy-version": letter["policy_version"],
        }
        assert letter["event_time"] is not None  # the Kafka record timestamp
    assert "not_json" in reasons
    assert len(records) + len(dead) == len(raw)
    assert_each_once(raw, read_outputs(kafka_topics), kafka_topics.raw_topic)
    assert w.terminate() == 0


_DAY_KEY_ID = re.compile(r"\d{4}-\d{2}-\d{2}\.[0-9a-f]{8}")
_IP = re.compile(r"\b\d{1,3}(\.\d{1,3}){3}\b|\b[0-9a-f]{1,4}(:[0-9a-f]{0,4}){2,7}\b", re.I)
_EMAIL = re.compile(r"[^\s\"@]+@[^\s\"@]+\.[a-z]{2,}", re.I)
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://|\bwww\.", re.I)


def test_metrics_move_and_labels_are_bounded(workers, kafka_topics) -> None:
    port = free_port()
    raw = produce_raw(kafka_topics, traffic(5_000, garbage=0.1, seed=8), Raw())
    w = workers.start("a", "--metrics-port", str(port))
    wait_drained(kafka_topics, len(raw), 60)
    wait_until(lambda: _try(port, "anonymizer_events_consumed_total") >= len(raw), 10, "scrape")
    first = scrape(port)
    produce_raw(kafka_topics, traffic(2_000, garbage=0.1, seed=9), raw)
    wait_drained(kafka_topics, len(raw), 60)
    wait_until(lambda: _try(port, "anonymizer_events_consumed_total") >= len(raw), 10, "scrape")
    second = scrape(port)

    def grew(name: str, labels: str = "") -> bool:
        return metric_value(second, name, labels) > metric_value(first, name, labels)

    assert grew("anonymizer_events_consumed_total")
    assert grew("anonymizer_events_produced_total")
    assert grew("anonymizer_events_rejected_total")
    assert grew("anonymizer_transactions_total", 'outcome="committed"')
    assert grew("anonymizer_batch_size_count")
    assert grew("anonymizer_end_to_end_latency_seconds_count", 'clock="record_time"')
    assert grew("anonymizer_step_duration_seconds_count", 'step="encode"')
    assert metric_value(second, "anonymizer_fields_dropped_total", 'field="unknown_key"') > 0
    # drained: the gauge follows within its refresh period (1 s, from cached watermarks)
    wait_until(lambda: metric_value(scrape(port), "anonymizer_consumer_lag") == 0, 10, "lag 0")
    info = next(line for line in second.splitlines() if line.startswith("anonymizer_worker_info{"))
    assert 'runtime="confluent"' in info
    assert f'version="{__version__}"' in second  # which release is running
    assert 'anonymizer_batch_size_bucket{le="10000.0"}' in second  # the default batch, bucketed
    assert metric_value(second, "anonymizer_geoip_build_timestamp_seconds") > 1e9
    assert 'key_id="test1"' in second  # the master key that wraps the day secrets
    assert metric_value(second, "anonymizer_day_secret_available") == 1
    assert metric_value(second, "anonymizer_day_secrets_held") in (4, 5)  # D-3..D (+1 from 22:00)
    window = metric_value(second, "anonymizer_replay_window_seconds")
    assert window == 72 * 3600
    # the oldest day held (D-3) began 3 days and some hours ago; it is destroyed at 4 days
    assert (
        window <= metric_value(second, "anonymizer_day_secret_oldest_age_seconds") < window + 86400
    )
    produced = metric_value(second, "anonymizer_events_produced_total")
    rejected = metric_value(second, "anonymizer_events_rejected_total")
    assert produced + rejected == len(raw)

    labels = re.findall(r'="([^"]*)"', "\n".join(
        ln for ln in second.splitlines() if ln.startswith("anonymizer_")
    ))  # fmt: skip
    assert labels
    for value in labels:
        assert not _IP.search(value), value
        assert not _EMAIL.search(value), value
        assert not _URL.search(value), value
    assert w.terminate() == 0


def _try(port: int, name: str) -> float:
    try:
        return metric_value(scrape(port), name)
    except (OSError, AssertionError):
        return -1.0


def test_configuration_errors_exit_2_with_one_line_per_mistake(kafka_topics) -> None:
    env = worker_env(kafka_topics, ANONYMIZER_BATCH_SIZE="0", ANONYMIZER_KEYS="")
    env["ANONYMIZER_RAW_TOPIC"] = "no.such.topic"
    out = subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", "worker", "--metrics-port", "70000"],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert out.returncode == 2
    assert "batch_size" in out.stderr and "metrics_port" in out.stderr
    assert "ANONYMIZER_KEYS" in out.stderr
    env = worker_env(kafka_topics, ANONYMIZER_RAW_TOPIC="no.such.topic")
    out = subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", "worker"],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert out.returncode == 2
    assert "raw_topic: topic no.such.topic does not exist" in out.stderr
