"""One test per drop reason: reason, field and step; readable fields free of input; sealed intact."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from core_events import (
    EVENT_TIME,
    dumps,
    make_ring,
    only_record,
    only_reject,
    readable,
    valid_event,
    without,
)

import pipeline.core.engine as engine_module
from pipeline.core import Engine, Reason, Reject
from pipeline.core.engine import IDENTITY_STEPS
from pipeline.core.keys import KeyRing
from pipeline.core.policy import load_policy
from pipeline.core.raw_event import FIELDS
from pipeline.core.seal import UnsealError, unseal
from pipeline.core.steps.identity import Geolocate, Pseudonymize
from pipeline.core.steps.validate import Validate
from pipeline.errors import ConfigError

BASE = dumps(valid_event())
MAX_PAYLOAD = load_policy().max_payload_bytes
STEP_NAMES = (
    "limit_size",
    "decode",
    *IDENTITY_STEPS,
    "validate",
    "scrub",
    "encode",
)
VOCABULARY = frozenset(FIELDS) | {r.value for r in Reason} | set(STEP_NAMES) | {"k1"}


def _leaves(value: Any) -> list[str]:
    """Every scalar of a JSON value and every key, as text."""
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in (k, *_leaves(v))]
    if isinstance(value, list):
        return [t for v in value for t in _leaves(v)]
    return [] if value is None or isinstance(value, bool) else [str(value)]


def _input_texts(payload: bytes) -> list[str]:
    """Input values to look for in a reject's readable fields (long enough to be meaningful)."""
    try:
        texts = _leaves(json.loads(payload))
    except (ValueError, RecursionError):
        texts = [payload.decode("utf-8", "replace")]
    # Readable fields are drawn from closed vocabularies (reasons, field and step names, key
    # ids); an input value that happens to be part of that vocabulary proves nothing.
    return [t for t in texts if len(t) >= 4 and not any(t in word for word in VOCABULARY)]


def check_reject(
    engine: Engine,
    ring: KeyRing,
    payload: bytes,
    reason: Reason,
    field: str | None,
    step: str,
) -> Reject:
    reject = only_reject(engine, payload)
    assert (reject.reason, reject.field, reject.step) == (reason, field, step)
    assert reject.index == 0
    assert reject.key_id == ring.active.key_id
    assert reject.payload_size == len(payload)
    assert reject.field is None or reject.field in FIELDS
    assert reject.step in {s.name for s in engine.steps}
    assert [s.name for s in engine.steps] == list(STEP_NAMES)
    assert reason in next(s for s in engine.steps if s.name == step).reasons
    text = readable(reject)
    for value in _input_texts(payload):
        assert value not in text
    assert payload not in reject.sealed or len(payload) < 4
    assert unseal(ring, reject.key_id, reject.sealed) == payload
    return reject


