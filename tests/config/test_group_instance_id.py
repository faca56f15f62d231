"""One group.instance.id setting: ANONYMIZER_STATIC_MEMBERSHIP (with the instance id);
ANONYMIZER_GROUP_INSTANCE_ID still works as a deprecated alias that warns once, and is a
configuration error when static membership says otherwise."""

from __future__ import annotations

import json
import logging

import pytest

from pipeline.cli.main import main
from pipeline.config import kafka as config
from pipeline.config.kafka import load_kafka_settings
from pipeline.config.worker import load_worker_settings
from pipeline.errors import ConfigError

ALIAS = "ANONYMIZER_GROUP_INSTANCE_ID"


@pytest.fixture(autouse=True)
def _clean_env(clean_env: None) -> None:
    config._warn_deprecated_group_instance_id.cache_clear()  # each test sees the first warning


def test_the_alias_still_sets_group_instance_id_and_warns_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(ALIAS, "worker-0")
    with caplog.at_level(logging.WARNING, logger="pipeline.config.kafka"):
        first, second = load_kafka_settings(), load_kafka_settings()
    assert first.consumer_config()["group.instance.id"] == "worker-0"
    assert second.consumer_config()["group.instance.id"] == "worker-0"
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and warnings[0].startswith(f"{ALIAS} is deprecated")
    assert load_worker_settings().static_membership is False  # the alias alone is no error


def test_no_alias_no_warning_no_group_instance_id(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="pipeline.config.kafka"):
        settings = load_kafka_settings()
    assert "group.instance.id" not in settings.consumer_config() and not caplog.records


def test_the_alias_agreeing_with_static_membership_is_fine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ALIAS, "worker-0")
    monkeypatch.setenv("ANONYMIZER_STATIC_MEMBERSHIP", "true")
    worker = load_worker_settings(instance_id="worker-0")
    assert worker.static_membership and worker.instance_id == "worker-0"


@pytest.mark.parametrize(
    ("static", "instance", "problem"),
    [
        ("true", "worker-1", "sets another group.instance.id than the instance id"),
        ("false", "worker-0", "static_membership: false, but the deprecated"),
    ],
)
def test_the_alias_disagreeing_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, static: str, instance: str, problem: str
) -> None:
    monkeypatch.setenv(ALIAS, "worker-0")
    monkeypatch.setenv("ANONYMIZER_STATIC_MEMBERSHIP", static)
    with pytest.raises(ConfigError) as err:
        load_worker_settings(instance_id=instance)
    lines = str(err.value).splitlines()
    assert lines[0] == "invalid worker settings:" and problem in lines[1]
    assert "worker-0" not in str(err.value) and "worker-1" not in str(err.value)


def test_config_lists_the_disagreement(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ANONYMIZER_KEYS", "k1:" + "A" * 44)
    monkeypatch.setenv(ALIAS, "worker-0")
    monkeypatch.setenv("ANONYMIZER_STATIC_MEMBERSHIP", "true")
    monkeypatch.setenv("ANONYMIZER_INSTANCE_ID", "worker-1")
    assert main(["config", "--json"]) == 2
    errors = json.loads(capsys.readouterr().out)["errors"]
    assert [e for e in errors if e.startswith("worker settings: static_membership: ")] == errors
