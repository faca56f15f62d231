"""Both wire formats: the engine's framing, and reading either one by its first byte with the
framing, the writer schema and the record's length checked (Confluent ids on the real registry)."""

from __future__ import annotations

import uuid

import pytest

from pipeline.codec.dead_letter import DeadLetterCodec, dead_letter
from pipeline.codec.schemas import ANONYMIZED, DEAD_LETTER
from pipeline.codec.wire import MessageDecoder, WireFormat, confluent_header
from pipeline.config.registry import RegistrySettings
from pipeline.core import Engine
from pipeline.core.reasons import Reason
from pipeline.dev.traffic import TrafficGenerator
from pipeline.errors import UnreachableError, UsageError
from pipeline.kafka.broker import free_port
from pipeline.registry.client import RegistryClient
from pipeline.registry.embedded import EmbeddedRegistry
from pipeline.registry.lookup import schema_lookup
from pipeline.registry.startup import schema_text
from pipeline.secrets.ephemeral import EphemeralDays

DAYS = EphemeralDays()


def _batch(value_header: bytes | None = None) -> tuple[Engine, list[bytes], list[bytes]]:
    engine = Engine(value_header=value_header)
    events = TrafficGenerator(seed=4, garbage=0.2).events(200)
    result = engine.process([e.payload for e in events], DAYS)
    codec = DeadLetterCodec(None if value_header is None else confluent_header(7))
    letters = [codec.encode(dead_letter(r, policy_version="p", rejected_at_ms=1, offset=r.index))
               for r in result.rejects]  # fmt: skip
    assert result.records and letters
    return engine, [r.value for r in result.records], letters


def test_the_formats_differ_only_in_their_constant_prefix() -> None:
    single = WireFormat.single_object()
    _, plain, plain_letters = _batch()
    engine, framed, framed_letters = _batch(confluent_header(42))
    assert single.anonymized_header[:2] == b"\xc3\x01" and len(single.anonymized_header) == 10
    assert [v[10:] for v in plain] == [v[5:] for v in framed]  # the same Avro body
    assert all(v[:5] == b"\x00\x00\x00\x00\x2a" for v in framed)
    assert [v[10:] for v in plain_letters] == [v[5:] for v in framed_letters]
    assert all(v[:5] == confluent_header(7) for v in framed_letters)
    assert engine.steps[-1].header == confluent_header(42)


def test_single_object_checks_fingerprint_framing_and_length() -> None:
    _, values, letters = _batch()
    records = MessageDecoder(ANONYMIZED)
    dead = MessageDecoder(DEAD_LETTER)
    assert {records.decode(v)["policy_version"] for v in values} == {"web-events/1"}
    assert {dead.decode(v)["reason"] for v in letters} <= {r.value for r in Reason}
    with pytest.raises(ValueError, match=r"no committed revision of anonymized_web_event\.v1"):
        records.decode(letters[0])  # a dead letter's fingerprint on the records' topic
    with pytest.raises(ValueError, match="1 bytes after the record"):
        records.decode(values[0] + b"\x00")
    with pytest.raises(EOFError):
        records.decode(values[0][:-3])
    with pytest.raises(
        ValueError,
        match=r"neither single-object \(C3 01\) nor Confluent \(00\) framing: starts with 7b22",
    ):
        records.decode(b'{"event_id": "..."}')
    with pytest.raises(ValueError, match="a schema registry is needed"):
        records.decode(confluent_header(1) + values[0][10:])


@pytest.mark.registry
def test_confluent_ids_are_read_from_the_registry_and_checked(
    schema_registry: EmbeddedRegistry,
) -> None:
    client = RegistryClient(schema_registry.url)
    suffix = uuid.uuid4().hex[:8]
    record_id = client.register(f"wire.{suffix}-value", schema_text(ANONYMIZED))
    letter_id = client.register(f"wire-dl.{suffix}-value", schema_text(DEAD_LETTER))
    _, values, _ = _batch(confluent_header(record_id))
    settings = RegistrySettings(schema_registry_url=schema_registry.url)
    decoder = MessageDecoder(ANONYMIZED, schema_lookup(settings))
    plain = MessageDecoder(ANONYMIZED)
    single = WireFormat.single_object().anonymized_header
    assert [decoder.decode(v) for v in values] == [plain.decode(single + v[5:]) for v in values]
    with pytest.raises(
        ValueError, match=rf"schema id {letter_id} is io\.eventanonymizer\.v1\.DeadLetter, not"
    ):
        decoder.decode(confluent_header(letter_id) + values[0][5:])
    with pytest.raises(UsageError, match=r"schema id 99999 from the registry: .*HTTP 404"):
        decoder.decode(confluent_header(99999) + values[0][5:])


def test_an_unreachable_registry_is_unreachable_and_an_unset_one_a_usage_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/apis/ccompat/v7"
    decoder = MessageDecoder(ANONYMIZED, schema_lookup(RegistrySettings(schema_registry_url=url)))
    _, values, _ = _batch()
    with pytest.raises(UnreachableError, match=f"no answer from {url}") as caught:
        decoder.decode(confluent_header(3) + values[0][10:])
    assert caught.value.service == "schema registry"
    unset = MessageDecoder(ANONYMIZED, schema_lookup(RegistrySettings()))
    with pytest.raises(UsageError, match="set ANONYMIZER_SCHEMA_REGISTRY_URL"):
        unset.decode(confluent_header(3) + values[0][10:])
