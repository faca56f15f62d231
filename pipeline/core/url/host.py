"""URL hosts as a browser reads them (WHATWG URL standard): every IPv4 and IPv6 form is an address.

`http://3325256824/`, `http://0xc6.0x33.0x64.7/`, `http://0306.063.0144.07/`, `http://198.51.25607/`
and `http://198.51.100.7./` all reach 198.51.100.7; a host that ends in a number but is not a valid
IPv4 address makes the URL invalid, as it does in a browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from ipaddress import IPv4Address, IPv6Address

from pipeline.errors import AnonymizerError

# Forbidden domain code points (WHATWG), plus `%`, which is never left after decoding.
_FORBIDDEN = frozenset("\x00\t\n\r #/:<>?@[\\]^|%\x7f") | frozenset(map(chr, range(0x20)))
# Full stops a browser's IDNA mapping (UTS 46) turns into `.`.
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
_HEX = frozenset("0123456789abcdef")
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}


@dataclass(frozen=True, slots=True)
class Host:
    """A parsed host: `text` is canonical (dotted IPv4, bracketed compressed IPv6, or a name)."""

    text: str
    address: bool


class InvalidHost(AnonymizerError, ValueError):
    """The host is not valid: the URL is refused (a ValueError too, for callers of `ipv4`)."""


def _number(part: str) -> int:
    """One WHATWG IPv4 number: decimal, 0x-hex or 0-octal."""
    radix = 10
    if part[:2] in ("0x", "0X"):
        part, radix = part[2:], 16
    elif len(part) > 1 and part[0] == "0":
        part, radix = part[1:], 8
    if not part:
        return 0
    digits = "0123456789abcdef"[:radix]
    if any(c not in digits for c in part.lower()):
        raise InvalidHost
    return int(part, radix)


def _ends_in_number(parts: list[str]) -> bool:
    last = parts[-1]
    if last.isascii() and last.isdigit():
        return True
    try:
        _number(last)
    except InvalidHost:
        return False
    return bool(last)


def ipv4(host: str) -> IPv4Address | None:
    """The IPv4 address a browser reads `host` as; None when it does not end in a number.

    Raises `InvalidHost` when it ends in a number but is no valid address (the URL is invalid).
    """
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()  # one trailing dot
    if not parts[-1] or not _ends_in_number(parts):
        return None
    if len(parts) > 4 or "" in parts:
        raise InvalidHost
    numbers = [_number(p) for p in parts]
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise InvalidHost
    value = numbers[-1]
    for i, n in enumerate(numbers[:-1]):
        value += n << (8 * (3 - i))
    return IPv4Address(value)


def _ipv6(inner: str) -> IPv6Address:
    address = inner.partition("%")[0]  # a zone id (RFC 6874 `%25eth0`, decoded to `%eth0`)
    try:
        return IPv6Address(address)
    except ValueError:
        raise InvalidHost from None


@lru_cache(maxsize=4096)
def parse_host(text: str) -> Host | None:
    """`text` (already percent-decoded and normalized) as a host, or None when it is invalid."""
    try:
        return _parse(text)
    except InvalidHost:
        return None


def _parse(text: str) -> Host:
    if text.startswith("["):
        if not text.endswith("]"):
            raise InvalidHost
        return Host(f"[{_ipv6(text[1:-1]).compressed}]", True)
    host = text.translate(_DOTS).lower()
    if not host or any(c in _FORBIDDEN for c in host):
        raise InvalidHost
    address = ipv4(host)
    if address is not None:
        return Host(str(address), True)
    return Host(host, False)


def parse_port(text: str, scheme: str) -> str:
    """`:port` as written canonically, '' for none or the scheme's default; raises on junk."""
    if not text:
        return ""
    if not (text.isascii() and text.isdigit()) or int(text) > 65535:
        raise ValueError("not a port")
    port = int(text)
    return "" if DEFAULT_PORTS.get(scheme) == port else f":{port}"


__all__ = ["DEFAULT_PORTS", "Host", "InvalidHost", "ipv4", "parse_host", "parse_port"]
