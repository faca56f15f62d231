"""Topics as code against the real broker: plan, apply, partitions, configs, drift."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import pytest
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, ConfigResource, ResourceType

from pipeline.cli import topics as topics_cli
from pipeline.config.kafka import KafkaSettings, load_kafka_settings
from pipeline.kafka.broker import free_port
from pipeline.kafka.errors import KafkaUnreachableError, TopicsError
from pipeline.kafka.topics import TopicSpec, apply, default_topics_file, load_topics, plan


def _partitions(admin: AdminClient, name: str) -> int:
    return len(admin.list_topics(name, timeout=10).topics[name].partitions)


def _config(admin: AdminClient, name: str, key: str) -> str:
    res = ConfigResource(ResourceType.TOPIC, name)
    return admin.describe_configs([res])[res].result(timeout=10)[key].value


def _with(specs: list[TopicSpec], role: str, **changes: object) -> list[TopicSpec]:
    return [dataclasses.replace(s, **changes) if s.role == role else s for s in specs]  # type: ignore[arg-type]


def test_file_declares_the_four_roles_with_the_settings_default_names() -> None:
    specs = {s.role: s for s in load_topics(default_topics_file())}
    defaults = KafkaSettings.model_fields
    assert specs["raw"].name == defaults["raw_topic"].default
    assert specs["anonymized"].name == defaults["anonymized_topic"].default
    assert specs["dead_letter"].name == defaults["dead_letter_topic"].default
    assert (specs["raw"].partitions, specs["dead_letter"].partitions) == (6, 3)
    assert specs["day_secrets"].name == defaults["day_secrets_topic"].default
    assert specs["raw"].config["retention.ms"] == str(72 * 3600 * 1000)  # the replay window
    assert specs["day_secrets"].partitions == 1  # one order of proposals for every worker
    assert specs["day_secrets"].config["cleanup.policy"] == "compact"
    assert specs["anonymized"].config["max.message.bytes"] == str(1024 * 1024)
    for spec in specs.values():  # production grade: 3 copies, a write needs 2 of them
        assert (spec.replication_factor, spec.config["min.insync.replicas"]) == (3, "2")


@pytest.mark.parametrize(("factor", "min_isr"), [(1, "1"), (2, "2"), (5, "2")])
def test_replication_override_replaces_the_factor_and_caps_min_isr(
    factor: int, min_isr: str
) -> None:
    settings = load_kafka_settings(topic_replication_factor=factor)
    for spec in load_topics(settings=settings):
        assert (spec.replication_factor, spec.config["min.insync.replicas"]) == (factor, min_isr)


def test_replication_override_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANONYMIZER_TOPIC_REPLICATION_FACTOR", "1")
    assert {s.replication_factor for s in load_topics(settings=load_kafka_settings())} == {1}


def test_min_isr_above_the_replication_factor_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "topics.toml"
    bad.write_text(
        "replication_factor = 2\nmin_insync_replicas = 3\n"
        '[topics.raw]\nname = "a"\npartitions = 1\n'
        '[topics.other]\nname = "b"\npartitions = 1\nmin_insync_replicas = 1\n'
        '[topics.other.config]\n"min.insync.replicas" = "1"\n'
    )
    with pytest.raises(TopicsError) as err:
        load_topics(bad)
    lines = str(err.value).splitlines()[1:]
    assert "min_insync_replicas 3 exceeds replication_factor 2" in lines[0]
    assert 'set min_insync_replicas, not config "min.insync.replicas"' in lines[1]


def test_settings_override_topic_names() -> None:
    settings = load_kafka_settings(raw_topic="custom.raw")
    names = {s.role: s.name for s in load_topics(settings=settings)}
    assert names["raw"] == "custom.raw"
    assert names["anonymized"] == "web.events.anonymized"


def test_invalid_file_lists_every_mistake(tmp_path: Path) -> None:
    bad = tmp_path / "topics.toml"
    bad.write_text(
        '[topics.raw]\nname = "a"\npartitions = 0\n'
        '[topics.other]\nname = "b"\npartitions = 2\nreplication_factor = "x"\n'
        "[topics.third]\npartitions = 1\n"
    )
    with pytest.raises(TopicsError) as err:
        load_topics(bad)
    lines = str(err.value).splitlines()[1:]
    assert len(lines) == 3
    assert "[topics.raw]: partitions must be a positive integer" in lines[0]
    assert "replication_factor must be a positive integer" in lines[1]
    assert "[topics.third]: 'name'" in lines[2]


@pytest.mark.kafka
def test_plan_apply_then_nothing_left(admin: AdminClient, kafka_settings: KafkaSettings) -> None:
    declared = load_topics(settings=kafka_settings)
    first = plan(admin, declared)
    assert [(a.kind, a.topic) for a in first.actions] == [
        ("create", kafka_settings.raw_topic),
        ("create", kafka_settings.anonymized_topic),
        ("create", kafka_settings.dead_letter_topic),
        ("create", kafka_settings.day_secrets_topic),
    ]
    done = apply(admin, first)
    assert len(done) == 4
    assert _partitions(admin, kafka_settings.raw_topic) == 6
    assert _partitions(admin, kafka_settings.dead_letter_topic) == 3
    assert _config(admin, kafka_settings.anonymized_topic, "max.message.bytes") == "1048576"
    second = plan(admin, declared)
    assert not second.has_changes and not second.warnings
    assert set(second.unchanged) == {s.name for s in declared}


@pytest.mark.kafka
def test_production_defaults_on_one_broker_are_warned_and_not_created(
    admin: AdminClient, kafka_settings: KafkaSettings
) -> None:
    """Without the override, a single broker cannot hold replication 3: plan says so per topic
    and creates nothing (a topic with fewer copies than declared would be a silent downgrade)."""
    production = kafka_settings.model_copy(update={"topic_replication_factor": None})
    result = plan(admin, load_topics(settings=production))
    assert not result.has_changes
    names = [s.name for s in load_topics(settings=production)]
    assert list(result.blocked) == names
    for name in names:
        assert any(
            w.startswith(f"{name}: replication factor 3 needs 3 brokers, the cluster has 1: "
                         "cannot be created") and "ANONYMIZER_TOPIC_REPLICATION_FACTOR=1" in w
            for w in result.warnings
        )  # fmt: skip


@pytest.mark.kafka
def test_single_node_override_creates_topics_writable_with_acks_all(
    admin: AdminClient, kafka_topics: KafkaSettings
) -> None:
    for name in (kafka_topics.raw_topic, kafka_topics.day_secrets_topic):
        assert _config(admin, name, "min.insync.replicas") == "1"
        parts = admin.list_topics(name, timeout=10).topics[name].partitions.values()
        assert {len(p.replicas) for p in parts} == {1}
    producer = Producer(kafka_topics.producer_config())  # idempotent, acks=all
    delivered: list[object] = []
    producer.produce(kafka_topics.raw_topic, b"{}", on_delivery=lambda e, m: delivered.append(e))
    producer.flush(15)
    assert delivered == [None]


@pytest.mark.kafka
def test_min_isr_is_never_raised_above_the_replicas_a_topic_has(
    admin: AdminClient, kafka_topics: KafkaSettings
) -> None:
    """Topics made with one replica (e.g. by an older topics file), then the production file:
    raising min.insync.replicas to 2 would refuse every write, so plan warns and leaves it."""
    production = kafka_topics.model_copy(update={"topic_replication_factor": None})
    result = plan(admin, load_topics(settings=production))
    assert all("min.insync.replicas" not in a.changes for a in result.actions)
    assert any(
        w.startswith(f"{kafka_topics.raw_topic}: min.insync.replicas 2 declared, but partitions "
                     "have 1 replica(s)") and "left at 1" in w
        for w in result.warnings
    )  # fmt: skip
    assert any("replication factor is 1, 3 declared" in w for w in result.warnings)
    apply(admin, result)
    assert _config(admin, kafka_topics.raw_topic, "min.insync.replicas") == "1"


@pytest.mark.kafka
def test_more_partitions_are_added(admin: AdminClient, kafka_topics: KafkaSettings) -> None:
    declared = _with(load_topics(settings=kafka_topics), "raw", partitions=8)
    result = plan(admin, declared)
    assert [(a.kind, a.partitions) for a in result.actions] == [("add_partitions", (6, 8))]
    apply(admin, result)
    assert _partitions(admin, kafka_topics.raw_topic) == 8
    assert not plan(admin, declared).has_changes


@pytest.mark.kafka
def test_fewer_partitions_or_other_replication_is_drift_only(
    admin: AdminClient, kafka_topics: KafkaSettings
) -> None:
    declared = _with(load_topics(settings=kafka_topics), "raw", partitions=2)
    result = plan(admin, declared)
    assert not result.has_changes
    assert any("6 partitions exist, 2 declared" in w for w in result.warnings)
    assert apply(admin, result) == []
    assert _partitions(admin, kafka_topics.raw_topic) == 6

    declared = _with(load_topics(settings=kafka_topics), "anonymized", replication_factor=3)
    warnings = plan(admin, declared).warnings
    assert any("replication factor 3 needs 3 brokers" in w for w in warnings)
    assert any("replication factor is 1, 3 declared" in w for w in warnings)


@pytest.mark.kafka
def test_config_change_is_altered_and_undeclared_config_reported(
    admin: AdminClient, kafka_topics: KafkaSettings
) -> None:
    specs = load_topics(settings=kafka_topics)
    raw = next(s for s in specs if s.role == "raw")
    declared = _with(specs, "raw", config={**raw.config, "retention.ms": "3600000"})
    result = plan(admin, declared)
    assert [(a.kind, a.changes) for a in result.actions] == [
        ("alter_config", {"retention.ms": ("259200000", "3600000")})
    ]
    apply(admin, result)
    assert _config(admin, kafka_topics.raw_topic, "retention.ms") == "3600000"
    assert _config(admin, kafka_topics.raw_topic, "cleanup.policy") == "delete"  # untouched
    assert not plan(admin, declared).has_changes

    # Dropping a key from the file does not reset it: reported, left as is.
    later = _with(specs, "raw", config={"cleanup.policy": "delete"})
    result = plan(admin, later)
    assert not result.has_changes
    assert any(
        "retention.ms=3600000 set on the cluster, not declared" in w for w in result.warnings
    )


def _cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    topics_cli.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return int(args.func(args))


@pytest.mark.kafka
def test_cli_plan_exit_code_and_apply(
    kafka_settings: KafkaSettings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ANONYMIZER_RAW_TOPIC", kafka_settings.raw_topic)
    monkeypatch.setenv("ANONYMIZER_ANONYMIZED_TOPIC", kafka_settings.anonymized_topic)
    monkeypatch.setenv("ANONYMIZER_DEAD_LETTER_TOPIC", kafka_settings.dead_letter_topic)
    monkeypatch.setenv("ANONYMIZER_DAY_SECRETS_TOPIC", kafka_settings.day_secrets_topic)
    server = ["--bootstrap-servers", kafka_settings.bootstrap_servers]
    assert _cli(["topics", "apply", *server]) == 1  # replication 3 on one broker: nothing made
    out = capsys.readouterr().out
    assert "error: not created" in out and "--replication-factor 1" in out
    where = [*server, "--replication-factor", "1"]
    assert _cli(["topics", "plan", *where]) == 0
    assert _cli(["topics", "plan", "--exit-code", *where]) == 1
    assert "4 changes pending" in capsys.readouterr().out
    assert _cli(["topics", "apply", *where]) == 0
    assert "done: create" in capsys.readouterr().out
    assert _cli(["topics", "plan", "--exit-code", *where]) == 0
    assert "No changes." in capsys.readouterr().out


def test_unreachable_cluster_is_a_clear_error() -> None:
    admin = AdminClient({"bootstrap.servers": f"127.0.0.1:{free_port()}", "log_level": 0})
    with pytest.raises(KafkaUnreachableError, match="Kafka did not answer"):
        plan(admin, load_topics(), timeout=1.5)
