"""Client address: every textual form to one canonical address; X-Forwarded-For behind proxies."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, ip_address

import pytest

from pipeline.core import Engine
from pipeline.core.client_ip import DEFAULT_TRUSTED_PROXIES, ClientResolver, parse_ip
from pipeline.errors import ConfigError
from tests.core.core_events import DAYS, dumps, only_record, valid_event


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.2.3.4", "1.2.3.4"),
        ("2001:db8::1", "2001:db8::1"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("2001:DB8::A", "2001:db8::a"),
        ("::ffff:1.2.3.4", "1.2.3.4"),
        ("::FFFF:1.2.3.4", "1.2.3.4"),
        ("::ffff:0102:0304", "1.2.3.4"),
        ("1.2.3.4:8080", "1.2.3.4"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("[::ffff:1.2.3.4]:80", "1.2.3.4"),
        ("fe80::1%eth0", "fe80::1"),
        ("[fe80::1%eth0]:8080", "fe80::1"),
        ("  1.2.3.4  ", "1.2.3.4"),
        ("\t2001:db8::1\n", "2001:db8::1"),
    ],
)
def test_parse_ip_canonicalizes(text: str, expected: str) -> None:
    assert parse_ip(text) == ip_address(expected)


def test_mapped_ipv6_folds_to_an_ipv4_object() -> None:
    assert type(parse_ip("::ffff:1.2.3.4")) is IPv4Address
    assert type(parse_ip("2001:db8::1")) is IPv6Address


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "garbage",
        "unknown",
        "1.2.3",
        "1.2.3.4.5",
        "256.1.1.1",
        "01.2.3.4",
        "1.2.3.4:",
        "1.2.3.4:http",
        "[2001:db8::1",
        "[2001:db8::1]x",
        "[2001:db8::1]:",
        "[2001:db8::1]:port",
        "2001:db8::g",
        "1.2.3.4 5.6.7.8",
        "1.2.3.4, 5.6.7.8",
        "1" * 101,
        "::ffff:" + "1" * 100,
    ],
)
def test_parse_ip_refuses_garbage(text: str) -> None:
    assert parse_ip(text) is None


@pytest.fixture(scope="module")
def resolver() -> ClientResolver:
    return ClientResolver(DEFAULT_TRUSTED_PROXIES, max_hops=20)


def test_behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client(
    resolver: ClientResolver,
) -> None:
    assert resolver.resolve("10.0.0.1", "203.0.113.7, 10.0.0.2") == ip_address("203.0.113.7")
    assert resolver.resolve("10.0.0.1", "198.51.100.1, 203.0.113.7") == ip_address("203.0.113.7")
    assert resolver.resolve("127.0.0.1", " 203.0.113.7 ") == ip_address("203.0.113.7")
    assert resolver.resolve("::1", "[2001:db8::7]:1234") == ip_address("2001:db8::7")
    assert resolver.resolve("10.0.0.1", "::ffff:203.0.113.7") == ip_address("203.0.113.7")


def test_an_untrusted_ip_ignores_forwarded_for(resolver: ClientResolver) -> None:
    assert resolver.resolve("198.51.100.9", "203.0.113.7") == ip_address("198.51.100.9")
    assert resolver.resolve("198.51.100.9", "garbage") == ip_address("198.51.100.9")


def test_an_all_trusted_chain_gives_the_leftmost_examined_hop(resolver: ClientResolver) -> None:
    assert resolver.resolve("10.0.0.1", "10.0.0.3, 10.0.0.2") == ip_address("10.0.0.3")
    assert resolver.resolve("10.0.0.1", "192.168.1.1") == ip_address("192.168.1.1")


def test_a_garbage_hop_before_the_client_is_found_means_unknown(resolver: ClientResolver) -> None:
    assert resolver.resolve("10.0.0.1", "203.0.113.7, garbage") is None
    assert resolver.resolve("10.0.0.1", "203.0.113.7, , 10.0.0.2") is None
    # Garbage left of the client is never looked at.
    assert resolver.resolve("10.0.0.1", "garbage, 203.0.113.7") == ip_address("203.0.113.7")


def test_no_usable_ip_gives_none(resolver: ClientResolver) -> None:
    assert resolver.resolve(None, "203.0.113.7") is None
    assert resolver.resolve("", "203.0.113.7") is None
    assert resolver.resolve("garbage", "203.0.113.7") is None
    assert resolver.resolve("10.0.0.1", None) == ip_address("10.0.0.1")
    assert resolver.resolve("10.0.0.1", "") == ip_address("10.0.0.1")


def test_only_the_last_max_hops_are_examined() -> None:
    resolver = ClientResolver(DEFAULT_TRUSTED_PROXIES, max_hops=3)
    chain = "203.0.113.7, 10.0.0.4, 10.0.0.3, 10.0.0.2"
    assert resolver.resolve("10.0.0.1", chain) == ip_address("10.0.0.4")
    assert resolver.resolve("10.0.0.1", chain.partition(", ")[2] + ", 10.0.0.9") == ip_address(
        "10.0.0.3"
    )
    long_chain = ", ".join(["garbage"] * 10_000 + ["203.0.113.7"])
    assert resolver.resolve("10.0.0.1", long_chain) == ip_address("203.0.113.7")


def test_a_custom_trusted_list() -> None:
    resolver = ClientResolver(["198.51.100.0/24", " 2001:db8:ff::/48 ", ""], max_hops=20)
    assert resolver.resolve("198.51.100.9", "203.0.113.7") == ip_address("203.0.113.7")
    assert resolver.resolve("2001:db8:ff::1", "203.0.113.7") == ip_address("203.0.113.7")
    # The defaults are no longer trusted.
    assert resolver.resolve("10.0.0.1", "203.0.113.7") == ip_address("10.0.0.1")
    assert resolver.resolve("198.51.100.9", "203.0.113.7, 10.0.0.2") == ip_address("10.0.0.2")
    nobody = ClientResolver([], max_hops=20)
    assert nobody.resolve("127.0.0.1", "203.0.113.7") == ip_address("127.0.0.1")


def test_a_bad_trusted_list_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="trusted proxies"):
        ClientResolver(["10.0.0.0/8", "not-a-network"], max_hops=20)


# --- through the engine ------------------------------------------------------------------------

SAME_CLIENT_V4 = [
    "11.3.7.9",
    "::ffff:11.3.7.9",
    "11.3.7.9:51234",
    " 11.3.7.9 ",
    "[::ffff:11.3.7.9]:443",
]
SAME_CLIENT_V6 = [
    "2001:db8:100:1::42",
    "2001:0db8:0100:0001:0000:0000:0000:0042",
    "[2001:db8:100:1::42]:8443",
]


@pytest.mark.parametrize("forms", [SAME_CLIENT_V4, SAME_CLIENT_V6], ids=["v4", "v6"])
def test_one_client_in_any_form_gets_one_visitor_key(engine: Engine, forms: list[str]) -> None:
    result = engine.process([dumps(valid_event(ip=form)) for form in forms], DAYS)
    assert not result.rejects
    keys = {engine.as_dict(r)["visitor_key"] for r in result.records}
    assert len(keys) == 1
    assert None not in keys


def test_the_client_behind_a_proxy_is_the_one_pseudonymized_and_located(engine: Engine) -> None:
    direct = only_record(engine, dumps(valid_event(ip="11.3.7.9")))
    proxied = only_record(
        engine, dumps(valid_event(ip="10.0.0.1", forwarded_for="11.3.7.9, 10.0.0.2"))
    )
    assert proxied["visitor_key"] == direct["visitor_key"]
    assert proxied["city"] == "San Francisco"
    spoofed = only_record(engine, dumps(valid_event(ip="11.1.2.3", forwarded_for="11.3.7.9")))
    assert spoofed["region"] == "JP-13"
    assert spoofed["visitor_key"] != direct["visitor_key"]


def test_custom_trusted_proxies_reach_the_engine(ring, test_db) -> None:
    engine = Engine(geoip=test_db, trusted_proxies=["11.1.0.0/16"])
    out = only_record(engine, dumps(valid_event(ip="11.1.2.3", forwarded_for="11.3.7.9")))
    assert out["city"] == "San Francisco"
    out = only_record(engine, dumps(valid_event(ip="10.0.0.1", forwarded_for="11.3.7.9")))
    assert out["country"] is None
