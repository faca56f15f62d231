"""librdkafka's lines go through logging, rate-limited, never straight to stderr; the JSON log
format has stable fields."""

from __future__ import annotations

import io
import logging

import orjson
import pytest
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient

from pipeline.config.kafka import load_kafka_settings
from pipeline.kafka.clientlog import CLIENT_LOG, LOGGER, ClientLog
from pipeline.observability import logs

CLOSED = "127.0.0.1:1"  # nothing listens on port 1


def test_every_client_configuration_carries_the_rate_limited_logger() -> None:
    settings = load_kafka_settings(bootstrap_servers=CLOSED)
    for conf in (settings.admin_config(), settings.consumer_config(), settings.producer_config()):
        assert conf["logger"] is CLIENT_LOG
    assert logging.getLogger(LOGGER).getEffectiveLevel() == logging.WARNING


def test_an_unreachable_broker_logs_once_through_logging_and_nothing_on_stderr(
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    settings = load_kafka_settings(bootstrap_servers=CLOSED)
    log = ClientLog("test.librdkafka", interval=3600)  # one line per kind for the whole test
    producer = Producer(settings.producer_config(logger=log, **{"reconnect.backoff.ms": 10}))
    with caplog.at_level(logging.WARNING, logger="test.librdkafka"):
        for _ in range(20):
            producer.poll(0.1)  # librdkafka retries the connection dozens of times meanwhile
        admin = AdminClient(settings.admin_config(logger=log))
        with pytest.raises(Exception, match="_TRANSPORT"):
            admin.list_topics(timeout=1)
        admin.poll(0)
    lines = [r for r in caplog.records if r.name == "test.librdkafka"]
    assert lines, "librdkafka's connection failures reach logging"
    assert all(r.kafka_facility == "FAIL" for r in lines)  # type: ignore[attr-defined]
    assert len(lines) == len({r.kafka_client for r in lines})  # type: ignore[attr-defined]
    assert "Connection refused" in lines[0].getMessage()
    assert "[thrd:" not in lines[0].getMessage()
    assert "%3|" not in capfd.readouterr().err  # librdkafka's own stderr format, bypassed


def test_a_repeated_line_is_held_back_and_counted(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    log = ClientLog("test.limit", interval=10, clock=lambda: now[0])
    line = "[thrd:b/1]: b:9092/1: Connect to ipv4#10.0.0.1:9092 failed: refused (after {}ms in state CONNECT)"
    with caplog.at_level(logging.WARNING, logger="test.limit"):
        for ms in range(5):  # four more of the same kind within the interval: held back
            log.log(logging.ERROR, "%s [%s] %s", "FAIL", "rdkafka#producer-1", line.format(ms))
        log.log(logging.ERROR, "%s [%s] %s", "REQTMOUT", "rdkafka#producer-1", "timed out")
        now[0] = 10.5
        log.log(logging.ERROR, "%s [%s] %s", "FAIL", "rdkafka#producer-1", line.format(9))
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 3
    assert messages[0].startswith("rdkafka#producer-1 FAIL: b:9092/1: Connect to ipv4")
    assert messages[1] == "rdkafka#producer-1 REQTMOUT: timed out"
    assert messages[2].endswith("(and 4 more like it in 10 s)")


def test_json_log_lines_have_stable_fields() -> None:
    out = io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        logs.configure("INFO", "json", stream=out)
        logging.getLogger("pipeline.worker.loop").info("assigned partitions %s", [0, 1])
        ClientLog("pipeline.kafka.librdkafka.test", interval=0).log(
            logging.ERROR, "%s [%s] %s", "FAIL", "event-anonymizer#consumer-2", "refused"
        )
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("pipeline.x").exception("failed")
    finally:
        root.handlers[:], root.level = saved
    first, second, third = (orjson.loads(line) for line in out.getvalue().splitlines())
    assert set(first) == {"ts", "level", "logger", "message", "pid"}
    assert first["level"] == "INFO" and first["logger"] == "pipeline.worker.loop"
    assert first["message"] == "assigned partitions [0, 1]"
    assert first["ts"].endswith("Z") and len(first["ts"]) == len("2026-12-03T11:15:23.138Z")
    assert second["kafka_facility"] == "FAIL"
    assert second["kafka_client"] == "event-anonymizer#consumer-2"
    assert "ValueError: boom" in third["exception"]


def test_an_unknown_log_format_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(logs.FORMAT_ENV, "xml")
    with pytest.raises(Exception, match="ANONYMIZER_LOG_FORMAT: use one of text, json"):
        logs.default_format()
    monkeypatch.setenv(logs.FORMAT_ENV, "JSON")
    assert logs.default_format() == "json"
