"""Curated networks that the bundled GeoLite2-City (2018-07-03) resolves, for synthetic visitors.

Each network is the exact prefix the database stores for one record, so every address in it
resolves to the same country (and subdivision / city, where given). `tests/dev/traffic` checks this.
No address here belongs to a real person: the generator picks arbitrary hosts inside these ISP
blocks. The RFC 5737 documentation ranges are deliberately absent (they resolve to nothing).
"""

from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GeoNetwork:
    """One network and where GeoLite2-City places it (subdivision: top-level ISO 3166-2 suffix)."""

    cidr: str
    country: str
    subdivision: str | None
    city: str | None
    weight: int = 1


# Japan: most traffic. Tokyo-heavy, then the other big prefectures, then JP-only blocks.
JP_V4: tuple[GeoNetwork, ...] = (
    GeoNetwork("163.44.0.0/20", "JP", "13", "Tokyo", 6),
    GeoNetwork("118.238.0.0/21", "JP", "13", "Tokyo", 4),
    GeoNetwork("1.72.96.0/19", "JP", "13", "Tokyo", 6),
    GeoNetwork("1.72.128.0/19", "JP", "13", "Tokyo", 5),
    GeoNetwork("49.96.64.0/18", "JP", "13", "Tokyo", 6),
    GeoNetwork("153.156.128.0/19", "JP", "13", "Tokyo", 4),
    GeoNetwork("114.160.80.0/20", "JP", "13", "Tokyo", 3),
    GeoNetwork("121.2.128.0/21", "JP", "13", "Nerima", 2),
    GeoNetwork("153.127.0.0/17", "JP", "27", "Osaka", 6),
    GeoNetwork("49.96.0.0/22", "JP", "27", "Osaka", 2),
    GeoNetwork("60.32.0.0/19", "JP", "14", "Yokohama", 3),
    GeoNetwork("220.100.85.0/24", "JP", "14", "Yokohama", 1),
    GeoNetwork("60.32.80.0/20", "JP", "11", "Hanno", 1),
    GeoNetwork("114.160.0.0/22", "JP", "11", "Saitama", 2),
    GeoNetwork("58.188.0.0/20", "JP", "26", "Kyoto", 2),
    GeoNetwork("58.188.128.0/21", "JP", "28", "Amagasaki", 1),
    GeoNetwork("219.106.84.0/22", "JP", "23", "Anjo", 1),
    GeoNetwork("121.2.0.0/22", "JP", "23", "Kanie", 1),
    GeoNetwork("114.160.240.0/20", "JP", "40", "Kitakyushu", 2),
    GeoNetwork("153.156.0.0/21", "JP", "01", "Sapporo", 2),
    GeoNetwork("182.168.0.0/21", "JP", "15", "Niigata", 1),
    GeoNetwork("133.242.0.0/19", "JP", None, None, 3),
    GeoNetwork("133.242.128.0/17", "JP", None, None, 3),
    GeoNetwork("210.130.0.0/17", "JP", None, None, 3),
    GeoNetwork("126.0.0.0/18", "JP", None, None, 4),
    GeoNetwork("126.100.0.0/18", "JP", None, None, 3),
    GeoNetwork("211.14.0.0/21", "JP", None, None, 1),
)

