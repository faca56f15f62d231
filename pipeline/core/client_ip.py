"""The client's address: every textual form parsed to one canonical address, proxies resolved."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from pipeline.errors import ConfigError

IP = IPv4Address | IPv6Address

DEFAULT_TRUSTED_PROXIES: tuple[str, ...] = (
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "127.0.0.0/8",
    "fc00::/7",
    "fe80::/10",
    "::1/128",
)
_MAX_TEXT = 100


@lru_cache(maxsize=1 << 16)
def parse_ip(text: str) -> IP | None:
    """Canonical address of `text`, or None: handles spaces, ports, brackets, zone ids and
    IPv4-mapped IPv6 (folded to IPv4)."""
    s = text.strip()
    if not s or len(s) > _MAX_TEXT:
        return None
    if s[0] == "[":
        end = s.find("]")
        if end < 0 or (end + 1 < len(s) and not _is_port(s[end + 1 :])):
            return None
        s = s[1:end]
    elif s.count(":") == 1:
        s, _, port = s.partition(":")
        if not port.isdigit():
            return None
    s = s.partition("%")[0]
    try:
        ip = ip_address(s)
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _is_port(tail: str) -> bool:
    return tail[0] == ":" and tail[1:].isdigit()


class ClientResolver:
    """Finds the client: `ip`, or behind a trusted proxy the right-most untrusted X-Forwarded-For hop."""

    def __init__(self, trusted_proxies: Iterable[str], max_hops: int) -> None:
        try:
            nets = [ip_network(n.strip(), strict=False) for n in trusted_proxies if n.strip()]
        except ValueError as exc:
            raise ConfigError(f"trusted proxies: {exc}") from None
        self._v4 = tuple(n for n in nets if isinstance(n, IPv4Network))
        self._v6 = tuple(n for n in nets if isinstance(n, IPv6Network))
        self._max_hops = max_hops
        self.is_trusted = lru_cache(maxsize=1 << 14)(self._is_trusted)

    def _is_trusted(self, ip: IP) -> bool:
        nets = self._v4 if ip.version == 4 else self._v6
        return any(ip in n for n in nets)

    def resolve(self, ip_text: str | None, forwarded_for: str | None) -> IP | None:
        """The client address, or None when it cannot be known."""
        ip = parse_ip(ip_text) if ip_text else None
        if ip is None or not forwarded_for or not self.is_trusted(ip):
            return ip
        hops = forwarded_for.rsplit(",", self._max_hops)
        if len(hops) > self._max_hops:
            hops = hops[1:]
        candidate: IP | None = ip
        for hop in reversed(hops):
            candidate = parse_ip(hop)
            if candidate is None:
                return None
            if not self.is_trusted(candidate):
                return candidate
        return candidate
