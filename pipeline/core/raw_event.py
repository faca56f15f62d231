"""RawWebEvent v1: the input format, decoded and type-checked in one pass by msgspec."""

from __future__ import annotations

import math
import re

import msgspec

from pipeline.core.reasons import Reason

_NULL = msgspec.Raw(b"null")


class RawWebEvent(msgspec.Struct, forbid_unknown_fields=True):
    """One raw browser event as the collector sends it (see the policy table in README.md)."""

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
# Untyped, for diagnosis only; float_hook keeps 1e400 a value (inf) instead of an error.
_untyped = msgspec.json.Decoder(float_hook=float)
# A high surrogate escape not followed by a low one, or a low one not preceded by a high one.
_LONE_SURROGATE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _field_types() -> dict[str, tuple[type, bool, bool]]:
    """Each field's JSON type, whether it is required, and whether null is allowed."""
    info = msgspec.inspect.type_info(RawWebEvent)
    assert isinstance(info, msgspec.inspect.StructType)
    table = {}
    for field in info.fields:
        kinds = (
            field.type.types if isinstance(field.type, msgspec.inspect.UnionType) else (field.type,)
        )
        nullable = any(isinstance(k, msgspec.inspect.NoneType) for k in kinds)
        base = next(k for k in kinds if not isinstance(k, msgspec.inspect.NoneType))
        json_type = {msgspec.inspect.StrType: str, msgspec.inspect.IntType: int}.get(
            type(base), object
        )
        # Raw (`attributes`) takes any JSON value here; `_checked` narrows it afterwards.
        table[field.name] = (json_type, field.required, nullable or json_type is object)
    return table


_TYPES = _field_types()


class DecodeFailure(msgspec.Struct, frozen=True):
    """Why a payload did not decode; `field` is always one of FIELDS or None, never input text."""

    reason: Reason
    field: str | None = None


def decode(payload: bytes) -> tuple[RawWebEvent, tuple[str, ...]] | DecodeFailure:
    """Decode and type-check one payload; return the event and its unknown keys, or a failure.

    The fast path is one typed decode. When it fails, the reason comes from the payload's own
    structure (an untyped decode checked against the struct's fields), never from the wording
    of a library's error message, so a new msgspec cannot move records between reasons.
    """
    try:
        return _checked(_strict.decode(payload), ())
    except msgspec.ValidationError:
        return _diagnose(payload)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
        return _syntax_failure(payload)


def _diagnose(payload: bytes) -> tuple[RawWebEvent, tuple[str, ...]] | DecodeFailure:
    """The typed decode refused valid-looking JSON: find why, or decode past unknown keys."""
    try:
        document = _untyped.decode(payload)
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError, RecursionError):
        return _syntax_failure(payload)
    if not isinstance(document, dict):
        return DecodeFailure(Reason.NOT_AN_OBJECT)
    for name, value in document.items():  # document order, as the typed decoder reports
        spec = _TYPES.get(name)
        if spec is not None and (failure := _check_value(name, value, *spec)) is not None:
            return failure
    for name, (_, required, _) in _TYPES.items():
        if required and name not in document:
            return DecodeFailure(Reason.MISSING_FIELD, name)
    unknown = tuple(k for k in document if k not in FIELDS)
    try:
        event = _lenient.decode(payload)
    except msgspec.ValidationError:  # e.g. a duplicate key whose first value was the bad one
        return DecodeFailure(Reason.BAD_TYPE)
    return _checked(event, unknown)


def _check_value(
    name: str, value: object, json_type: type, required: bool, nullable: bool
) -> DecodeFailure | None:
    if value is None:
        return None if nullable else DecodeFailure(Reason.MISSING_FIELD, name)
    if isinstance(value, float) and not math.isfinite(value):
        return DecodeFailure(Reason.OUT_OF_RANGE, name)
    if json_type is int and (type(value) is not int):
        return DecodeFailure(Reason.BAD_TYPE, name)
    if json_type is str and not isinstance(value, str):
        return DecodeFailure(Reason.BAD_TYPE, name)
    return None


def _checked(
    event: RawWebEvent, unknown: tuple[str, ...]
) -> tuple[RawWebEvent, tuple[str, ...]] | DecodeFailure:
    """What the struct's types cannot say: `attributes` is an object or null."""
    attributes = event.attributes
    if attributes is not _NULL and memoryview(attributes)[:1] not in (b"{", b"n"):
        return DecodeFailure(Reason.BAD_TYPE, "attributes")
    return event, unknown


def _syntax_failure(payload: bytes) -> DecodeFailure:
    """Not decodable: bad encoding if the bytes are not UTF-8 or escape a lone surrogate."""
    try:
        payload.decode("utf-8")
    except UnicodeDecodeError:
        return DecodeFailure(Reason.BAD_ENCODING)
    if _LONE_SURROGATE.search(payload):
        return DecodeFailure(Reason.BAD_ENCODING)
    return DecodeFailure(Reason.NOT_JSON)
