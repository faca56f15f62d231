"""Free text scrubbed of personal data: e-mail addresses, IP addresses, tokens.

Each finding is replaced by a marker ([email], [ip], [token]); benign text is left untouched.
Two flavours: strict, and `versions=True` for user agents, where `Chrome/131.0.0.0` is a version.
Each detector runs only when a cheap test says it could match: most text pays for one or two scans.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from ipaddress import ip_address

EMAIL, IP, TOKEN = "[email]", "[ip]", "[token]"

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = rf"(?<![0-9.]){_OCTET}(?:\.{_OCTET}){{3}}(?![0-9]|\.[0-9])"
_V4 = re.compile(_IPV4)
_V4_VERSIONS = re.compile(rf"(?<![A-Za-z]/){_IPV4}")
_V6 = re.compile(
    r"(?<![0-9A-Za-z:.])[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:%[0-9A-Za-z_-]+)?"
)
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?")
_RUN = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32,}")
_AT = re.compile(r"@|%40|%2540")
# Characters that end an e-mail address on either side of the @: these ASCII ones, and any
# non-ASCII space, punctuation or symbol (full-width brackets and colons in Japanese text).
_EMAIL_STOP = frozenset(" \t\r\n\f\v<>()[]{},;:\"'@/?#&=|\\")


@lru_cache(maxsize=4096)
def _stops(char: str) -> bool:
    if char in _EMAIL_STOP:
        return True
    return char > "\x7f" and unicodedata.category(char)[0] in "PZS"


def _emails(text: str) -> str:
    out: list[str] = []
    end = 0
    for match in _AT.finditer(text):
        start, after = match.start(), match.end()
        if start < end:
            continue  # inside an address already replaced
        left = start
        while left > end and not _stops(text[left - 1]):
            left -= 1
        right = after
        while right < len(text) and not _stops(text[right]):
            right += 1
        if left == start and "." not in text[after:right]:
            continue  # "@name": a handle, not an address
        out.append(text[end:left])
        out.append(EMAIL)
        end = right
    if not out:
        return text
    out.append(text[end:])
    return "".join(out)


def _v6(match: re.Match[str]) -> str:
    candidate = match.group()
    address = candidate.partition("%")[0]
    for trimmed in (address, address.rstrip(".:")):
        try:
            ip_address(trimmed)
        except ValueError:
            continue
        return IP + address[len(trimmed) :] if address == candidate else IP
    # Not an IPv6 address (a time, a MAC address...): still remove any IPv4 inside it.
    return _V4.sub(IP, candidate)


def _secret(match: re.Match[str]) -> str:
    run = match.group()
    has_digit = any(c.isdigit() for c in run)
    has_letter = any(c.isalpha() for c in run)
    return TOKEN if has_digit and has_letter else run


def scrub_text(text: str, max_length: int, *, versions: bool = False) -> str:
    """`text` without personal data, at most `max_length` characters."""
    if len(text) > 4 * max_length:
        text = text[: 4 * max_length]
    if "@" in text or "%40" in text or "%2540" in text:
        text = _emails(text)
    if "eyJ" in text:
        text = _JWT.sub(TOKEN, text)
    if text.count(":") >= 2:
        text = _V6.sub(_v6, text)
    if text.count(".") >= 3:
        text = (_V4_VERSIONS if versions else _V4).sub(IP, text)
    if len(text) >= 32:
        text = _RUN.sub(_secret, text)
    return text if len(text) <= max_length else text[:max_length]