CASES: list[tuple[str, bytes, Reason, str | None, str]] = [
    # limit_size
    ("too_large", dumps(valid_event(title="あ" * 30_000)), Reason.TOO_LARGE, None, "limit_size"),
    # decode: not JSON
    ("garbage", b"\x00\x01 definitely not json", Reason.NOT_JSON, None, "decode"),
    ("empty", b"", Reason.NOT_JSON, None, "decode"),
    ("truncated", BASE[:-7], Reason.NOT_JSON, None, "decode"),
    ("trailing junk", BASE + b"}}", Reason.NOT_JSON, None, "decode"),
    ("trailing value", BASE + b' {"a": 1}', Reason.NOT_JSON, None, "decode"),
    ("NaN", BASE.replace(b"1920", b"NaN"), Reason.NOT_JSON, None, "decode"),
    ("too deep", b'{"a":' * 3000 + b"1" + b"}" * 3000, Reason.NOT_JSON, None, "decode"),
    (
        "too deep unknown key",
        BASE[:-1] + b', "zz": ' + b"[" * 3000 + b"]" * 3000 + b"}",
        Reason.NOT_JSON,
        None,
        "decode",
    ),
    # decode: not an object
    ("array", dumps([valid_event()]), Reason.NOT_AN_OBJECT, None, "decode"),
    ("string", b'"page_view"', Reason.NOT_AN_OBJECT, None, "decode"),
    ("number", b"12345", Reason.NOT_AN_OBJECT, None, "decode"),
    ("null", b"null", Reason.NOT_AN_OBJECT, None, "decode"),
    # decode: missing field
    ("absent url", dumps(without(valid_event(), "url")), Reason.MISSING_FIELD, "url", "decode"),
    (
        "absent event_id",
        dumps(without(valid_event(), "event_id")),
        Reason.MISSING_FIELD,
        "event_id",
        "decode",
    ),
    ("null title", dumps(valid_event(title=None)), Reason.MISSING_FIELD, "title", "decode"),
    (
        "null event_time",
        dumps(valid_event(event_time=None)),
        Reason.MISSING_FIELD,
        "event_time",
        "decode",
    ),
    # decode: bad type
    (
        "string for int",
        dumps(valid_event(event_type="tap", x="12", y=5)),
        Reason.BAD_TYPE,
        "x",
        "decode",
    ),
    (
        "bool for int",
        dumps(valid_event(screen_width=True)),
        Reason.BAD_TYPE,
        "screen_width",
        "decode",
    ),
    (
        "float for int",
        dumps(valid_event(page_views=2.5)),
        Reason.BAD_TYPE,
        "page_views",
        "decode",
    ),
    (
        "integral float for int",
        dumps(valid_event(color_depth=24.0)),
        Reason.BAD_TYPE,
        "color_depth",
        "decode",
    ),
    ("int for string", dumps(valid_event(title=12345)), Reason.BAD_TYPE, "title", "decode"),
    (
        "object for string",
        dumps(valid_event(user_agent={"ua": "Mozilla"})),
        Reason.BAD_TYPE,
        "user_agent",
        "decode",
    ),
    (
        "attributes not an object",
        dumps(valid_event(attributes=["tel", "03-5971-0818"])),
        Reason.BAD_TYPE,
        "attributes",
        "decode",
    ),
    # validate / scrub: bad value
    (
        "bad uuid",
        dumps(valid_event(event_id="3f1c2a9e-8b7d-4c6e-9a1b-ZZZZZZZZZZZZ")),
        Reason.BAD_VALUE,
        "event_id",
        "validate",
    ),
    (
        "unknown event_type",
        dumps(valid_event(event_type="hover")),
        Reason.BAD_VALUE,
        "event_type",
        "validate",
    ),
    (
        "bad site_id",
        dumps(valid_event(site_id="site 0001/../x")),
        Reason.BAD_VALUE,
        "site_id",
        "validate",
    ),
    ("empty site_id", dumps(valid_event(site_id="")), Reason.BAD_VALUE, "site_id", "validate"),
    (
        "url not http(s)",
        dumps(valid_event(url="ftp://files.example.jp/report.pdf")),
        Reason.BAD_VALUE,
        "url",
        "scrub",
    ),
    (
        "url javascript",
        dumps(valid_event(url="javascript:alert(1)")),
        Reason.BAD_VALUE,
        "url",
        "scrub",
    ),
    (
        "url relative",
        dumps(valid_event(url="/products/shoes-123")),
        Reason.BAD_VALUE,
        "url",
        "scrub",
    ),
    # validate: out of range
    (
        "negative x",
        dumps(valid_event(event_type="tap", x=-1, y=10)),
        Reason.OUT_OF_RANGE,
        "x",
        "validate",
    ),
    (
        "huge y",
        dumps(valid_event(event_type="click", x=1, y=1_000_001)),
        Reason.OUT_OF_RANGE,
        "y",
        "validate",
    ),
    (
        "event_time in 1970",
        dumps(valid_event(event_time=86_400_000)),
        Reason.OUT_OF_RANGE,
        "event_time",
        "validate",
    ),
    (
        "negative event_time",
        dumps(valid_event(event_time=-1)),
        Reason.OUT_OF_RANGE,
        "event_time",
        "validate",
    ),
    (
        "giant int",
        dumps(valid_event(page_views=10**30)),
        Reason.OUT_OF_RANGE,
        "page_views",
        "validate",
    ),
    (
        "giant event_time",
        dumps(valid_event(event_time=2**64)),
        Reason.OUT_OF_RANGE,
        "event_time",
        "validate",
    ),
    (
        "scroll over 100",
        dumps(valid_event(event_type="scroll", scroll_depth=101)),
        Reason.OUT_OF_RANGE,
        "scroll_depth",
        "validate",
    ),
    # validate: inconsistent
    (
        "tap without x",
        dumps(valid_event(event_type="tap", y=10)),
        Reason.INCONSISTENT,
        "x",
        "validate",
    ),
    (
        "scroll without scroll_depth",
        dumps(valid_event(event_type="scroll")),
        Reason.INCONSISTENT,
        "scroll_depth",
        "validate",
    ),
    (
        "ab_exposure without variant",
        dumps(valid_event(event_type="ab_exposure", experiment_id="exp-checkout-2025")),
        Reason.INCONSISTENT,
        "variant_id",
        "validate",
    ),
    (
        "conversion without goal",
        dumps(valid_event(event_type="conversion")),
        Reason.INCONSISTENT,
        "conversion_goal",
        "validate",
    ),
    (
        "last visit after event",
        dumps(valid_event(last_visit_time=EVENT_TIME + 1)),
        Reason.INCONSISTENT,
        "last_visit_time",
        "validate",
    ),
    # decode: bad encoding
    (
        "invalid utf-8",
        BASE.replace(b"Win32", b"Win\xff\xfe32"),
        Reason.BAD_ENCODING,
        None,
        "decode",
    ),
    (
        "lone high surrogate",
        BASE.replace(b"Win32", b"Win\\ud800 32"),
        Reason.BAD_ENCODING,
        None,
        "decode",
    ),
    (
        "lone low surrogate",
        BASE.replace(b"Win32", b"Win\\udc00 32"),
        Reason.BAD_ENCODING,
        None,
        "decode",
    ),
    (
        "lone surrogate in a key",
        BASE[:-1] + b', "\\ud800": 1}',
        Reason.BAD_ENCODING,
        None,
        "decode",
    ),
]


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
    small = Engine(ring, geoip=test_db, max_record_bytes=200)
    payload = dumps(valid_event())
    check_reject(small, ring, payload, Reason.OUTPUT_TOO_LARGE, None, "encode")


