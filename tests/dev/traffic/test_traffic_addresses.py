"""Client addresses: GeoLite2 resolves the curated networks, forms, proxies, repeat visitors."""

from __future__ import annotations

import collections
import ipaddress
from collections.abc import Iterator

import geoip2.database
import geoip2.errors
import orjson
import pytest
from _maxminddb_geolite2 import geolite2_database

from pipeline.dev.traffic import TrafficGenerator, ranges

ALL_NETWORKS = ranges.JP_V4 + ranges.FOREIGN_V4 + ranges.V6
DOC_RANGES = [ipaddress.ip_network(n) for n in
              ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")]  # fmt: skip


@pytest.fixture(scope="module")
def reader() -> Iterator[geoip2.database.Reader]:
    with geoip2.database.Reader(geolite2_database()) as r:
        yield r


@pytest.fixture(scope="module")
def events() -> list[dict]:
    gen = TrafficGenerator(21, visitors=3_000, garbage=0.0, events_per_second=0.15)
    return [orjson.loads(p) for p in gen.payloads(40_000)]


@pytest.mark.parametrize("net", ALL_NETWORKS, ids=lambda n: f"{n.cidr}-{n.country}")
def test_network_resolves_as_stated(reader: geoip2.database.Reader, net: ranges.GeoNetwork) -> None:
    for address in ranges.sample_addresses(net):
        assert ipaddress.ip_address(address) in ipaddress.ip_network(net.cidr)
        city = reader.city(address)
        assert city.country.iso_code == net.country, address
        sub = city.subdivisions[0].iso_code if city.subdivisions else None  # top level
        if net.subdivision is not None:
            assert sub == net.subdivision, address
        if net.city is not None:
            assert city.city.name == net.city, address


def test_no_network_is_a_documentation_or_private_range() -> None:
    for net in ALL_NETWORKS:
        n = ipaddress.ip_network(net.cidr)
        assert n.is_global, net
        assert not any(n.overlaps(d) for d in DOC_RANGES if d.version == n.version), net
    assert all(ipaddress.ip_address(p).is_private for p in ranges.PRIVATE_PROXIES)


def _client(ev: dict) -> str | None:
    """The client address as a careful anonymizer would find it (plain forms only)."""
    ip = ev.get("ip")
    if not isinstance(ip, str):
        return None
    try:
        addr = ipaddress.ip_address(ip.strip().split("%")[0])
    except ValueError:
        return None
    if addr.is_private and ev.get("forwarded_for"):
        return ev["forwarded_for"].split(",")[0].strip()
    return str(addr)


def test_generated_clients_resolve_to_a_country(
    events: list[dict], reader: geoip2.database.Reader
) -> None:
    countries: collections.Counter[str] = collections.Counter()
    for ev in events[:3_000]:
        client = _client(ev)
        if client is None:
            continue
        try:
            countries[reader.city(client).country.iso_code or "?"] += 1
        except geoip2.errors.AddressNotFoundError:
            countries["not found"] += 1
    assert countries["not found"] == 0 and countries["?"] == 0
    assert countries.most_common(1)[0][0] == "JP"
    assert len(countries) >= 6


def test_repeat_visitors_come_back_on_other_days(events: list[dict]) -> None:
    days_by_ip: dict[str, set[int]] = collections.defaultdict(set)
    for ev in events:
        client = _client(ev)
        if client is not None:
            days_by_ip[client].add(ev["event_time"] // 86_400_000)
    span = {ev["event_time"] // 86_400_000 for ev in events}
    assert len(span) >= 3
    repeaters = [ip for ip, days in days_by_ip.items() if len(days) >= 2]
    assert len(repeaters) >= 100
    per_ip = collections.Counter(_client(ev) for ev in events)
    assert per_ip.most_common(2)[1][1] > 20 * (len(events) / len(per_ip))  # heavy hitters


def test_some_visitors_change_address(events: list[dict]) -> None:
    ips_by_cookie: dict[str, set[str]] = collections.defaultdict(set)
    for ev in events:
        client = _client(ev)
        if ev["visitor_cookie"] and client:
            ips_by_cookie[ev["visitor_cookie"]].add(client)
    assert sum(len(ips) > 1 for ips in ips_by_cookie.values()) >= 20


def test_odd_address_forms_and_proxies_appear(events: list[dict]) -> None:
    ips = [ev.get("ip", "<absent>") for ev in events]
    strings = [ip for ip in ips if isinstance(ip, str)]
    assert any(ip.startswith("::ffff:") for ip in strings)
    assert any(ip.startswith("[") and "]:" in ip for ip in strings)
    assert any(ip.count(":") == 1 and "." in ip for ip in strings)  # a.b.c.d:port
    assert any("%" in ip for ip in strings)
    assert any(ip != ip.strip() for ip in strings)
    assert any(ip == "<absent>" for ip in ips) and any(ip is None for ip in ips)
    v6 = sum(1 for ip in strings if ":" in ip and not ip.startswith("::ffff:"))
    assert 0.03 < v6 / len(ips) < 0.3
    proxied = [ev for ev in events if isinstance(ev.get("ip"), str) and ev["forwarded_for"]
               and ipaddress.ip_address(ev["ip"].strip()).is_private]  # fmt: skip
    assert len(proxied) > 200
    for ev in proxied:
        left = ipaddress.ip_address(ev["forwarded_for"].split(",")[0].strip())
        assert left.is_global
