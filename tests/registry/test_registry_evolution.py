"""The real registry holds the same rule: the committed revisions register in order under FULL,
a compatible change registers, an incompatible one is refused with HTTP 409 (as by the check)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest

from pipeline.codec.history import FAMILIES, revisions
from pipeline.codec.schema_check import check
from pipeline.codec.schemas import ANONYMIZED
from pipeline.registry.client import CONTENT_TYPE, RegistryClient
from pipeline.registry.embedded import EmbeddedRegistry
from tests.codec.schema_changes import COMPATIBLE, INCOMPATIBLE, ROOM_ONLY

pytestmark = pytest.mark.registry


def _text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, separators=(",", ":"))


def _subject_with_history(client: RegistryClient) -> str:
    """A new FULL subject holding r1 and r2 of the anonymized schema, registered in order."""
    subject = f"evolution.{uuid.uuid4().hex[:8]}-value"
    client.set_compatibility(subject, "FULL")
    for rev in revisions(ANONYMIZED):
        client.register(subject, _text(rev.schema))
    return subject


@pytest.mark.parametrize("schema_file", FAMILIES)
def test_committed_revisions_register_in_order_under_full(
    schema_registry: EmbeddedRegistry, schema_file: str
) -> None:
    client = RegistryClient(schema_registry.url)
    subject = f"history.{uuid.uuid4().hex[:8]}-value"
    client.set_compatibility(subject, "FULL")
    ids = [client.register(subject, _text(r.schema)) for r in revisions(schema_file)]
    assert len(set(ids)) == len(
        ids
    )  # r1 and r2 differ (the default) though their fingerprint does not
    assert client.versions(subject) == list(range(1, len(ids) + 1))


@pytest.mark.parametrize("change", sorted(set(INCOMPATIBLE) - ROOM_ONLY))
def test_an_incompatible_change_is_refused_with_http_409(
    schema_registry: EmbeddedRegistry, change: str
) -> None:
    client = RegistryClient(schema_registry.url)
    subject = _subject_with_history(client)
    body = json.dumps({"schema": _text(INCOMPATIBLE[change])}).encode()
    request = urllib.request.Request(
        f"{schema_registry.url}/subjects/{subject}/versions", data=body, method="POST",
        headers={"Content-Type": CONTENT_TYPE},
    )  # fmt: skip
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    answer = json.loads(refused.value.read())
    print(f"{change}: HTTP {refused.value.code} {answer['message'][:160]}")
    assert refused.value.code == 409 and answer["error_code"] == 409
    assert client.versions(subject) == [1, 2]  # nothing registered
    assert check(ANONYMIZED, INCOMPATIBLE[change]).problems  # the check refuses it too


def test_what_only_the_check_refuses(schema_registry: EmbeddedRegistry) -> None:
    """A symbol added to an enum without a default: FULL against r2 (whose readers have the
    default) lets it in, but the next symbol after it would break r3's readers: the check's
    room-to-evolve rule refuses it before that can happen."""
    client = RegistryClient(schema_registry.url)
    subject = _subject_with_history(client)
    for change in ROOM_ONLY:
        assert client.is_compatible(subject, _text(INCOMPATIBLE[change]))
        assert any("has no default" in p for p in check(ANONYMIZED, INCOMPATIBLE[change]).problems)


@pytest.mark.parametrize("change", sorted(COMPATIBLE))
def test_a_compatible_change_registers(schema_registry: EmbeddedRegistry, change: str) -> None:
    client = RegistryClient(schema_registry.url)
    subject = _subject_with_history(client)
    new_id = client.register(subject, _text(COMPATIBLE[change]))
    assert client.latest(subject).schema_id == new_id
    assert client.versions(subject) == [1, 2, 3]
    assert check(ANONYMIZED, COMPATIBLE[change]).problems == []
