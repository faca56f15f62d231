"""An independent checker of the RawWebEvent v1 rules, to judge what the generator emits."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

MAX_PAYLOAD = 64 * 1024
MS_2000 = 946_684_800_000
MS_2100 = 4_102_444_800_000
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
SITE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
EVENT_TYPES = {"page_view", "tap", "click", "scroll", "ab_exposure", "conversion"}
REQUIRED_STR = ("event_id", "event_type", "site_id", "user_agent", "language", "charset",
                "platform", "url", "title")  # fmt: skip
NULLABLE_STR = ("ip", "forwarded_for", "referrer", "visitor_cookie", "session_id",
                "experiment_id", "variant_id", "conversion_goal")  # fmt: skip
INT_RANGES = {
    "event_time": (MS_2000, MS_2100 - 1),
    "screen_width": (1, 20_000),
    "screen_height": (1, 20_000),
    "color_depth": (1, 64),
    "viewport_width": (0, 20_000),
    "viewport_height": (0, 20_000),
    "page_views": (1, 10_000_000),
}
NULLABLE_INT_RANGES = {
    "x": (0, 1_000_000),
    "y": (0, 1_000_000),
    "scroll_depth": (0, 100),
    "last_visit_time": (-(2**63), 2**63 - 1),
}

# garbage kind -> the violations this checker may find for it (exactly one of them).
# Random bytes and a JSON text cut inside a multi-byte character are not even UTF-8.
_NOT_JSON = frozenset({"not_json", "invalid_utf8"})
KIND_VIOLATIONS: dict[str, frozenset[str]] = {
    "not_json": _NOT_JSON,
    "truncated": _NOT_JSON,
    "invalid_utf8": frozenset({"invalid_utf8"}),
    "lone_surrogate": frozenset({"bad_encoding"}),
    "too_deep": frozenset({"too_deep"}),
    "array": frozenset({"not_an_object"}),
    "bad_type": frozenset({"bad_type"}),
    "missing_field": frozenset({"missing_field"}),
    "out_of_range": frozenset({"out_of_range"}),
    "inconsistent": frozenset({"inconsistent"}),
    "bad_value": frozenset({"bad_value"}),
    "too_large": frozenset({"too_large"}),
}


def _no_constants(name: str) -> object:
    raise ValueError(f"not JSON: {name}")


def _has_surrogate(value: object) -> bool:
    if isinstance(value, str):
        return any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def violations(payload: bytes) -> set[str]:
    """The set of rule classes `payload` breaks (empty for a valid event)."""
    if len(payload) > MAX_PAYLOAD:
        return {"too_large"}
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        return {"invalid_utf8"}
    try:
        obj = json.loads(text, parse_constant=_no_constants)
    except RecursionError:
        return {"too_deep"}
    except ValueError:
        return {"not_json"}
    if _has_surrogate(obj):
        return {"bad_encoding"}
    if not isinstance(obj, dict):
        return {"not_an_object"}
    return _field_violations(obj)


def _field_violations(ev: dict) -> set[str]:
    out: set[str] = set()
    for key in (*REQUIRED_STR, *INT_RANGES):
        if ev.get(key) is None:
            out.add("missing_field")
    for key in REQUIRED_STR + NULLABLE_STR:
        v = ev.get(key)
        if v is not None and not isinstance(v, str):
            out.add("bad_type")
    for key, (lo, hi) in (INT_RANGES | NULLABLE_INT_RANGES).items():
        v = ev.get(key)
        if v is None:
            continue
        if not _is_int(v):
            out.add("bad_type")
        elif not lo <= v <= hi:
            out.add("out_of_range")
    if "attributes" in ev and not isinstance(ev["attributes"], dict | None):
        out.add("bad_type")
    if out:
        return out
    if not UUID.match(ev["event_id"]) or not SITE_ID.match(ev["site_id"]):
        out.add("bad_value")
    if ev["event_type"] not in EVENT_TYPES:
        out.add("bad_value")
    parts = urlsplit(ev["url"])
    if parts.scheme not in ("http", "https") or not parts.netloc:
        out.add("bad_value")
    out |= _consistency(ev)
    return out


def _consistency(ev: dict) -> set[str]:
    et = ev["event_type"]
    needs = {
        "tap": ("x", "y"),
        "click": ("x", "y"),
        "scroll": ("scroll_depth",),
        "ab_exposure": ("experiment_id", "variant_id"),
        "conversion": ("conversion_goal",),
    }.get(et, ())
    bad = any(ev.get(k) is None for k in needs)
    last = ev.get("last_visit_time")
    if last is not None and last > ev["event_time"]:
        bad = True
    return {"inconsistent"} if bad else set()
