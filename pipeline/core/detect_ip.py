"""IPv4 and IPv6 addresses, and MAC addresses, in normalized text."""

from __future__ import annotations

import re
from ipaddress import IPv6Address

from pipeline.core.detect_kinds import Finding, Kind

_OCTET = r"(?:25[0-5]|2[0-4]\d|[01]?\d?\d)"
# Not inside a longer number or dotted run (`1.2.3.4.5`), but right after letters or `host.`.
# Matched loosely (`\d{1,3}` is much faster than the octet alternation), then checked.
_IPV4 = r"(?<![0-9])(?<![0-9]\.)\d{1,3}(?:\.\d{1,3}){3}(?![0-9]|\.[0-9])"
_V4 = re.compile(_IPV4, re.ASCII)
# With versions (user agents): `Name/1.2.3.4` is a version, not an address.
_V4_VERSIONS = re.compile(rf"(?<![A-Za-z]/){_IPV4}", re.ASCII)
_DEFANGED_HINTS = ("[.]", "(.)", "[dot]", "(dot)", " . ", "ip-", "IP-", "Ip-")
# Written so as not to be one: `192[.]0[.]2[.]1`, `192 . 0 . 2 . 1`, `ip-192-0-2-1`.
_DEFANGED = re.compile(
    rf"(?<![0-9]){_OCTET}(?:(?:\s*(?:\[\.\]|\(\.\)|\[dot\]|\(dot\))\s*|\s\.\s){_OCTET}){{3}}(?![0-9])"
    rf"|(?i:ip-){_OCTET}(?:-{_OCTET}){{3}}(?![0-9])",
    re.ASCII,
)
_V6 = re.compile(
    r"(?:(?<![0-9A-Za-z:.])|(?<=[0-9A-Za-z]:)(?=[0-9A-Fa-f]))"
    r"[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:%[0-9A-Za-z_.-]+)?"
)
_MAC = re.compile(
    r"(?<![0-9A-Fa-f:-])[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}(?![0-9A-Fa-f])"
)


def _valid(address: str) -> bool:
    try:
        IPv6Address(address)
    except ValueError:
        return False
    return True


def _v6_span(candidate: str) -> tuple[int, int] | None:
    """Where the IPv6 address in `candidate` is (None: none).

    Tried as a whole (with its zone id), then without a tail that is no part of it
    (`2001:db8::7.`, a port `2001:db8::7:8080`), then without a head (`:2001:db8::7`, `v6:...`).
    """
    address = candidate.partition("%")[0]
    if _valid(address):
        return 0, len(candidate)
    starts = [0] + [i + 1 for i, c in enumerate(address[:-1]) if c == ":" and address[i + 1] != ":"]
    for start in starts[:4]:
        end = len(address)
        for _ in range(3):
            trimmed = address[start:end].rstrip(".:")
            if trimmed and _valid(trimmed):
                return start, start + len(trimmed)
            end = start + trimmed.rfind(":")
            if end <= start:
                break
    return None


def find_ips(text: str, *, versions: bool = False) -> list[Finding]:
    """IPv4, IPv6 (any textual form, with zone ids) and MAC addresses in normalized `text`."""
    found: list[Finding] = []
    if text.count(":") >= 2:
        for match in _V6.finditer(text):
            span = _v6_span(match.group())
            if span is not None:
                found.append(Finding(Kind.IP, match.start() + span[0], match.start() + span[1]))
        if text.count(":") >= 5 or text.count("-") >= 5:
            found += [Finding(Kind.ID, m.start(), m.end()) for m in _MAC.finditer(text)]
    elif text.count("-") >= 5:
        found += [Finding(Kind.ID, m.start(), m.end()) for m in _MAC.finditer(text)]
    if any(hint in text for hint in _DEFANGED_HINTS):
        found += [Finding(Kind.IP, m.start(), m.end()) for m in _DEFANGED.finditer(text)]
    if text.count(".") >= 3:
        v4 = _V4_VERSIONS if versions else _V4
        for match in v4.finditer(text):
            if all(int(octet) <= 255 for octet in match.group().split(".")):
                found.append(Finding(Kind.IP, match.start(), match.end()))
    return found
