"""IPv4 and IPv6 addresses, and MAC addresses, in normalized text."""

from __future__ import annotations

import re
from ipaddress import IPv6Address

from pipeline.core.detect.kinds import Finding, Kind

_OCTET = r"(?:25[0-5]|2[0-4]\d|[01]?\d?\d)"
# Not inside a longer number or dotted run (`1.2.3.4.5`), but right after letters or `host.`.
# Matched loosely (`\d{1,3}` is much faster than the octet alternation), then checked.
_IPV4 = r"(?<![0-9])(?<![0-9]\.)\d{1,3}(?:\.\d{1,3}){3}(?![0-9]|\.[0-9])"
# Not canonical (inet_aton reads them): parts in hex `0xC0.0xA8.1.2` or octal `0300.0250.01.02`,
# and a whole address as one hex integer `0xC0A80102`.
_PART = r"(?:0[xX][0-9A-Fa-f]{1,8}|\d{1,11})"
_LOOSE = re.compile(
    rf"(?<![0-9A-Za-z])(?<![0-9]\.){_PART}(?:(?:\.|\[\.\]|\(\.\)){_PART}){{3}}(?![0-9A-Za-z]|\.[0-9])"
)
_HEX_INTEGER = re.compile(r"(?<![0-9A-Za-z])0[xX]0*[0-9A-Fa-f]{7,8}(?![0-9A-Za-z])")
_OCTAL = frozenset("01234567")
_ZERO_OCTAL = re.compile(r"0[0-7]")  # a literal first: a fast scan
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


_HEX_GROUPS = re.compile(r"[0-9A-Fa-f]{1,4}(?::+[0-9A-Fa-f]{1,4}){4,}")


def _v6_span(candidate: str) -> tuple[int, int] | None:
    """Where the IPv6 address in `candidate` is (None: none).

    Tried as a whole (with its zone id), then without a tail that is no part of it
    (`2001:db8::7.`, a port `2001:db8::7:8080`) and without a head (`:2001:db8::7`, `v6:...`);
    the longest valid span wins. A run of five or more hex groups that is no valid address as
    written (an address with extra groups around it) is taken whole: it is one, damaged.
    """
    address = candidate.partition("%")[0]
    if _valid(address):
        return 0, len(candidate)
    best: tuple[int, int] | None = None
    starts = [0] + [i + 1 for i, c in enumerate(address[:-1]) if c == ":" and address[i + 1] != ":"]
    for start in starts[:4]:
        end = len(address)
        for _ in range(3):
            trimmed = address[start:end].rstrip(".:")
            if trimmed and _valid(trimmed):
                if best is None or len(trimmed) > best[1] - best[0]:
                    best = start, start + len(trimmed)
                break
            end = start + trimmed.rfind(":")
            if end <= start:
                break
    groups = _HEX_GROUPS.search(address)
    if groups is not None and _MAC.fullmatch(groups.group()):
        groups = None  # a MAC address: found as an id
    if groups is not None and (best is None or groups.end() - groups.start() > best[1] - best[0]):
        return groups.start(), groups.end()
    return best


def _part(part: str) -> bool:
    """Whether one part of a non-canonical address is a byte (hex, octal, or decimal)."""
    if part[:2] in ("0x", "0X"):
        return int(part, 16) <= 255
    if len(part) > 1 and part[0] == "0" and _OCTAL.issuperset(part):
        return int(part, 8) <= 255
    return int(part) <= 255


def _leading_zero(text: str) -> bool:
    """Whether a number in `text` starts with 0 and an octal digit (`0300`, `.01`)."""
    match = _ZERO_OCTAL.search(text)
    while match is not None:
        if match.start() == 0 or not text[match.start() - 1].isdigit():
            return True
        match = _ZERO_OCTAL.search(text, match.end())
    return False


def _non_canonical(text: str, versions: bool) -> list[Finding]:
    found = []
    if "0x" in text or "0X" in text:
        for match in _HEX_INTEGER.finditer(text):
            if versions and text[match.start() - 2 : match.start() - 1].isdigit():
                continue  # `MicroMessenger/8.0.44(0x18002c2f)`: WeChat's build
            found.append(Finding(Kind.IP, match.start(), match.end()))
    for match in _LOOSE.finditer(text):
        if versions and text[match.start() - 1 : match.start()] == "/":
            continue  # `Name/1.02.3.4`: a version
        parts = re.split(r"[^0-9A-Za-z]+", match.group())
        if all(_part(p) for p in parts):
            found.append(Finding(Kind.IP, match.start(), match.end()))
    return found


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
    if "0x" in text or "0X" in text or _leading_zero(text):
        found += _non_canonical(text, versions)
    if text.count(".") >= 3:
        v4 = _V4_VERSIONS if versions else _V4
        for match in v4.finditer(text):
            if all(int(octet) <= 255 for octet in match.group().split(".")):
                found.append(Finding(Kind.IP, match.start(), match.end()))
    return found
