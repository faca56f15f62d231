"""The worker's registry client against the real Apicurio Registry (Confluent-compatible API)."""

from __future__ import annotations

import json
import uuid

import pytest

from pipeline.codec.schemas import ANONYMIZED, DEAD_LETTER, load_schema
from pipeline.kafka.broker import free_port
from pipeline.registry.client import IncompatibleSchema, RegistryClient, RegistryUnreachable
from pipeline.registry.embedded import EmbeddedRegistry

pytestmark = pytest.mark.registry


def schema_text(schema_file: str) -> str:
    return json.dumps(load_schema(schema_file), separators=(",", ":"))


def _subject() -> str:
    return f"client-test.{uuid.uuid4().hex[:8]}-value"


def test_register_is_idempotent_and_ids_read_back(schema_registry: EmbeddedRegistry) -> None:
    client = RegistryClient(schema_registry.url)
    subject = _subject()
    assert client.compatibility(subject) is None
    client.set_compatibility(subject, "FULL")
    assert client.compatibility(subject) == "FULL"
    first = client.register(subject, schema_text(ANONYMIZED))
    assert client.register(subject, schema_text(ANONYMIZED)) == first  # the same text: same id
    assert json.loads(client.schema(first)) == load_schema(ANONYMIZED)
    latest = client.latest(subject)
    assert (latest.version, latest.schema_id) == (1, first)
    assert subject in client.subjects()
    assert client.versions(subject) == [1]


def test_a_refused_schema_is_http_409(schema_registry: EmbeddedRegistry) -> None:
    client = RegistryClient(schema_registry.url)
    subject = _subject()
    client.set_compatibility(subject, "FULL")
    client.register(subject, schema_text(ANONYMIZED))
    assert not client.is_compatible(subject, schema_text(DEAD_LETTER))
    with pytest.raises(IncompatibleSchema) as refused:
        client.register(subject, schema_text(DEAD_LETTER))  # another record altogether
    assert refused.value.status == 409
    print(refused.value)
    assert client.versions(subject) == [1]


def test_no_answer_is_unreachable() -> None:
    client = RegistryClient(f"http://127.0.0.1:{free_port()}/apis/ccompat/v7", timeout=2)
    with pytest.raises(RegistryUnreachable, match=r"no answer from http://127\.0\.0\.1:"):
        client.subjects()
