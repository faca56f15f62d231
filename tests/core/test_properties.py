"""Property tests of the engine: never raises, partitions every batch, leaks no planted IP or
e-mail address, keeps pseudonyms stable and scoped."""

from __future__ import annotations

import json
from collections.abc import Callable
from ipaddress import IPv4Address, ip_address
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from pipeline.core import Engine
from pipeline.core.engine import size_bucket
from pipeline.core.pseudonyms import Pseudonymizer
from pipeline.core.raw_event import FIELDS
from tests.core.core_events import (
    CHROME_UA,
    DAYS,
    EVENT_TIME,
    dumps,
    make_ring,
    readable,
    valid_event,
)

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- (a) the engine never raises and accounts for every input -------------------------------

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(sorted(FIELDS)) | st.text(min_size=1, max_size=12)


@st.composite
def mutated_events(draw: st.DrawFn) -> bytes:
    event: dict[str, Any] = valid_event(
        event_type=draw(st.sampled_from(["page_view", "tap", "click", "scroll", "ab_exposure"]))
    )
    for _ in range(draw(st.integers(0, 4))):
        name = draw(field_names)
        if draw(st.booleans()) and name in event:
            del event[name]
        else:
            event[name] = draw(json_values)
    try:
        return json.dumps(event, allow_nan=True, ensure_ascii=draw(st.booleans())).encode(
            "utf-8", "surrogatepass"
        )
    except (ValueError, RecursionError):
        return b"{}"


