"""`anonymizer config`: effective settings, secrets never printed, every mistake listed."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys

import pytest

SECRET_PASSWORD = "pa55-Very-Secret-Kafka-Password"
KEY_1 = base64.b64encode(b"\x01" * 32).decode()
KEY_2 = base64.b64encode(b"\x02" * 40).decode()


def _config(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ANONYMIZER_")}
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", "config", *args],
        env={**clean, "COLUMNS": "200", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


SECRETS_ENV = {
    "ANONYMIZER_KEYS": f"2026q4:{KEY_1},2026q3:{KEY_2}",
    "ANONYMIZER_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
    "ANONYMIZER_SASL_MECHANISM": "SCRAM-SHA-512",
    "ANONYMIZER_SASL_USERNAME": "anonymizer",
    "ANONYMIZER_SASL_PASSWORD": SECRET_PASSWORD,
    "ANONYMIZER_SSL_KEY_PASSWORD": SECRET_PASSWORD + "-2",
}


@pytest.mark.parametrize("fmt", [[], ["--json"]])
def test_secrets_are_masked(fmt: list[str]) -> None:
    done = _config(*fmt, **SECRETS_ENV)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    for secret in (SECRET_PASSWORD, KEY_1, KEY_2, KEY_1[:12], KEY_2[:12]):
        assert secret not in out
    assert "***" in out
    assert "2026q4" in out and "2026q3" in out


def test_json_shows_key_ids_and_count_and_sources() -> None:
    done = _config("--json", **SECRETS_ENV, ANONYMIZER_RAW_TOPIC="my.raw")
    doc = json.loads(done.stdout)
    assert doc["errors"] == []
    assert doc["engine"]["keys"] == {"count": 2, "ids": ["2026q4", "2026q3"], "active": "2026q4"}
    assert doc["kafka"]["sasl_password"] == "***"
    assert doc["kafka"]["ssl_key_password"] == "***"
    assert doc["kafka"]["raw_topic"] == "my.raw"
    assert doc["sources"]["kafka"]["raw_topic"] == "env"
    assert doc["sources"]["kafka"]["group_id"] == "default"
    assert "GeoLite2-City@" in doc["engine"]["geoip"]
    assert "web-events/1" in doc["engine"]["policy"]


def test_table_output_is_readable() -> None:
    done = _config(ANONYMIZER_KEYS=f"k1:{KEY_1}")
    assert done.returncode == 0, done.stderr
    for text in ("Kafka settings", "Privacy engine settings", "bootstrap_servers", "1 key(s): k1"):
        assert text in done.stdout


def test_every_mistake_is_listed_with_exit_code_2() -> None:
    bad_key = base64.b64encode(b"short").decode()
    done = _config(
        "--json",
        ANONYMIZER_KEYS=f"k1:{bad_key}",
        ANONYMIZER_LINGER_MS="-5",
        ANONYMIZER_POLICY="/no/such/policy.toml",
        ANONYMIZER_TRUSTED_PROXIES="10.0.0.0/8,not-a-network",
    )
    assert done.returncode == 2
    errors = json.loads(done.stdout)["errors"]
    text = "\n".join(errors)
    for expected in ("linger_ms", "keys", "policy", "proxies"):
        assert expected in text, text
    assert len(errors) >= 4
    assert bad_key not in done.stdout + done.stderr
    assert "configuration error(s)" in done.stderr


def test_cross_field_mistakes_are_listed_one_per_line() -> None:
    """(KafkaSettings checks consistency only once every field is valid on its own.)"""
    done = _config("--json", ANONYMIZER_KEYS=f"k1:{KEY_1}", ANONYMIZER_SECURITY_PROTOCOL="SASL_SSL")
    assert done.returncode == 2
    text = "\n".join(json.loads(done.stdout)["errors"])
    for expected in ("sasl_mechanism", "sasl_username", "sasl_password"):
        assert expected in text, text


def test_missing_keys_is_a_mistake() -> None:
    done = _config()
    assert done.returncode == 2
    assert "keys" in done.stderr and "ANONYMIZER_KEYS" in done.stderr


def test_help() -> None:
    done = _config("--help")
    assert done.returncode == 0 and "--json" in done.stdout


def test_config_shows_worker_settings_and_their_mistakes() -> None:
    env = {"ANONYMIZER_KEYS": f"w1:{KEY_1}", "ANONYMIZER_INSTANCE_ID": "pod-7"}
    done = _config("--json", **env)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["worker"]["instance_id"] == "pod-7"
    assert doc["sources"]["worker"]["instance_id"] == "env"
    done = _config("--json", **env, ANONYMIZER_BATCH_SIZE="0")
    assert done.returncode == 2
    errors = json.loads(done.stdout)["errors"]
    assert any(e.startswith("worker settings: batch_size") for e in errors)


@pytest.mark.parametrize("fmt", [[], ["--json"]])
def test_an_unknown_variable_is_a_mistake_named_without_its_value(fmt: list[str]) -> None:
    done = _config(*fmt, ANONYMIZER_KEYS=f"k1:{KEY_1}", ANONYMIZER_BATCH_SIZ=SECRET_PASSWORD)
    assert done.returncode == 2
    line = "unknown setting ANONYMIZER_BATCH_SIZ (did you mean ANONYMIZER_BATCH_SIZE?)"
    assert f"1 configuration error(s):\n  {line}" in done.stderr
    if fmt:
        assert json.loads(done.stdout)["errors"] == [line]
    assert SECRET_PASSWORD not in done.stdout + done.stderr
