"""Shared fixtures: one real Apache Kafka broker and one real Apicurio schema registry per test
session (each started on first use)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from confluent_kafka.admin import AdminClient
from hypothesis import settings

from pipeline.config.kafka import KafkaSettings
from pipeline.kafka.broker import EmbeddedBroker
from pipeline.kafka.topics import apply, load_topics, plan
from pipeline.registry.embedded import EmbeddedRegistry
from tests.unique_topics import unique_settings

# Property tests explore new examples on every local run; under CI=true they replay the same
# derandomized examples, so a CI verdict is reproducible (a failure prints its reproduction blob).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No ANONYMIZER_* setting of the developer's shell (above all no ANONYMIZER_KEYS) leaks into
    a test; ANONYMIZER_KAFKA_LIBS stays, it only says where the broker's jars are."""
    for name in list(os.environ):
        if name.startswith("ANONYMIZER_") and name != "ANONYMIZER_KAFKA_LIBS":
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    """One Kafka broker for the whole session: free port, data (and broker.log) in a tmp dir."""
    broker = EmbeddedBroker(data_dir=tmp_path_factory.mktemp("kafka-session"))
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture(scope="session")
def schema_registry() -> Iterator[EmbeddedRegistry]:
    """One Apicurio Registry for the whole session: free port, in-memory storage. Tests use
    subjects of their own (topic names unique to the test)."""
    registry = EmbeddedRegistry()
    registry.start()
    try:
        yield registry
    finally:
        registry.stop()


@pytest.fixture
def kafka_settings(kafka_broker: EmbeddedBroker) -> Iterator[KafkaSettings]:
    """Settings pointed at the session broker, with topic names and group unique to the test.

    The test's topics are deleted afterwards, so the session broker does not pile up hundreds of
    partitions (a broker restart recovers every one of them, slowly on a busy machine)."""
    settings = unique_settings(kafka_broker.bootstrap)
    yield settings
    suffix = "." + settings.raw_topic.rsplit(".", 1)[1]  # every name of the test ends in it
    _delete_topics_ending(AdminClient(settings.admin_config()), suffix)


def _delete_topics_ending(admin: AdminClient, suffix: str) -> None:
    """Best-effort clean-up: a topic that cannot be deleted now stays (the broker is per session)."""
    try:
        names = [t for t in admin.list_topics(timeout=10).topics if t.endswith(suffix)]
        for future in admin.delete_topics(names, operation_timeout=30).values() if names else ():
            future.result(timeout=60)
    except Exception:
        pass


@pytest.fixture
def admin(kafka_settings: KafkaSettings) -> AdminClient:
    """An AdminClient for the session broker."""
    return AdminClient(kafka_settings.admin_config())


@pytest.fixture
def kafka_topics(admin: AdminClient, kafka_settings: KafkaSettings) -> KafkaSettings:
    """The declared topics created under this test's unique names; returns the settings."""
    apply(admin, plan(admin, load_topics(settings=kafka_settings)))
    return kafka_settings
