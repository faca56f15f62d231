"""The reject cases: one payload per drop reason."""

from __future__ import annotations

from pipeline.core import Reason
from pipeline.core.policy import load_policy
from tests.core.core_events import EVENT_TIME, dumps, valid_event, without

BASE = dumps(valid_event())
MAX_PAYLOAD = load_policy().max_payload_bytes


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
    (
        "number beyond float range for int",
        BASE.replace(b'"screen_width": 1920', b'"screen_width": 1e400'),
        Reason.OUT_OF_RANGE,
        "screen_width",
        "decode",
    ),
    (
        "duplicate key, bad value first",
        BASE.replace(b'"title": ', b'"title": 12345, "title": '),
        Reason.BAD_TYPE,
        None,
        "decode",
    ),
    (
        "bad type and unknown key",
        BASE[:-1] + b', "zz": 1, "color_depth": "24"}',
        Reason.BAD_TYPE,
        "color_depth",
        "decode",
    ),
    (
        "invalid utf-8 after a bad type",
        BASE.replace(b'"title": ', b'"title": 5, "zz": "\xff", "t2": '),
        Reason.BAD_ENCODING,
        None,
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
