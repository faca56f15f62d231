"""One test per drop reason: reason, field and step; readable fields free of input; sealed intact."""

from __future__ import annotations

import pytest

from pipeline.core import Engine, Reason
from pipeline.core.keys import Key, KeyRing
from pipeline.core.raw_event import FIELDS
from pipeline.core.seal import UnsealError, unseal
from tests.core.core_events import (
    DAYS,
    SeededDays,
    dumps,
    make_ring,
    only_record,
    only_reject,
    readable,
    valid_event,
    without,
)
from tests.core.reject_cases import BASE, CASES, MAX_PAYLOAD
from tests.core.reject_checks import check_reject


@pytest.mark.parametrize(
    ("payload", "reason", "field", "step"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_drop_reason(
    engine: Engine,
    ring: KeyRing,
    payload: bytes,
    reason: Reason,
    field: str | None,
    step: str,
) -> None:
    check_reject(engine, ring, payload, reason, field, step)


def test_every_reason_but_output_too_large_is_covered() -> None:
    covered = {c[2] for c in CASES}
    assert covered == set(Reason) - {Reason.OUTPUT_TOO_LARGE}


def test_output_too_large(ring: KeyRing, test_db) -> None:
    small = Engine(geoip=test_db, max_record_bytes=200)
    payload = dumps(valid_event())
    check_reject(small, ring, payload, Reason.OUTPUT_TOO_LARGE, None, "encode")


def test_the_size_limit_is_inclusive(engine: Engine) -> None:
    event = valid_event(attributes={"pad": ""})
    room = MAX_PAYLOAD - len(dumps(event))
    at_limit = dumps(valid_event(attributes={"pad": "p" * room}))
    assert len(at_limit) == MAX_PAYLOAD
    expected = engine.event_key(event["event_id"], event["site_id"], event["event_time"], DAYS)
    assert only_record(engine, at_limit)["event_id"] == expected
    over = dumps(valid_event(attributes={"pad": "p" * (room + 1)}))
    assert only_reject(engine, over).reason is Reason.TOO_LARGE


def test_a_valid_surrogate_pair_is_fine(engine: Engine) -> None:
    out = only_record(engine, BASE.replace(b"Example Shop", b"\\ud83d\\ude00 Shop"))
    assert out["title"].endswith("\U0001f600 Shop")


def test_inputs_in_values_never_reach_readable_fields(engine: Engine, ring: KeyRing) -> None:
    secret = "kentasuzuki@example.com"
    for payload in (
        dumps(valid_event(event_id=secret)),
        dumps(valid_event(site_id=secret)),
        dumps(valid_event(event_type=secret)),
        dumps(valid_event(x=secret, event_type="tap", y=1)),
        dumps(without(valid_event(ip=secret), "url")),
        dumps({secret: 1}),
        dumps([secret]),
        dumps(secret),
        secret.encode(),
    ):
        reject = only_reject(engine, payload)
        assert "kentasuzuki" not in readable(reject)
        assert unseal(DAYS, reject.key_id, reject.sealed) == payload


def test_an_unknown_key_named_like_a_message_does_not_become_the_field(engine: Engine) -> None:
    # msgspec quotes the path in its messages; an attacker-chosen key must not become `field`.
    event = valid_event()
    event["evil` at `$.url"] = "x"
    event["screen_width"] = "wide"
    reject = only_reject(engine, dumps(event))
    assert reject.field in FIELDS


def test_rejects_come_out_in_index_order_with_records(engine: Engine, ring: KeyRing) -> None:
    payloads = [c[1] for c in CASES] + [dumps(valid_event())] * 3
    result = engine.process(payloads, DAYS)
    assert [r.index for r in result.rejects] == list(range(len(CASES)))
    assert [r.index for r in result.records] == [len(CASES), len(CASES) + 1, len(CASES) + 2]
    for reject, case in zip(result.rejects, CASES, strict=True):
        assert (reject.reason, reject.field, reject.step) == case[2:]
        assert unseal(DAYS, reject.key_id, reject.sealed) == case[1]


def test_sealed_payloads_do_not_open_under_another_key(engine: Engine) -> None:
    reject = only_reject(engine, b"not json")
    with pytest.raises(UnsealError, match="not held"):
        unseal(SeededDays("k1-other"), reject.key_id, reject.sealed)
    with pytest.raises(UnsealError, match="not held"):
        unseal(make_ring("k1"), reject.key_id, reject.sealed)  # a master key opens no day's seal
    impostor = {reject.key_id: Key(reject.key_id, b"\x07" * 32)}
    with pytest.raises(UnsealError, match="does not open"):
        unseal(impostor, reject.key_id, reject.sealed)
    tampered = reject.sealed[:-1] + bytes([reject.sealed[-1] ^ 1])
    with pytest.raises(UnsealError):
        unseal(DAYS, reject.key_id, tampered)


EMOJI = BASE.replace(b"Example Shop", b"\\ud83d\\ude00 Shop")  # a valid escaped surrogate pair


@pytest.mark.parametrize(
    "payload",
    [EMOJI[:-3], EMOJI + b"x", EMOJI.replace(b"1920", b"NaN")],
    ids=["truncated", "trailing junk", "NaN"],
)
def test_broken_json_with_a_valid_surrogate_pair_is_not_json(
    engine: Engine, payload: bytes
) -> None:
    assert only_reject(engine, payload).reason is Reason.NOT_JSON
