"""Broken payloads: each kind breaks one rule of RawWebEvent v1 (or JSON itself).

The rules come from the input contract (`pipeline.core.contract`: the required fields) and the
packaged policy (limits, the fields each event type requires), never restated here. None of the
payloads contains a newline byte, so a JSONL file of payloads keeps one payload per line.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import orjson

from pipeline.core.contract import REQUIRED
from pipeline.core.policy import load_policy

# kind -> relative weight. too_large is rare (each one is > 64 KiB).
KIND_WEIGHTS: dict[str, int] = {
    "not_json": 10,
    "truncated": 10,
    "invalid_utf8": 6,
    "lone_surrogate": 5,
    "too_deep": 2,
    "array": 6,
    "bad_type": 12,
    "missing_field": 12,
    "out_of_range": 12,
    "inconsistent": 8,
    "bad_value": 12,
    "too_large": 1,
}
KINDS: tuple[str, ...] = tuple(KIND_WEIGHTS)

# The dead-letter reasons an anonymizer may fairly give each kind (pipeline.core.reasons values).
EXPECTED_REASONS: dict[str, frozenset[str]] = {
    "not_json": frozenset({"not_json", "bad_encoding"}),
    "truncated": frozenset({"not_json", "bad_encoding"}),  # a cut inside a character: no UTF-8
    "invalid_utf8": frozenset({"not_json", "bad_encoding"}),
    "lone_surrogate": frozenset({"bad_encoding", "not_json"}),
    "too_deep": frozenset({"not_json"}),
    "array": frozenset({"not_an_object"}),
    "bad_type": frozenset({"bad_type"}),
    "missing_field": frozenset({"missing_field"}),
    "out_of_range": frozenset({"out_of_range"}),
    "inconsistent": frozenset({"inconsistent", "missing_field"}),
    "bad_value": frozenset({"bad_value"}),
    "too_large": frozenset({"too_large"}),
}

_POLICY = load_policy()
MAX_PAYLOAD = _POLICY.max_payload_bytes
# Required fields an `inconsistent` event keeps (an exposure naming its experiment but no
# variant); the others, and always the last, are null.
_PRESENT = {"experiment_id": "e1"}
# Event types that need the same fields, grouped: ((field, ...), (event type, ...)), in order.
_NEEDS: dict[tuple[str, ...], tuple[str, ...]] = {}
for _type, _fields in _POLICY.fields["event_type"].requires:
    _NEEDS[_fields] = (*_NEEDS.get(_fields, ()), _type)
_NOISE = bytes(b for b in range(256) if b not in (0x0A, 0x0D))
_TEXTS = (
    b"<html><body>502 Bad Gateway</body></html>",
    b"event_id=1&event_type=page_view",
    b"",
    b"{'event_id': 'single-quoted'}",
    b"NaN",
    b"\xef\xbb\xbf",
)
_PAD = "x" * (MAX_PAYLOAD + 1024)
_DEEP = b'"attributes":' + b"[" * 5000 + b"]" * 5000 + b","
_BAD_URLS = (
    "javascript:alert(1)",
    "ftp://files.example.jp/a",
    "/products/1",
    "mailto:a@example.com",
    "about:blank",
    "",
)


def _bounds(name: str) -> tuple[int, int]:
    """The policy's inclusive limits of a numeric field."""
    rule = _POLICY.fields[name]
    assert rule.min is not None and rule.max is not None, name
    return rule.min, rule.max


def _not_json(rng: random.Random, event: dict) -> bytes:
    if rng.random() < 0.5:
        return rng.choice(_TEXTS) + b"\x00" * rng.randrange(2)
    noise = bytes(rng.choice(_NOISE) for _ in range(rng.randrange(1, 200)))
    return b"~" + noise  # '~' never starts a JSON value, so this can't parse by chance


def _truncated(rng: random.Random, event: dict) -> bytes:
    raw = orjson.dumps(event)
    return raw[: rng.randrange(1, len(raw) - 1)]


def _invalid_utf8(rng: random.Random, event: dict) -> bytes:
    bad = rng.choice((b"\xff\xfe", b"\xc3\x28", b"\xe3\x81", b"\xed\xa0\x80", b"\x80"))
    return orjson.dumps(event).replace(b'"title":"', b'"title":"' + bad, 1)


def _lone_surrogate(rng: random.Random, event: dict) -> bytes:
    esc = rng.choice((b"\\ud800", b"\\udfff", b"\\uDBFF x"))
    return orjson.dumps(event).replace(b'"title":"', b'"title":"' + esc, 1)


def _too_deep(rng: random.Random, event: dict) -> bytes:
    event.pop("attributes", None)
    return orjson.dumps(event).replace(b"{", b"{" + _DEEP, 1)


