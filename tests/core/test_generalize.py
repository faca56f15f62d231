"""Generalization as policy actions: the event id as a keyed UUID, the last visit to its UTC day,
viewport sizes to buckets; unknown keys named only when the policy lists them."""

from __future__ import annotations

import uuid
from collections import Counter

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core import Engine
from pipeline.core.engine import size_bucket
from pipeline.core.policy import load_policy
from pipeline.core.pseudonyms import Pseudonymizer, day_of
from pipeline.core.steps.identity import OTHER_KEY
from pipeline.dev.traffic import TrafficGenerator
from tests.core.core_events import (
    DAY_MS,
    DAYS,
    EVENT_TIME,
    dumps,
    make_ring,
    only_record,
    valid_event,
)

POLICY = load_policy()
BUCKET = POLICY.fields["viewport_width"].bucket
P = Pseudonymizer(make_ring("k1").active)
ids = st.uuids().map(str)
sites = st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)
days = st.integers(0, (1 << 32) - 1)


@settings(max_examples=300)
@given(raw=ids, site=sites, other_site=sites, day=days)
def test_the_event_pseudonym_is_a_keyed_uuid4(raw: str, site: str, other_site: str, day: int):
    made = P.event(raw, site, day)
    assert made == P.event(raw, site, day) == P.event(raw.upper(), site, day)
    parsed = uuid.UUID(made)
    assert str(parsed) == made and parsed.version == 4 and parsed.variant == uuid.RFC_4122
    if other_site != site:
        assert P.event(raw, other_site, day) != made
    assert P.event(raw, site, (day + 1) % (1 << 32)) != made
    hex_id = raw.replace("-", "")
    out = made.replace("-", "")
    assert not any(hex_id[i : i + 8] in out for i in range(len(hex_id) - 7))


def test_the_engine_emits_the_pseudonym_never_the_raw_id(engine: Engine) -> None:
    raw = str(uuid.uuid1(node=0x0242AC110002))  # a version-1 id: a MAC address and a time
    out = only_record(engine, dumps(valid_event(event_id=raw)))
    assert out["event_id"] == engine.event_key(raw, "site-0001", EVENT_TIME, DAYS)
    assert uuid.UUID(out["event_id"]).version == 4
    assert "0242ac110002" not in out["event_id"].replace("-", "")
    again = only_record(engine, dumps(valid_event(event_id=raw, title="other")))
    assert again["event_id"] == out["event_id"]  # a replay or duplicate gives the same value
    assert (
        only_record(engine, dumps(valid_event(event_id=raw, site_id="s2")))["event_id"]
        != (out["event_id"])
    )


def test_last_visit_time_is_a_day_and_never_an_event_time(engine: Engine) -> None:
    # Few visitors, slow traffic: most events come from returning visitors.
    traffic = TrafficGenerator(seed=21, garbage=0.0, visitors=50, events_per_second=0.05)
    events = [e.payload for e in traffic.events(3000)]
    times = {orjson.loads(p)["event_time"] for p in events}
    result = engine.process(events, DAYS)
    assert result.records
    seen = 0
    for record in result.records:
        out = engine.as_dict(record)
        last = out["last_visit_time"]
        if last is not None:
            seen += 1
            assert last % DAY_MS == 0 and last not in times
        assert out["viewport_width"] % BUCKET == 0 and out["viewport_height"] % BUCKET == 0
    assert seen > 100


@given(
    width=st.integers(0, 20_000),
    height=st.integers(0, 20_000),
    last=st.integers(946_684_800_000, EVENT_TIME),
)
@settings(max_examples=100, deadline=None)
def test_generalized_values_round_down(engine: Engine, width: int, height: int, last: int) -> None:
    event = valid_event(viewport_width=width, viewport_height=height, last_visit_time=last)
    out = only_record(engine, dumps(event))
    assert out["viewport_width"] == width - width % BUCKET
    assert out["viewport_height"] == height - height % BUCKET
    assert out["last_visit_time"] == last - last % DAY_MS == day_of(last) * DAY_MS  # type: ignore[operator]
    assert out["screen_width"] == 1920  # screen sizes stay as they are


def test_limits_are_checked_before_rounding(engine: Engine) -> None:
    for field, value in (("viewport_width", 20_001), ("last_visit_time", EVENT_TIME + 1)):
        result = engine.process([dumps(valid_event(**{field: value}))], DAYS)
        assert [(r.field) for r in result.rejects] == [field]


def test_unknown_keys_are_named_only_when_listed(engine: Engine) -> None:
    personal = ("taro_yamada", "09012345678", "kentasuzuki@example.com", "Tokyo-3-1-1", "Email")
    event = valid_event(email="x", latitude=35.6, **dict.fromkeys(personal, 1))
    result = engine.process([dumps(event)], DAYS)
    assert len(result.records) == 1
    assert result.dropped == Counter(
        {"email": 1, "latitude": 1, OTHER_KEY: len(personal), "visitor_cookie": 1}
    )


def test_a_dead_letter_tells_a_size_bucket() -> None:
    assert [size_bucket(n) for n in (0, 1, 64, 65, 1000, 1024, 1025)] == [
        64, 64, 64, 128, 1024, 1024, 2048,
    ]  # fmt: skip


def test_the_event_key_of_an_out_of_range_time_is_none(engine: Engine) -> None:
    assert engine.event_key("3f1c2a9e-8b7d-4c6e-9a1b-2c3d4e5f6a7b", "s", -DAY_MS, DAYS) is None
