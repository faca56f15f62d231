"""Keyed pseudonyms: stable within (site, UTC day, key), unlinkable across; raw ids never out."""

from __future__ import annotations

import re
from ipaddress import ip_address

import pytest

from pipeline.core import Engine, Reason
from pipeline.core.day_keys import DayKeys, HeldDays, day_key_id, day_of_key_id
from pipeline.core.keys import Key
from pipeline.core.pseudonyms import Pseudonymizer, day_of, output_event_id
from tests.core.core_events import (
    DAY_MS,
    DAYS,
    EVENT_TIME,
    SeededDays,
    dumps,
    make_ring,
    only_record,
    only_reject,
    valid_event,
)

KEY_TEXT = re.compile(r"[A-Za-z0-9_-]{22}")
DAY_START = EVENT_TIME - EVENT_TIME % DAY_MS


def _visitor(engine: Engine, days: DayKeys = DAYS, **overrides) -> str | None:
    return only_record(engine, dumps(valid_event(**overrides)), days)["visitor_key"]


def _session(engine: Engine, days: DayKeys = DAYS, **overrides) -> str | None:
    return only_record(engine, dumps(valid_event(**overrides)), days)["session_key"]


def test_same_ip_site_and_day_give_the_same_visitor_key(engine: Engine) -> None:
    first = _visitor(engine, event_time=DAY_START)
    assert first is not None
    assert _visitor(engine, event_time=DAY_START + DAY_MS - 1) == first
    assert _visitor(engine, event_id="00000000-0000-4000-8000-000000000000") == first
    assert _visitor(engine, user_agent="curl/8.0", url="https://other.example/") == first


def test_another_site_day_or_ip_gives_another_visitor_key(engine: Engine) -> None:
    base = _visitor(engine)
    assert _visitor(engine, site_id="site-0002") != base
    assert _visitor(engine, event_time=DAY_START + DAY_MS) != base
    assert _visitor(engine, event_time=DAY_START - 1) != base
    assert _visitor(engine, ip="11.1.2.4") != base


class SameIdOtherSecret(SeededDays):
    def key(self, day: int) -> Key | None:
        key = DAYS.key(day)
        return None if key is None else Key(key.key_id, bytes(32))


def test_another_day_secret_gives_another_visitor_key(engine: Engine) -> None:
    assert _visitor(engine, SeededDays("k2")) != _visitor(engine)
    assert _visitor(engine, SameIdOtherSecret()) != _visitor(engine)


def test_the_day_key_id_is_in_every_record(engine: Engine) -> None:
    out = only_record(engine, dumps(valid_event()))
    day = day_of(EVENT_TIME)
    assert day is not None
    assert out["key_id"] == DAYS.key(day).key_id == day_key_id(day, DAYS._proposal)
    assert out["key_id"].startswith("2025-11-24.")
    assert day_of_key_id(out["key_id"]) == day
    next_day = only_record(engine, dumps(valid_event(event_time=DAY_START + DAY_MS)))
    assert next_day["key_id"].startswith("2025-11-25.")


def test_a_day_without_a_secret_is_rejected_and_never_made_under_another_day(
    engine: Engine,
) -> None:
    day = day_of(EVENT_TIME)
    assert day is not None
    held = HeldDays({d: DAYS.key(d) for d in (day, day + 1)}, today=day + 1)  # type: ignore[misc]
    assert only_record(engine, dumps(valid_event()), held)["visitor_key"] == _visitor(engine)
    for when in (DAY_START - 1, DAY_START + 2 * DAY_MS):
        reject = only_reject(engine, dumps(valid_event(event_time=when)), held)
        assert (reject.reason, reject.field, reject.step) == (
            Reason.OUT_OF_RANGE,
            "event_time",
            "find_day_key",
        )
        assert reject.key_id == DAYS.key(day + 1).key_id  # sealed under today
    assert output_event_id(held, valid_event(event_time=DAY_START - 1)) is None
    assert engine.event_key("x", "site-0001", DAY_START - 1, held) is None


def test_held_days_must_hold_today() -> None:
    with pytest.raises(ValueError, match="no key for today"):
        HeldDays({1: DAYS.key(1)}, today=2)  # type: ignore[dict-item]


def test_visitor_and_session_keys_are_22_base64url_characters(engine: Engine) -> None:
    out = only_record(engine, dumps(valid_event()))
    for name in ("visitor_key", "session_key"):
        assert KEY_TEXT.fullmatch(out[name]), out[name]
    assert out["visitor_key"] != out["session_key"]


def test_the_pseudonym_carries_at_least_128_bits() -> None:
    p = Pseudonymizer(make_ring("k1").active)
    ip = ip_address("11.1.2.3")
    day = day_of(EVENT_TIME)
    assert day is not None
    keys = {p.visitor(ip, f"site-{i}", day) for i in range(2000)}
    assert len(keys) == 2000
    # 22 base64 characters = 132 bits of text for 128 bits of digest: both final bits vary.
    assert {k[-1] for k in keys} <= set("AQgw")
    assert len({k[-1] for k in keys}) == 4