def _array(rng: random.Random, event: dict) -> bytes:
    return orjson.dumps(rng.choice(([event], [], [1, 2, 3], [event, event])))


def _bad_type(rng: random.Random, event: dict) -> bytes:
    key = rng.choice(("screen_width", "event_time", "page_views", "site_id", "x", "title", "attr"))
    if key == "x":
        event["event_type"] = "click"
        event["x"], event["y"] = "12", 40
    elif key == "attr":
        event["attributes"] = "cart_items=3"
    elif key in ("site_id", "title"):
        event[key] = 12345
    elif key == "page_views":
        event[key] = 1.5
    else:
        event[key] = str(event[key])
    return orjson.dumps(event)


def _missing_field(rng: random.Random, event: dict) -> bytes:
    key = rng.choice(REQUIRED)
    if rng.random() < 0.8:
        del event[key]
    else:
        event[key] = None
    return orjson.dumps(event)


def _out_of_range(rng: random.Random, event: dict) -> bytes:
    choice = rng.randrange(8)
    if choice == 0:
        low, high = _bounds("screen_width")
        event["screen_width"] = rng.choice((low - 1, high + 1, -1920))
    elif choice == 1:
        low, high = _bounds("color_depth")
        event["color_depth"] = rng.choice((low - 1, high + 1, 255))
    elif choice == 2:
        low, high = _bounds("viewport_height")
        event["viewport_height"] = rng.choice((low - 1, high + 1))
    elif choice == 3:
        low, high = _bounds("page_views")
        event["page_views"] = rng.choice((low - 1, -3, high + 1))
    elif choice == 4:
        low, high = _bounds("event_time")
        event["event_time"] = rng.choice((low - 1, high + 1, 0, 2**63 - 1))
        event["last_visit_time"] = None
    elif choice == 5:
        low, high = _bounds("x")
        event["event_type"], event["x"], event["y"] = "click", rng.choice((low - 5, high + 1)), 10
    elif choice == 6:
        low, high = _bounds("scroll_depth")
        event["event_type"], event["scroll_depth"] = "scroll", rng.choice((high + 1, low - 1, 250))
    else:  # a number too big for any integer type
        event["screen_height"] = 0
        return orjson.dumps(event).replace(b'"screen_height":0', b'"screen_height":' + b"9" * 30)
    return orjson.dumps(event)


def _inconsistent(rng: random.Random, event: dict) -> bytes:
    """A visit after this one, or an event type without the fields the policy says it needs."""
    choice = rng.randrange(1 + len(_NEEDS))
    if choice == 0:
        event["last_visit_time"] = event["event_time"] + rng.randrange(1, 86_400_000)
        return orjson.dumps(event)
    fields, types = list(_NEEDS.items())[choice - 1]
    event["event_type"] = rng.choice(types) if len(types) > 1 else types[0]
    for name in fields[:-1]:
        event[name] = _PRESENT.get(name)
    event[fields[-1]] = None
    return orjson.dumps(event)


def _bad_value(rng: random.Random, event: dict) -> bytes:
    choice = rng.randrange(5)
    if choice == 0:
        event["url"] = rng.choice(_BAD_URLS)
    elif choice == 1:
        event["event_type"] = rng.choice(("purchase", "PAGE_VIEW", "", "pageview"))
    elif choice == 2:
        event["site_id"] = rng.choice(("site 0001", "", "site/0001", "s" * 65, "サイト"))
    elif choice == 3:
        event["event_id"] = rng.choice(("not-a-uuid", "", "1234", event["event_id"][:-1] + "g"))
    else:
        event["referrer"] = None
        event["url"] = "https//missing-colon.example.jp/"
    return orjson.dumps(event)


def _too_large(rng: random.Random, event: dict) -> bytes:
    event["attributes"] = {"debug_dump": _PAD}
    return orjson.dumps(event)


MAKERS: dict[str, Callable[[random.Random, dict], bytes]] = {
    "not_json": _not_json,
    "truncated": _truncated,
    "invalid_utf8": _invalid_utf8,
    "lone_surrogate": _lone_surrogate,
    "too_deep": _too_deep,
    "array": _array,
    "bad_type": _bad_type,
    "missing_field": _missing_field,
    "out_of_range": _out_of_range,
    "inconsistent": _inconsistent,
    "bad_value": _bad_value,
    "too_large": _too_large,
}


def corrupt(rng: random.Random, event: dict, kind: str) -> bytes:
    """Break a valid `event` (mutated in place) in the way `kind` names; return the payload."""
    return MAKERS[kind](rng, event)