FOREIGN_V4: tuple[GeoNetwork, ...] = (
    GeoNetwork("24.0.0.0/20", "US", "NJ", "Woodbridge"),
    GeoNetwork("98.0.0.0/19", "US", "NY", "Waverly"),
    GeoNetwork("71.0.0.0/20", "US", "OH", "Mansfield"),
    GeoNetwork("47.144.0.0/19", "US", "CA", "Camarillo"),
    GeoNetwork("68.0.0.0/20", "US", "VA", "Williamsburg"),
    GeoNetwork("12.0.0.0/21", "US", None, None),
    GeoNetwork("82.0.0.0/21", "GB", "ENG", "Newcastle upon Tyne"),
    GeoNetwork("92.0.0.0/20", "GB", "ENG", "Chiswick"),
    GeoNetwork("86.0.0.0/22", "GB", "ENG", "Sunderland"),
    GeoNetwork("91.0.0.0/24", "DE", "NW", "Cologne"),
    GeoNetwork("217.0.0.0/14", "DE", None, None),
    GeoNetwork("88.160.0.0/21", "FR", "IDF", "Paris"),
    GeoNetwork("109.0.0.0/20", "FR", "IDF", "Montevrain"),
    GeoNetwork("175.192.0.0/19", "KR", "11", "Seoul", 2),
    GeoNetwork("121.128.0.0/20", "KR", "11", "Seoul", 2),
    GeoNetwork("211.36.0.0/17", "KR", None, None),
    GeoNetwork("114.240.0.0/18", "CN", "BJ", "Beijing", 2),
    GeoNetwork("101.80.0.0/16", "CN", "SH", "Shanghai", 2),
    GeoNetwork("36.96.0.0/15", "CN", "ZJ", "Hangzhou"),
    GeoNetwork("1.160.0.0/18", "TW", "TPE", "Taipei", 2),
    GeoNetwork("200.150.0.0/22", "BR", "MG", "Belo Horizonte"),
    GeoNetwork("201.0.0.0/21", "BR", "SP", "Arujá"),
    GeoNetwork("124.168.0.0/21", "AU", "NSW", "Alexandria"),
    GeoNetwork("1.120.0.0/18", "AU", None, None),
    GeoNetwork("117.192.0.0/22", "IN", "KA", "Bengaluru"),
)

V6: tuple[GeoNetwork, ...] = (
    GeoNetwork("2400:4050::/40", "JP", "13", "Tokyo", 5),
    GeoNetwork("240b:10::/40", "JP", "13", "Tokyo", 5),
    GeoNetwork("2404:7a80::/41", "JP", "13", "Tokyo", 2),
    GeoNetwork("2001:268::/39", "JP", None, None, 4),
    GeoNetwork("2001:240::/40", "JP", None, None, 2),
    GeoNetwork("2600:1700::/39", "US", "TX", "Leander"),
    GeoNetwork("2a01:cb00::/40", "FR", "IDF", "Paris"),
    GeoNetwork("2003::/30", "DE", None, None),
    GeoNetwork("2a01:4b00::/33", "GB", None, None),
    GeoNetwork("2001:e60::/36", "KR", None, None),
)

# Trusted proxies / load balancers in front of some sites (private, never resolved).
PRIVATE_PROXIES: tuple[str, ...] = (
    "10.0.0.2",
    "10.12.7.31",
    "172.16.4.10",
    "172.20.1.254",
    "192.168.1.10",
    "192.168.100.3",
)


@functools.cache
def _bounds(cidr: str) -> tuple[int, int, int]:
    """(first address as int, usable host count, IP version) of `cidr`."""
    net = ipaddress.ip_network(cidr)
    return int(net.network_address), max(min(net.num_addresses, 1 << 64) - 2, 1), net.version


def address_in(network: GeoNetwork, n: int) -> str:
    """The host number `n` (wrapped, never the network or broadcast address) of `network`."""
    first, hosts, version = _bounds(network.cidr)
    x = first + 1 + n % hosts
    if version == 4:
        return f"{x >> 24}.{(x >> 16) & 255}.{(x >> 8) & 255}.{x & 255}"
    return str(ipaddress.IPv6Address(x))


def sample_addresses(network: GeoNetwork) -> tuple[str, ...]:
    """A few spread-out hosts of `network`: first, middle, last usable, and one in between."""
    net = ipaddress.ip_network(network.cidr)
    size = min(net.num_addresses, 1 << 64)
    return tuple(address_in(network, k) for k in (0, size // 3, size // 2, max(size - 3, 0)))