@pytest.mark.parametrize("ip", [None, "", "garbage", "999.1.1.1", "10.0.0.1:http"])
def test_no_usable_ip_gives_a_null_visitor_key_and_the_event_is_kept(
    engine: Engine, ip: str | None
) -> None:
    out = only_record(engine, dumps(valid_event(ip=ip)))
    assert out["visitor_key"] is None
    assert (out["country"], out["region"], out["city"]) == (None, None, None)
    assert out["session_key"] is not None


def test_a_missing_ip_key_is_the_same_as_null(engine: Engine) -> None:
    event = valid_event()
    del event["ip"]
    out = only_record(engine, dumps(event))
    assert out["visitor_key"] is None


def test_the_kafka_key_is_the_visitor_key_or_the_site(engine: Engine) -> None:
    result = engine.process([dumps(valid_event()), dumps(valid_event(ip=None))], DAYS)
    with_ip, without_ip = result.records
    assert with_ip.key == engine.as_dict(with_ip)["visitor_key"].encode()
    assert without_ip.key == b"site-0001"


def test_session_keys_are_stable_and_scoped(engine: Engine, test_db) -> None:
    base = _session(engine)
    assert base is not None
    assert _session(engine, ip="11.3.7.9") == base  # the session, not the address
    assert _session(engine, session_id="another-session") != base
    assert _session(engine, site_id="site-0002") != base
    assert _session(engine, event_time=DAY_START + DAY_MS) != base
    assert _session(engine, SeededDays("k2")) != base
    assert _session(engine, session_id=None) is None
    assert _session(engine, session_id="") is not None


def test_site_and_session_boundaries_cannot_be_shifted(engine: Engine) -> None:
    # (site "ab", session "c") and (site "a", session "bc") must not collide.
    a = _session(engine, site_id="ab", session_id="c-session")
    b = _session(engine, site_id="a", session_id="bc-session")
    assert a != b


def test_raw_identifiers_never_reach_the_output(engine: Engine) -> None:
    event = valid_event(
        ip="11.3.7.9",
        forwarded_for="11.4.0.77, 10.0.0.1",
        visitor_cookie="vc-7f3a9d2e1b",
        session_id="sess-4c8e2a7f90",
    )
    result = engine.process([dumps(event)], DAYS)
    (record,) = result.records
    out = engine.as_dict(record)
    assert not {"ip", "forwarded_for", "visitor_cookie", "session_id", "attributes"} & out.keys()
    text = " ".join(map(str, out.values()))
    for raw in ("11.3.7.9", "11.4.0.77", "vc-7f3a9d2e1b", "sess-4c8e2a7f90"):
        assert raw not in text
        assert raw.encode() not in record.value
    assert result.dropped["visitor_cookie"] == 1
    assert result.dropped["forwarded_for"] == 1


def test_a_reject_is_sealed_under_the_day_it_arrived_else_today(engine: Engine) -> None:
    day = day_of(EVENT_TIME)
    assert day is not None
    held = HeldDays({d: DAYS.key(d) for d in (day - 1, day)}, today=day)  # type: ignore[misc]
    payloads = [b"nope", b"nope", b"nope", b"nope"]
    arrivals = [DAY_START - 5, DAY_START + 5, None, DAY_START - 3 * DAY_MS]
    rejects = engine.process(payloads, held, arrival_ms=arrivals).rejects
    assert [r.key_id for r in rejects] == [
        DAYS.key(day - 1).key_id,
        DAYS.key(day).key_id,
        DAYS.key(day).key_id,
        DAYS.key(day).key_id,  # arrived on a day no longer held: today
    ]


def test_day_of() -> None:
    assert day_of(0) == 0
    assert day_of(DAY_MS - 1) == 0
    assert day_of(DAY_MS) == 1
    assert day_of(-1) is None
    assert day_of(((1 << 32) - 1) * DAY_MS) == (1 << 32) - 1
    assert day_of((1 << 32) * DAY_MS) is None


def test_what_a_dropped_day_key_derived_leaves_the_engine_with_it(test_db) -> None:
    engine = Engine(geoip=test_db)
    day = day_of(EVENT_TIME)
    assert day is not None
    both = HeldDays({d: DAYS.key(d) for d in (day, day + 1)}, today=day + 1)  # type: ignore[misc]
    events = [dumps(valid_event()), dumps(valid_event(event_time=DAY_START + DAY_MS)), b"nope"]
    result = engine.process(events, both, arrival_ms=[None, None, DAY_START])
    assert len(result.records) == 2 and len(result.rejects) == 1
    assert engine.day_tools.held == 2
    later = HeldDays({day + 1: DAYS.key(day + 1)}, today=day + 1)  # type: ignore[dict-item]
    engine.process([dumps(valid_event(event_time=DAY_START + DAY_MS))], later)
    assert engine.day_tools.held == 1  # day's pseudonymizer and sealer are forgotten
    assert engine.process([dumps(valid_event())], later).rejects[0].step == "find_day_key"
