"""KafkaSettings: sources, validation messages, secrets, and client configs on a real broker."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
from confluent_kafka import Consumer, Producer

from pipeline.config.kafka import KafkaSettings, load_kafka_settings
from pipeline.errors import ConfigError

SECRET = "s3cr3t-Pa55word"


pytestmark = pytest.mark.usefixtures("clean_env")


def _error_lines(**overrides: object) -> list[str]:
    with pytest.raises(ConfigError) as err:
        load_kafka_settings(**overrides)
    text = str(err.value)
    assert SECRET not in text and "hunter" not in text
    assert text.splitlines()[0] == "invalid Kafka settings:"
    return [line.strip() for line in text.splitlines()[1:]]


def test_defaults() -> None:
    s = load_kafka_settings()
    assert s.bootstrap_servers == "127.0.0.1:9092"
    assert (s.raw_topic, s.anonymized_topic, s.dead_letter_topic) == (
        "web.events.raw",
        "web.events.anonymized",
        "web.events.dead-letter",
    )
    assert s.group_id == "event-anonymizer" and s.session_timeout_ms == 10000


def test_every_field_is_documented() -> None:
    assert all(f.description for f in KafkaSettings.model_fields.values())


def test_precedence_overrides_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "anonymizer.toml"
    cfg.write_text(
        '[kafka]\nbootstrap_servers = "file:9092"\ngroup_id = "from-file"\n'
        'client_id = "file-client"\n'
    )
    monkeypatch.setenv("ANONYMIZER_CONFIG_FILE", str(cfg))
    monkeypatch.setenv("ANONYMIZER_GROUP_ID", "from-env")
    monkeypatch.setenv("ANONYMIZER_CLIENT_ID", "env-client")
    s = load_kafka_settings(client_id="kwarg-client")
    assert (s.bootstrap_servers, s.group_id, s.client_id) == (
        "file:9092",
        "from-env",
        "kwarg-client",
    )
    other = tmp_path / "other.toml"
    other.write_text('[kafka]\nbootstrap_servers = "explicit:1"\n')
    assert load_kafka_settings(other).bootstrap_servers == "explicit:1"


def test_config_file_problems(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_kafka_settings(tmp_path / "missing.toml")
    cfg = tmp_path / "typo.toml"
    cfg.write_text('[kafka]\nbootstrap_server = "x:1"\n')
    assert _error_lines_file(cfg) == ["bootstrap_server: unknown setting"]


def _error_lines_file(cfg: Path) -> list[str]:
    with pytest.raises(ConfigError) as err:
        load_kafka_settings(cfg)
    return [line.strip() for line in str(err.value).splitlines()[1:]]


def test_one_line_per_field_mistake(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANONYMIZER_SESSION_TIMEOUT_MS", "ten seconds")
    lines = _error_lines(
        security_protocol="TLS",
        sasl_mechanism="GSSAPI",
        sasl_password=SECRET,
        ssl_ca_location="/no/such/ca.pem",
        queue_buffering_max_kbytes=0,
    )
    assert len(lines) == 5
    assert lines[0].startswith("security_protocol: Input should be 'PLAINTEXT'")
    assert lines[1].startswith("sasl_mechanism: Input should be 'PLAIN'")
    assert lines[2] == "ssl_ca_location: file /no/such/ca.pem does not exist"
    assert lines[3].startswith("session_timeout_ms: Input should be a valid integer")
    assert lines[4].startswith("queue_buffering_max_kbytes: Input should be greater than")


def test_cross_field_mistakes_one_line_each() -> None:
    lines = _error_lines(sasl_mechanism="SCRAM-SHA-512", sasl_password=SECRET)
    assert lines == [
        "sasl_mechanism: SCRAM-SHA-512 needs security_protocol SASL_SSL or SASL_PLAINTEXT, "
        "not PLAINTEXT",
        "sasl_username: required for SASL authentication",
    ]
    lines = _error_lines(security_protocol="SASL_SSL", sasl_username="u")
    assert lines == [
        "sasl_mechanism: required with security_protocol SASL_SSL",
        "sasl_password: required for SASL authentication",
    ]


def test_tls_files(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("not really a certificate")
    assert _error_lines(ssl_ca_location=ca) == [
        "ssl_ca_location: set, but security_protocol PLAINTEXT does not use TLS"
    ]
    assert _error_lines(security_protocol="SSL", ssl_certificate_location=ca) == [
        "ssl_key_location: client certificate and key must be given together"
    ]
    s = load_kafka_settings(security_protocol="SSL", ssl_ca_location=ca)
    assert s.admin_config()["ssl.ca.location"] == str(ca)


def test_secrets_never_shown() -> None:
    s = load_kafka_settings(
        security_protocol="SASL_SSL",
        sasl_mechanism="SCRAM-SHA-256",
        sasl_username="svc",
        sasl_password=SECRET,
        ssl_key_password=SECRET,
    )
    masked = s.masked()
    assert masked["sasl_password"] == "***" and masked["ssl_key_password"] == "***"
    assert masked["sasl_username"] == "svc"
    assert SECRET not in repr(masked) and SECRET not in repr(s) and SECRET not in str(s)
    conf = s.producer_config(None)
    assert conf["sasl.password"] == SECRET  # the client itself gets it
    assert conf["sasl.mechanism"] == "SCRAM-SHA-256"


def test_client_configs() -> None:
    s = load_kafka_settings(group_instance_id="worker-0")
    c = s.consumer_config(**{"enable.partition.eof": True})
    assert c["isolation.level"] == "read_committed"
    assert c["enable.auto.commit"] is False and c["enable.auto.offset.store"] is False
    assert c["group.id"] == "event-anonymizer" and c["group.instance.id"] == "worker-0"
    assert c["queued.max.messages.kbytes"] == 16384 and c["enable.partition.eof"] is True
    assert s.consumer_config(group_id="other")["group.id"] == "other"
    p = s.producer_config(None)
    assert p["enable.idempotence"] is True and p["acks"] == "all"
    assert "transactional.id" not in p
    t = s.producer_config("worker-0")
    assert t["transactional.id"] == "worker-0" and t["transaction.timeout.ms"] == 60000


def _read_committed(settings: KafkaSettings, topic: str, expect: int) -> list[bytes]:
    consumer = Consumer(settings.consumer_config(group_id=f"reader-{uuid.uuid4().hex[:8]}"))
    consumer.subscribe([topic])
    values: list[bytes] = []
    deadline = time.monotonic() + 30
    idle_since = None
    try:
        while time.monotonic() < deadline:
            msgs = consumer.consume(100, timeout=0.5)
            values += [m.value() for m in msgs if m.error() is None]
            if len(values) >= expect:
                idle_since = idle_since or time.monotonic()
                if time.monotonic() - idle_since > 1.5:  # wait a little for unexpected extras
                    break
        return values
    finally:
        consumer.close()


@pytest.mark.kafka
def test_transactional_roundtrip_read_committed(kafka_topics: KafkaSettings) -> None:
    settings = kafka_topics
    topic = settings.anonymized_topic
    producer = Producer(settings.producer_config(f"tx-{uuid.uuid4().hex[:8]}"))
    producer.init_transactions(30)

    producer.begin_transaction()
    for i in range(50):
        producer.produce(topic, key=str(i).encode(), value=f"committed-{i}".encode())
    producer.commit_transaction(30)

    producer.begin_transaction()
    for i in range(30):
        producer.produce(topic, value=f"aborted-{i}".encode())
    producer.flush(30)
    producer.abort_transaction(30)

    values = _read_committed(settings, topic, 50)
    assert sorted(values) == sorted(f"committed-{i}".encode() for i in range(50))

    # The consumer config really disables auto commit: nothing committed for its group.
    group = f"reader-{uuid.uuid4().hex[:8]}"
    consumer = Consumer(settings.consumer_config(group_id=group))
    consumer.subscribe([topic])
    got = 0
    deadline = time.monotonic() + 20
    while got < 50 and time.monotonic() < deadline:
        got += len([m for m in consumer.consume(100, timeout=0.5) if m.error() is None])
    assignment = consumer.assignment()
    committed = consumer.committed(assignment, timeout=10)
    consumer.close()
    assert got == 50
    assert all(tp.offset < 0 for tp in committed)