payloads = st.one_of(
    st.binary(max_size=300),
    mutated_events(),
    st.builds(dumps, st.builds(valid_event)),
    mutated_events().map(lambda b: b[: len(b) // 2]),
)


def _check_partition(engine: Engine, batch: list[bytes]) -> None:
    result = engine.process(batch, DAYS)
    indices = [r.index for r in result.records] + [r.index for r in result.rejects]
    assert sorted(indices) == list(range(len(batch)))
    for reject in result.rejects:
        assert reject.reason in next(s for s in engine.steps if s.name == reject.step).reasons
        assert reject.field is None or reject.field in FIELDS
        assert reject.payload_size == size_bucket(len(batch[reject.index]))
    for record in result.records:
        assert record.value.startswith(b"\xc3\x01")
        assert len(record.values) == len(engine.field_names)


@SETTINGS
@given(st.lists(st.binary(max_size=400), max_size=12))
def test_arbitrary_bytes_never_raise_and_every_index_is_accounted_for(
    engine: Engine, batch: list[bytes]
) -> None:
    _check_partition(engine, batch)


@SETTINGS
@given(st.lists(payloads, max_size=12))
def test_mutated_events_never_raise_and_every_index_is_accounted_for(
    engine: Engine, batch: list[bytes]
) -> None:
    _check_partition(engine, batch)


# --- (b) a planted IP address or e-mail address never comes out ------------------------------

planted_values = st.one_of(
    st.ip_addresses(v=4).map(str),
    st.ip_addresses(v=6).map(str),
    st.ip_addresses(v=6).map(lambda a: a.exploded),
    st.ip_addresses(v=4).map(lambda a: f"::ffff:{a}"),
    st.emails().filter(lambda e: "@" in e),
)

Planter = Callable[[dict[str, Any], str], None]


def _set(name: str, template: str = "{}") -> Planter:
    def plant(event: dict[str, Any], value: str) -> None:
        event[name] = template.format(value)

    return plant


def _ab(name: str) -> Planter:
    def plant(event: dict[str, Any], value: str) -> None:
        event.update(event_type="ab_exposure", experiment_id="exp-1", variant_id="B")
        if name == "conversion_goal":
            event["event_type"] = "conversion"
        event[name] = f"goal {value} "

    return plant


def _attributes(event: dict[str, Any], value: str) -> None:
    event["attributes"] = {"contact": value, "nested": [{"v": value}]}


def _unknown_value(event: dict[str, Any], value: str) -> None:
    event["contact_email"] = value


def _unknown_key(event: dict[str, Any], value: str) -> None:
    event[value] = 1


def _forwarded(event: dict[str, Any], value: str) -> None:
    event.update(ip="10.0.0.1", forwarded_for=f" {value} , 10.0.0.2")


PLANTERS: dict[str, Planter] = {
    "ip": _set("ip"),
    "user_agent": _set("user_agent", CHROME_UA + " {} "),
    "user_agent alone": _set("user_agent"),
    "language": _set("language", " {} "),
    "charset": _set("charset", "{} "),
    "platform": _set("platform", " {}"),
    "url path": _set("url", "https://shop.example.jp/users/{}/orders"),
    "url last segment": _set("url", "https://shop.example.jp/u/{}"),
    "url query": _set("url", "https://shop.example.jp/p?utm_source={}&utm_medium=x"),
    "url query last": _set("url", "https://shop.example.jp/p?utm_campaign={}"),
    "title": _set("title", "Order for {} | Shop"),
    "title alone": _set("title"),
    "referrer": _set("referrer", "https://search.example.com/q/{}/"),
    "referrer query": _set("referrer", "https://search.example.com/?utm_term={}"),
    "experiment_id": _ab("experiment_id"),
    "variant_id": _ab("variant_id"),
    "conversion_goal": _ab("conversion_goal"),
    "session_id": _set("session_id"),
    "visitor_cookie": _set("visitor_cookie"),
    "forwarded_for": _forwarded,
    "attributes": _attributes,
    "unknown key's value": _unknown_value,
    "unknown key": _unknown_key,
}


def _texts(engine: Engine, result) -> tuple[list[str], list[bytes], list[str]]:
    values = [str(v) for r in result.records for v in engine.as_dict(r).values()]
    blobs = [r.value for r in result.records] + [r.key for r in result.records]
    rejects = [readable(r) for r in result.rejects] + list(result.dropped)
    return values, blobs, rejects


def _occurrences(haystacks: list, needle: Any) -> int:
    return sum(h.count(needle) for h in haystacks)


@pytest.fixture(scope="module")
def baseline(engine: Engine) -> tuple[list[str], list[bytes], list[str]]:
    return _texts(engine, engine.process([dumps(valid_event())], DAYS))


def _check_planted(engine: Engine, baseline, where: str, planted: str) -> None:
    event = valid_event()
    PLANTERS[where](event, planted)
    result = engine.process([dumps(event)], DAYS)
    assert len(result.records) == 1, [(r.reason, r.field) for r in result.rejects]
    values, blobs, rejects = _texts(engine, result)
    base_values, base_blobs, _ = baseline
    # The base event itself contains text like "131.0.0.0": count, don't just search.
    assert _occurrences(values, planted) <= _occurrences(base_values, planted), values
    encoded = planted.encode()
    assert _occurrences(blobs, encoded) <= _occurrences(base_blobs, encoded)
    assert _occurrences(rejects, planted) == 0


@pytest.mark.parametrize(
    "where",
    sorted(PLANTERS),
)
@settings(max_examples=60, deadline=None)
@example(planted="{@A.COM")  # was a leak: a local part of stop characters only
@example(planted="/@A.COM")
@example(planted="::ffff:1.2.3.4")
@given(planted=planted_values)
def test_a_planted_address_never_comes_out(
    engine: Engine, baseline, where: str, planted: str
) -> None:
    _check_planted(engine, baseline, where, planted)


# --- (c) pseudonyms: stable, scoped -----------------------------------------------------------

site_ids = st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)
days = st.integers(0, (1 << 32) - 1)
addresses = st.ip_addresses()


@settings(max_examples=300, deadline=None)
@given(
    ip=addresses,
    other_ip=addresses,
    site=site_ids,
    other_site=site_ids,
    day=days,
    delta=st.integers(1, 1000),
)
def test_visitor_pseudonyms_are_stable_and_scoped(
    ip, other_ip, site: str, other_site: str, day: int, delta: int
) -> None:
    key = make_ring("k1").active
    a, b = Pseudonymizer(key), Pseudonymizer(key)
    value = a.visitor(ip, site, day)
    assert value == b.visitor(ip, site, day)
    assert len(value) == 22
    if other_ip != ip:
        assert a.visitor(other_ip, site, day) != value
    if other_site != site:
        assert a.visitor(ip, other_site, day) != value
    assert a.visitor(ip, site, (day + delta) % (1 << 32)) != value
    assert Pseudonymizer(make_ring("k2").active).visitor(ip, site, day) != value


@settings(max_examples=300, deadline=None)
@given(
    session=st.text(max_size=40),
    other=st.text(max_size=40),
    site=site_ids,
    other_site=site_ids,
    day=days,
)
def test_session_pseudonyms_are_stable_and_scoped(
    session: str, other: str, site: str, other_site: str, day: int
) -> None:
    p = Pseudonymizer(make_ring("k1").active)
    value = p.session(session, site, day)
    assert value == Pseudonymizer(make_ring("k1").active).session(session, site, day)
    if other != session:
        assert p.session(other, site, day) != value
    if other_site != site:
        assert p.session(session, other_site, day) != value


@settings(max_examples=100, deadline=None)
@given(ip=addresses, port=st.integers(1, 65535), site=site_ids, ms=st.integers(0, 86_399_999))
def test_the_engine_gives_one_visitor_key_per_client_site_and_day(
    engine: Engine, ip, port: int, site: str, ms: int
) -> None:
    day_start = EVENT_TIME - EVENT_TIME % 86_400_000
    if isinstance(ip, IPv4Address):
        forms = [str(ip), f"::ffff:{ip}", f"{ip}:{port}", f"[::ffff:{ip}]:{port}"]
    else:
        assume(ip.ipv4_mapped is None and ip.scope_id is None)
        forms = [str(ip), ip.exploded, f"[{ip}]:{port}", f" {ip.exploded.upper()} "]
    batch = [dumps(valid_event(ip=f, site_id=site, event_time=day_start + ms)) for f in forms]
    batch.append(
        dumps(
            valid_event(
                ip=str(ip), site_id=site + "x"[: 64 - len(site)] or "y", event_time=day_start + ms
            )
        )
    )
    batch.append(dumps(valid_event(ip=str(ip), site_id=site, event_time=day_start + 86_400_000)))
    result = engine.process(batch, DAYS)
    assert not result.rejects
    keys = [engine.as_dict(r)["visitor_key"] for r in result.records]
    assert len(set(keys[: len(forms)])) == 1
    assert keys[0] is not None
    assert keys[-1] != keys[0]
    if len(site) < 64:
        assert keys[-2] != keys[0]
    assert ip_address(str(ip)) == ip
