"""The replay window: raw events live on the raw topic for the window only, and replay says so."""

from __future__ import annotations

import base64
import time
import tomllib
from pathlib import Path

import pytest
from confluent_kafka import Producer, TopicPartition
from confluent_kafka.admin import (
    AdminClient,
    AlterConfigOpType,
    ConfigEntry,
    ConfigResource,
    ResourceType,
)

from pipeline.cli.main import main
from pipeline.config.kafka import DEFAULT_REPLAY_WINDOW_HOURS, KafkaSettings, load_kafka_settings
from pipeline.kafka.errors import TopicsError
from pipeline.kafka.topics import default_topics_file, load_topics, plan

KEYS = "w1:" + base64.b64encode(bytes(range(2, 34))).decode()
HOUR_MS = 3_600_000


def test_the_topics_file_keeps_raw_events_for_the_default_window() -> None:
    doc = tomllib.loads(default_topics_file().read_text())
    retention = int(doc["topics"]["raw"]["config"]["retention.ms"])
    assert retention == DEFAULT_REPLAY_WINDOW_HOURS * HOUR_MS == 72 * HOUR_MS


def test_the_window_setting_decides_the_raw_retention() -> None:
    settings = load_kafka_settings(replay_window_hours=24)
    raw = next(s for s in load_topics(settings=settings) if s.role == "raw")
    assert raw.config["retention.ms"] == str(24 * HOUR_MS)
    deleting = [
        s for s in load_topics(settings=settings) if s.config.get("cleanup.policy") == "delete"
    ]
    assert {s.role for s in deleting} == {"raw", "anonymized", "dead_letter"}
    assert all(int(s.config["retention.ms"]) >= 24 * HOUR_MS for s in deleting)


def test_dead_letters_must_be_kept_for_at_least_the_window(tmp_path: Path) -> None:
    # The shipped file keeps dead letters 30 days: a 31-day window cannot be served by it.
    with pytest.raises(TopicsError, match="shorter than the replay window"):
        load_topics(settings=load_kafka_settings(replay_window_hours=24 * 31))
    doc = default_topics_file().read_text()
    short = tmp_path / "topics.toml"
    short.write_text(doc.replace('"retention.ms" = "2592000000"', '"retention.ms" = "3600000"'))
    with pytest.raises(TopicsError, match=r"\[topics.dead_letter\].*shorter than the replay"):
        load_topics(short, settings=load_kafka_settings())
    assert load_topics(short)  # without settings there is no window to compare with


def test_a_window_out_of_bounds_is_a_configuration_error() -> None:
    from pipeline.errors import ConfigError

    for hours in (0, 24 * 32):
        with pytest.raises(ConfigError, match="replay_window_hours"):
            load_kafka_settings(replay_window_hours=hours)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, kafka_topics: KafkaSettings) -> KafkaSettings:
    monkeypatch.setenv("ANONYMIZER_KEYS", KEYS)
    for name in ("bootstrap_servers", "raw_topic", "group_id", "day_secrets_topic"):
        monkeypatch.setenv(f"ANONYMIZER_{name.upper()}", str(getattr(kafka_topics, name)))
    return kafka_topics


@pytest.mark.kafka
def test_plan_warns_when_the_cluster_keeps_raw_events_longer(
    admin: AdminClient, kafka_topics: KafkaSettings
) -> None:
    resource = ConfigResource(
        ResourceType.TOPIC,
        kafka_topics.raw_topic,
        incremental_configs=[
            ConfigEntry(
                "retention.ms", str(7 * 24 * HOUR_MS), incremental_operation=AlterConfigOpType.SET
            )
        ],
    )
    admin.incremental_alter_configs([resource])[resource].result(timeout=10)
    deadline = time.monotonic() + 15  # the change reaches describe_configs through the metadata log
    while True:
        result = plan(admin, load_topics(settings=kafka_topics))
        warning = [w for w in result.warnings if kafka_topics.raw_topic in w]
        if warning or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert warning and "for 168 h, longer than the replay window of 72 h" in warning[0]
    assert [(a.kind, a.changes) for a in result.actions] == [
        ("alter_config", {"retention.ms": (str(7 * 24 * HOUR_MS), str(72 * HOUR_MS))})
    ]


@pytest.mark.kafka
def test_replay_refuses_a_range_older_than_the_window(
    env: KafkaSettings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start = int(time.time() * 1000) - 73 * HOUR_MS
    out = tmp_path / "out.jsonl"
    code = main(["replay", "--from", str(start), "-o", str(out), "-r", str(tmp_path / "r"), "-q"])
    assert code == 2
    err = capsys.readouterr().err
    assert "outside the replay window of 72 h" in err and "deleted by design" in err
    assert not out.exists() or out.read_bytes() == b""


@pytest.mark.kafka
def test_replay_refuses_a_range_the_raw_topic_no_longer_holds(
    env: KafkaSettings, admin: AdminClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    now = int(time.time() * 1000)
    stamps = [now - 2 * HOUR_MS + i * 60_000 for i in range(20)]  # one a minute, 2 h ago
    producer = Producer(env.producer_config())
    for ts in stamps:
        producer.produce(env.raw_topic, value=b"{}", partition=0, timestamp=ts)
    assert producer.flush(30) == 0
    # Retention removed the first ten (as a broker deleting an old segment would).
    deleted = admin.delete_records([TopicPartition(env.raw_topic, 0, 10)])
    for future in deleted.values():
        future.result(timeout=10)

    code = main(["replay", "--from", str(stamps[0]), "-o", str(tmp_path / "o"), "-r",
                 str(tmp_path / "r"), "-q"])  # fmt: skip
    assert code == 2
    assert "no longer holds raw events before" in capsys.readouterr().err

    # From the oldest record still held, the replay runs (and rejects the ten `{}` payloads).
    code = main(["replay", "--from", str(stamps[10]), "-o", str(tmp_path / "o"), "-r",
                 str(tmp_path / "r"), "-q"])  # fmt: skip
    assert code == 0
    assert len((tmp_path / "r").read_bytes().splitlines()) == 10
