"""The four settings classes load through one helper: each mistake on its own line under
"invalid X settings:", never a value; and print through one masking helper."""

from __future__ import annotations

import base64

import pytest

from pipeline.config.engine import load_engine_settings
from pipeline.config.kafka import load_kafka_settings
from pipeline.config.registry import load_registry_settings
from pipeline.config.worker import load_worker_settings
from pipeline.errors import ConfigError

KEYS = "k1:" + base64.b64encode(bytes(32)).decode() + ",k2:" + base64.b64encode(b"\1" * 32).decode()


pytestmark = pytest.mark.usefixtures("clean_env")


@pytest.mark.parametrize(
    ("load", "overrides", "expected"),
    [
        (load_engine_settings, {"max_record_bytes": 5}, ["invalid engine settings:",
         "  max_record_bytes: Input should be greater than 1000"]),
        (load_kafka_settings, {"linger_ms": -1, "nonsense": 1}, ["invalid Kafka settings:",
         "  linger_ms: Input should be greater than or equal to 0", "  nonsense: unknown setting"]),
        (load_worker_settings, {"batch_size": 0, "instance_id": "a b"}, ["invalid worker settings:",
         "  instance_id: use 1 to 100 letters, digits, '.', '_' or '-'",
         "  batch_size: Input should be greater than or equal to 1"]),
        (load_registry_settings, {"wire_format": "confluent"}, ["invalid wire format settings:",
         "  schema_registry_url: required with wire_format confluent"]),
    ],
)  # fmt: skip
def test_one_line_per_mistake(load, overrides: dict, expected: list[str]) -> None:
    with pytest.raises(ConfigError) as err:
        load(**overrides)
    assert str(err.value).splitlines() == expected
    assert "a b" not in str(err.value)


def test_none_overrides_leave_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANONYMIZER_BATCH_SIZE", "7")
    monkeypatch.setenv("ANONYMIZER_WIRE_FORMAT", "confluent")
    monkeypatch.setenv("ANONYMIZER_SCHEMA_REGISTRY_URL", "http://registry:8080")
    assert load_worker_settings(batch_size=None).batch_size == 7
    assert load_registry_settings(wire_format=None).wire_format == "confluent"


def test_masked_shows_no_secret(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("ANONYMIZER_KEYS", KEYS)
    engine = load_engine_settings(policy=tmp_path / "p.toml").masked()
    assert engine["keys"] == "*** (2 keys)" and engine["policy"] == str(tmp_path / "p.toml")
    registry = load_registry_settings(
        schema_registry_url="https://r", schema_registry_user_info="svc:hunter2"
    ).masked()
    assert registry["schema_registry_user_info"] == "svc:***"
    assert "hunter2" not in repr(registry)
    kafka = load_kafka_settings(
        security_protocol="SASL_SSL", sasl_mechanism="PLAIN", sasl_username="u",
        sasl_password="hunter2",
    ).masked()  # fmt: skip
    assert kafka["sasl_password"] == "***" and kafka["ssl_key_password"] is None
    assert "hunter2" not in repr(kafka)
