"""The event's own addresses (client, `ip`, every forwarded hop) never leave in any text field, in
any textual form; other numbers and addresses are left alone by `forget_addresses`."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.core import Engine
from pipeline.core.address_forms import address_values, cut, find_forms
from pipeline.core.normalize import normalize_text
from pipeline.core.policy import Action, load_policy
from pipeline.core.raw_event import RawWebEvent, decode
from pipeline.core.steps.base import Context, Work
from pipeline.core.steps.own_addresses import ForgetAddresses
from tests.core.address_text import forms, key, percent, spelled
from tests.core.core_events import DAYS, dumps, valid_event
from tests.core.written_forms import full_width

POLICY = load_policy()
SCRUB_FIELDS = [r.name for r in POLICY.with_action(Action.SCRUB)]
URL_FIELDS = {r.name for r in POLICY.with_action(Action.SCRUB) if r.format == "url"}
STEP = ForgetAddresses(POLICY)
PROXY = "10.0.0.1"  # trusted by default: the client is the right-most untrusted hop

v4 = st.sampled_from(["192.0.2.", "198.51.100.", "203.0.113."]).flatmap(
    lambda net: st.integers(1, 254).map(lambda i: f"{net}{i}")
)
v6 = st.integers(1, (1 << 96) - 1).map(lambda i: str(IPv6Address((0x20010DB8 << 96) | i)))
addresses = st.one_of(v4, v4, v6)
texts = st.text(alphabet="abcXYZ /;()=,_!日本語テスト", max_size=12)
encodings = st.sampled_from([lambda s: s, full_width, percent])


def _plant(name: str, text: str) -> str:
    if name in URL_FIELDS:
        return f"https://shop.example.jp/p/{text}/x?utm_source={text}"
    return text


def _event(client: str, hop: str, planted: dict[str, str]) -> dict[str, Any]:
    return valid_event(ip=PROXY, forwarded_for=f"{hop}, {client}", **planted)


def _forgotten(event: dict[str, Any]) -> RawWebEvent:
    decoded = decode(dumps(event))
    assert isinstance(decoded, tuple)
    work = Work(0, b"")
    work.event = decoded[0]
    STEP.run([work], Context())
    return work.event


def _spells(value: str, address: str) -> bool:
    return key(address) in spelled(value) | spelled(normalize_text(value))


@settings(max_examples=300, deadline=None)
@given(
    client=addresses,
    hop=addresses,
    which=st.booleans(),
    form=st.integers(0, 15),
    encode=encodings,
    field=st.sampled_from(SCRUB_FIELDS),
    before=texts,
    after=texts,
)
def test_no_form_of_an_own_address_survives_the_step(
    client: str, hop: str, which: bool, form: int, encode, field: str, before: str, after: str
) -> None:
    target = client if which else hop
    written = forms(target)
    text = f"{before} {encode(written[form % len(written)])} {after}"
    event = _forgotten(_event(client, hop, {field: _plant(field, text)}))
    value = getattr(event, field)
    assert not _spells(value, target), (text, value)
    assert not _spells(value, client) and not _spells(value, hop)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(client=addresses, hop=addresses, form=st.integers(0, 15), encode=encodings)
def test_no_form_of_an_own_address_leaves_the_engine(
    engine: Engine, client: str, hop: str, form: int, encode
) -> None:
    planted = {}
    for i, field in enumerate(SCRUB_FIELDS):
        target = (client, hop)[i % 2]
        written = forms(target)
        planted[field] = _plant(field, f"a {encode(written[(form + i) % len(written)])} z")[:35]
        if field in URL_FIELDS:
            planted[field] = _plant(field, encode(written[(form + i) % len(written)]))
    result = engine.process([dumps(_event(client, hop, planted))], DAYS)
    assert not result.rejects, result.rejects
    out = engine.as_dict(result.records[0])
    for field in SCRUB_FIELDS:
        value = out[field] or ""
        assert not _spells(value, client) and not _spells(value, hop), (field, value)


CLIENT = "192.0.2.1"


@pytest.mark.parametrize(
    "text",
    [
        "192.0.2.10",
        "1192.0.2.1",
        "192.0.2.100",
        "2192.0.2.1",
        "192.0.2.1.5",
        "v1.192.0.2.1",
        "32212259851",
        "13221225985",
        "0xc00002011",
        "192-0-2-10",
        "1-192-0-2-1",
        "192.0.2.2",
        "Chrome/131.0.0.0 Safari/537.36",
        "2001:db8::10",
        "::ffff:192.0.2.11",
        "page 3 of 10, 2026-12-03 10:00:00",
    ],
)
def test_other_numbers_and_addresses_are_left_alone(text: str) -> None:
    event = _forgotten(valid_event(ip=CLIENT, title=text, user_agent=text))
    assert (event.title, event.user_agent) == (text, text)


def test_a_v6_client_near_misses_are_left_alone() -> None:
    for text in ("2001:db8::10", "2001:db8::1:5", "2001:db8::1f", "12001:db8::1"):
        assert _forgotten(valid_event(ip="2001:db8::1", title=text)).title == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mozilla/5.0 Safari/537.36 Proxy/198.51.100.23", "Mozilla/5.0 Safari/537.36 Proxy/[ip]"),
        ("id 3325256727.", "id [ip]."),
        ("0xc6336417 0306.063.0144.027", "[ip] [ip]"),
        ("via 198.051.100.023:8080", "via [ip]:8080"),
        ("[::ffff:c633:6417]:443", "[ip]:443"),
        ("ec2-198-51-100-23.compute.example", "ec2-[ip].compute.example"),
        ("23.100.51.198.in-addr.arpa", "[ip].in-addr.arpa"),
        ("6to4 2002:c633:6417::1", "6to4 [ip]"),
        ("%31%39%38%2E%35%31%2E%31%30%30%2E%32%33", "[ip]"),
    ],
)
def test_forms_of_the_client_become_markers(text: str, expected: str) -> None:
    assert _forgotten(valid_event(ip="198.51.100.23", title=text)).title == expected


def test_every_hop_is_own_not_only_the_resolved_client() -> None:
    chain = "203.0.113.5, 198.51.100.23, 10.0.0.2"
    event = _forgotten(valid_event(ip=PROXY, forwarded_for=chain, title="203.0.113.5 10.0.0.2"))
    assert event.title == "[ip] [ip]"


def test_an_address_as_a_url_host_stays_a_valid_url(engine: Engine) -> None:
    url = "http://0xc6336417:8080/a?utm_source=198.51.100.23"
    event = _forgotten(valid_event(ip="198.51.100.23", url=url))
    # A host that is wholly the address is left to the URL scrubber, which makes it [ip].
    assert event.url == "http://198.51.100.23:8080/a?utm_source=[ip]"
    out = engine.process([dumps(valid_event(ip="198.51.100.23", url=url))], DAYS)
    assert len(out.records) == 1, out.rejects
    assert engine.as_dict(out.records[0])["url"] == "http://[ip]:8080/a?utm_source=[ip]"
    # Part of a host name: replaced by a label, so the URL stays valid.
    named = "https://ec2-198-51-100-23.compute.example.com/a"
    assert _forgotten(valid_event(ip="198.51.100.23", url=named)).url == (
        "https://ec2-ip.compute.example.com/a"
    )


def test_text_without_own_forms_is_not_rewritten() -> None:
    encoded = "caf%C3%A9 &amp; 198.51.100.7"
    assert _forgotten(valid_event(ip="198.51.100.23", title=encoded)).title == encoded


def test_no_address_means_no_work() -> None:
    event = _forgotten(valid_event(ip=None, title="198.51.100.23"))
    assert event.title == "198.51.100.23"
    assert address_values(IPv4Address("0.0.0.0")) == frozenset({0})  # never an own address
    assert _forgotten(valid_event(ip="0.0.0.0", title="0 0.0.0.0")).title == "0 0.0.0.0"


def test_the_scan_is_linear_on_hostile_text() -> None:
    for hostile in ("1." * 20_000, "a:" * 20_000, "0x" * 20_000, "1-" * 20_000, ":." * 20_000):
        forms_found = find_forms(hostile)
        assert cut(hostile, forms_found, frozenset({1}), "[ip]") is not None


def test_huge_numbers_are_no_error() -> None:
    huge = "9" * 5000 + ".1 " + "0x" + "f" * 5000 + " " + "1" * 5000
    event = _forgotten(valid_event(ip="198.51.100.23", title=huge[:512], user_agent=huge))
    assert event.user_agent == huge
