"""RawWebEvent v1: the input format, decoded and type-checked in one pass by msgspec."""

from __future__ import annotations

import re

import msgspec

from pipeline.core.reasons import Reason

_NULL = msgspec.Raw(b"null")


class RawWebEvent(msgspec.Struct, forbid_unknown_fields=True):
    """One raw browser event as the collector sends it (see the README's input table)."""

    event_id: str
    event_type: str
    site_id: str
    event_time: int
    user_agent: str
    language: str
    charset: str
    platform: str
    screen_width: int
    screen_height: int
    color_depth: int
    viewport_width: int
    viewport_height: int
    url: str
    title: str
    page_views: int
    ip: str | None = None
    forwarded_for: str | None = None
    referrer: str | None = None
    x: int | None = None
    y: int | None = None
    scroll_depth: int | None = None
    visitor_cookie: str | None = None
    session_id: str | None = None
    last_visit_time: int | None = None
    experiment_id: str | None = None
    variant_id: str | None = None
    conversion_goal: str | None = None
    # Never parsed into Python objects: it is dropped, so only its presence matters.
    attributes: msgspec.Raw = _NULL


class _LenientRawWebEvent(RawWebEvent, forbid_unknown_fields=False):
    """The same fields, ignoring unknown keys (the slow path, taken only when there are some)."""


FIELDS: frozenset[str] = frozenset(RawWebEvent.__struct_fields__)

_strict = msgspec.json.Decoder(RawWebEvent)
_lenient = msgspec.json.Decoder(_LenientRawWebEvent)
_keys_only = msgspec.json.Decoder(dict[str, msgspec.Raw])
_AT_FIELD = re.compile(r"at `\$\.([A-Za-z_][A-Za-z0-9_]*)")
# A high surrogate escape not followed by a low one, or a low one not preceded by a high one.
_LONE_SURROGATE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


class DecodeFailure(msgspec.Struct, frozen=True):
    """Why a payload did not decode; `field` is always one of FIELDS or None, never input text."""

    reason: Reason
    field: str | None = None


def decode(payload: bytes) -> tuple[RawWebEvent, tuple[str, ...]] | DecodeFailure:
    """Decode and type-check one payload; return the event and its unknown keys, or a failure."""
    try:
        return _checked(_strict.decode(payload), ())
    except msgspec.ValidationError as exc:
        message = str(exc)
        if not message.startswith("Object contains unknown field"):
            return _classify(message)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError) as exc:
        return _decode_failure(payload, exc)
    return _decode_with_unknown_keys(payload)


def _decode_with_unknown_keys(
    payload: bytes,
) -> tuple[RawWebEvent, tuple[str, ...]] | DecodeFailure:
    try:
        event = _lenient.decode(payload)
        unknown = tuple(k for k in _keys_only.decode(payload) if k not in FIELDS)
    except msgspec.ValidationError as exc:
        return _classify(str(exc))
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError) as exc:
        return _decode_failure(payload, exc)
    return _checked(event, unknown)


def _checked(
    event: RawWebEvent, unknown: tuple[str, ...]
) -> tuple[RawWebEvent, tuple[str, ...]] | DecodeFailure:
    """What the struct's types cannot say: `attributes` is an object or null."""
    attributes = event.attributes
    if attributes is not _NULL and memoryview(attributes)[:1] not in (b"{", b"n"):
        return DecodeFailure(Reason.BAD_TYPE, "attributes")
    return event, unknown


def _decode_failure(payload: bytes, exc: Exception) -> DecodeFailure:
    if isinstance(exc, UnicodeDecodeError) or _LONE_SURROGATE.search(payload):
        return DecodeFailure(Reason.BAD_ENCODING)
    return DecodeFailure(Reason.NOT_JSON)


def _classify(message: str) -> DecodeFailure:
    """Map a msgspec message to a reason and a known field name; the message itself is dropped."""
    match = _AT_FIELD.search(message)
    field = match.group(1) if match and match.group(1) in FIELDS else None
    if message.startswith("Object missing required field"):
        name = message.split("`")[1] if "`" in message else None
        return DecodeFailure(Reason.MISSING_FIELD, name if name in FIELDS else None)
    if field is None and message.startswith("Expected `object`"):
        return DecodeFailure(Reason.NOT_AN_OBJECT)
    if "got `null`" in message:
        return DecodeFailure(Reason.MISSING_FIELD, field)
    if message.startswith("Number out of range"):
        return DecodeFailure(Reason.OUT_OF_RANGE, field)
    return DecodeFailure(Reason.BAD_TYPE, field)