def test_the_size_limit_is_inclusive(engine: Engine) -> None:
    event = valid_event(attributes={"pad": ""})
    room = MAX_PAYLOAD - len(dumps(event))
    at_limit = dumps(valid_event(attributes={"pad": "p" * room}))
    assert len(at_limit) == MAX_PAYLOAD
    assert only_record(engine, at_limit)["event_id"] == event["event_id"]
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
        assert unseal(ring, reject.key_id, reject.sealed) == payload


def test_an_unknown_key_named_like_a_message_does_not_become_the_field(engine: Engine) -> None:
    # msgspec quotes the path in its messages; an attacker-chosen key must not become `field`.
    event = valid_event()
    event["evil` at `$.url"] = "x"
    event["screen_width"] = "wide"
    reject = only_reject(engine, dumps(event))
    assert reject.field in FIELDS


def test_rejects_come_out_in_index_order_with_records(engine: Engine, ring: KeyRing) -> None:
    payloads = [c[1] for c in CASES] + [dumps(valid_event())] * 3
    result = engine.process(payloads)
    assert [r.index for r in result.rejects] == list(range(len(CASES)))
    assert [r.index for r in result.records] == [len(CASES), len(CASES) + 1, len(CASES) + 2]
    for reject, case in zip(result.rejects, CASES, strict=True):
        assert (reject.reason, reject.field, reject.step) == case[2:]
        assert unseal(ring, reject.key_id, reject.sealed) == case[1]


def test_sealed_payloads_do_not_open_under_another_key(engine: Engine) -> None:
    reject = only_reject(engine, b"not json")
    other = make_ring("k1-other")
    with pytest.raises(UnsealError):
        unseal(other, reject.key_id, reject.sealed)
    impostor = KeyRing.parse("k1:" + base64.b64encode(b"\x07" * 32).decode())
    with pytest.raises(UnsealError):
        unseal(impostor, reject.key_id, reject.sealed)
    tampered = reject.sealed[:-1] + bytes([reject.sealed[-1] ^ 1])
    with pytest.raises(UnsealError):
        unseal(make_ring("k1"), reject.key_id, tampered)


# --- the identity steps may not reject ---------------------------------------------------------


def test_the_identity_steps_run_together_and_cannot_reject(engine: Engine) -> None:
    names = [s.name for s in engine.steps]
    start = names.index(IDENTITY_STEPS[0])
    assert tuple(names[start : start + len(IDENTITY_STEPS)]) == IDENTITY_STEPS
    assert names[start - 1] == "decode"
    assert not any(s.reasons for s in engine.steps[start : start + len(IDENTITY_STEPS)])


class RejectingPseudonymize(Pseudonymize):
    """A pseudonymize step that declares it may reject: must be refused at start-up."""

    reasons = frozenset({Reason.BAD_VALUE})


class RejectingGeolocate(Geolocate):
    reasons = frozenset({Reason.OUT_OF_RANGE})


@pytest.mark.parametrize(
    ("name", "replacement"),
    [("Pseudonymize", RejectingPseudonymize), ("Geolocate", RejectingGeolocate)],
)
def test_a_rejecting_identity_step_is_refused(
    monkeypatch: pytest.MonkeyPatch, ring: KeyRing, test_db, name: str, replacement: type
) -> None:
    monkeypatch.setattr(engine_module, name, replacement)
    with pytest.raises(ConfigError, match="must not reject"):
        Engine(ring, geoip=test_db)


def test_a_rejecting_step_between_resolve_client_and_drop_identifiers_is_refused(
    monkeypatch: pytest.MonkeyPatch, ring: KeyRing, test_db
) -> None:
    policy = load_policy()

    def validate_instead_of_geolocate(geo: object) -> Validate:
        return Validate(policy)

    monkeypatch.setattr(engine_module, "Geolocate", validate_instead_of_geolocate)
    with pytest.raises(ConfigError, match="run together"):
        Engine(ring, geoip=test_db)


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
