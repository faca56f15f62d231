"""Every textual form of an IP address in free text, parsed back to the address it denotes.

A form is found by shape (dotted parts in any radix, a lone integer, a dashed quad, an
IPv6-shaped run), then parsed: dotted forms as a WHATWG URL parser reads an IPv4 host
(`0xc6336417`, `3325256824`, `0306.063.0144.027`, `198.3368215`) and also with leading zeros
read as decimal (`198.051.100.023`, as many logs write it); IPv6 by `ipaddress`, with the IPv4
address it embeds (mapped, compatible, translated, NAT64, 6to4, Teredo, ISATAP). A form never
starts or ends inside a longer run of digits or dotted parts (`1192.0.2.1`, `192.0.2.10` and
`1.192.0.2.1` denote no 192.0.2.1), so only a real form of an address can match it.

Values are integers: an IPv4 address as itself, an IPv6 address tagged with bit 128.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from ipaddress import IPv6Address

from pipeline.core.client_ip import IP

V6_TAG = 1 << 128
_MASK32 = 0xFFFFFFFF
# Full stops a URL host or a reader takes for `.` (NFKC leaves the ideographic ones alone).
_DOTS = ".\u3002\uff0e\uff61"
_PART = r"(?:0[xX][0-9A-Fa-f]*|\d+)"
_DOTTED = re.compile(rf"(?<!\d){_PART}(?:[{_DOTS}]{_PART})*")
# The same, but a lone number only when it can reach 1.0.0.0 (2^24: 8 decimal digits, 7 hex,
# 9 octal): addresses in 0.0.0.0/8 are never a client's, so most numbers need no parsing.
SMALLEST = 1 << 24
_DOTTED_BIG = re.compile(
    rf"(?<!\d)(?:{_PART}(?:[{_DOTS}]{_PART})+|\d{{8,}}|0[xX][0-9A-Fa-f]{{7,}})"
)
_DASHED = re.compile(r"(?<!\d)(\d{1,3})([-_])(\d{1,3})\2(\d{1,3})\2(\d{1,3})(?!\d|[-_]\d)")
# Cheap tests first: most text has no number next to a separator and no long number.
# (Each starts with a character class, which the regex engine scans for quickly.)
_MAY_DOT = re.compile(rf"\d(?:[{_DOTS}]\d|\d{{7}}|[xX][0-9A-Fa-f])")
_MAY_DASH = re.compile(r"\d[-_]\d{1,3}[-_]\d")
_LABELS = re.compile(r"^[0-9A-Fa-f.]*\.")
# One start per run and no nested repetition: linear on any input.
_V6 = re.compile(r"(?<![0-9A-Fa-f:.])[0-9A-Fa-f.]*(?::[0-9A-Fa-f.]*){2,}")
_PORT = re.compile(r":\d{1,5}$")
_SPLIT = re.compile(f"[{_DOTS}]")
_ARPA = ".in-addr.arpa"

Form = tuple[int, int, frozenset[int]]  # start, end, the addresses it may denote


def address_values(ip: IP) -> frozenset[int]:
    """The values one address has: itself, and for IPv6 any IPv4 address it carries."""
    if ip.version == 4:
        return frozenset((int(ip),))
    return _v6_values(int(ip))


@lru_cache(maxsize=1 << 14)
def _v6_values(x: int) -> frozenset[int]:
    values = {V6_TAG | x}
    high96 = x >> 32
    if high96 in (0, 0xFFFF, 0xFFFF0000, 0x64FF9B << 64) or high96 & _MASK32 in (
        0x5EFE,
        0x02005EFE,
    ):
        values.add(x & _MASK32)  # compatible, mapped, translated, NAT64, ISATAP
    if x >> 112 == 0x2002:
        values.add((x >> 80) & _MASK32)  # 6to4
    if x >> 96 == 0x20010000:
        values.add(~x & _MASK32)  # Teredo client (obfuscated)
        values.add((x >> 64) & _MASK32)  # Teredo server
    return frozenset(values)


def _ascii_digits(part: str) -> str:
    return part if part.isascii() else "".join(str(unicodedata.decimal(c)) for c in part)


def _number(part: str, octal: bool) -> int | None:
    if len(part) > 48:  # no address is that long (and int() refuses 4,300+ decimal digits)
        return None
    if part[:2] in ("0x", "0X"):
        return int(part[2:] or "0", 16)
    part = _ascii_digits(part)
    if octal and len(part) > 1 and part[0] == "0":
        return int(part, 8) if part.isdigit() and "8" not in part and "9" not in part else None
    return int(part)


def _ipv4(parts: list[str], octal: bool) -> int | None:
    """A WHATWG IPv4 host of 1-4 numbers (`octal`: a leading 0 means octal, as WHATWG says)."""
    numbers = [_number(p, octal) for p in parts]
    if any(n is None for n in numbers):
        return None
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):  # type: ignore[operator]
        return None
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))  # type: ignore[operator]
    return value  # type: ignore[return-value]


def _dotted(text: str, match: re.Match[str]) -> frozenset[int]:
    parts = _SPLIT.split(match.group())
    if len(parts) > 4:
        return frozenset()
    if any(len(p) > 1 and p[0] == "0" for p in parts):  # octal (WHATWG) or decimal (logs)
        values = {v for octal in (True, False) if (v := _ipv4(parts, octal)) is not None}
    else:
        value = _ipv4(parts, False)
        values = set() if value is None else {value}
    if len(parts) == 4 and text[match.end() : match.end() + len(_ARPA)].lower() == _ARPA:
        reverse = _ipv4(parts[::-1], False)
        if reverse is not None:
            values.add(reverse)
    return frozenset(values)


def _dashed(text: str, match: re.Match[str]) -> frozenset[int]:
    at = match.start() - 1
    if at > 0 and text[at] in "-_" and text[at - 1].isdigit():
        while at > 0 and text[at - 1].isdigit():
            at -= 1
        if at == 0 or not text[at - 1].isalpha():
            return frozenset()  # a fifth number before it (`1-192-0-2-1`), not `ec2-192-0-2-1`
    numbers = [int(_ascii_digits(match.group(i))) for i in (1, 3, 4, 5)]
    if any(n > 255 for n in numbers):
        return frozenset()
    return frozenset((numbers[0] << 24 | numbers[1] << 16 | numbers[2] << 8 | numbers[3],))


def _v6(run: str) -> tuple[int, int, frozenset[int]] | None:
    """(offset, length, values) of the IPv6 address in an IPv6-shaped run, or None."""
    start = 1 if run.startswith(":") and not run.startswith("::") else 0
    if (dots := _LABELS.match(run)) is not None:  # `v6.2001:db8::1`: labels before it
        start = dots.end()
    text = run[start:].rstrip(".")
    if text.endswith(":") and not text.endswith("::"):
        text = text[:-1]
    for candidate in (text, _PORT.sub("", text)):
        try:
            value = int(IPv6Address(candidate))
        except ValueError:
            continue
        return start, len(candidate), _v6_values(value)
    return None


def may_have_forms(text: str) -> bool:
    """False proves `find_forms(text)` (not `small`) finds nothing: `find_forms`'s own gates."""
    return bool(
        _MAY_DOT.search(text)
        or "0x" in text
        or "0X" in text
        or (("-" in text or "_" in text) and _MAY_DASH.search(text))
        or text.count(":") >= 2
    )


def find_forms(text: str, small: bool = False) -> tuple[Form, ...]:
    """Every span of `text` that is a textual form of some address, with what it denotes; lone
    numbers below `SMALLEST` only when `small` (the only forms of 0.0.0.0/8 they can be)."""
    forms: list[Form] = []
    if small or _MAY_DOT.search(text) or ("0x" in text or "0X" in text):
        for match in (_DOTTED if small else _DOTTED_BIG).finditer(text):
            if values := _dotted(text, match):
                forms.append((match.start(), match.end(), values))
    if ("-" in text or "_" in text) and _MAY_DASH.search(text):
        for match in _DASHED.finditer(text):
            if values := _dashed(text, match):
                forms.append((match.start(), match.end(), values))
    if text.count(":") >= 2:
        for match in _V6.finditer(text):
            found = _v6(match.group())
            if found is not None:
                offset, length, values = found
                start = match.start() + offset
                forms.append((start, start + length, values))
    return tuple(forms)


def denoted(forms: tuple[Form, ...]) -> frozenset[int]:
    """Every address any of `forms` may denote."""
    return frozenset().union(*(values for _, _, values in forms))


def cut(
    text: str,
    forms: tuple[Form, ...],
    own: frozenset[int] | set[int],
    marker: str,
    host: tuple[int, int] | None = None,
    host_marker: str = "",
) -> str:
    """`text` with every form denoting an address in `own` replaced by `marker` (overlapping
    forms as one, with the brackets around it); inside the `host` span (a URL's authority, where
    brackets cannot stand) by `host_marker`."""
    spans = sorted((s, e) for s, e, values in forms if not own.isdisjoint(values))
    if not spans:
        return text
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, at = [], 0
    for start, end in merged:
        if start > at and text[start - 1] == "[" and text[end : end + 1] == "]":
            start, end = start - 1, end + 1
        in_host = host is not None and start < host[1] and end > host[0]
        if (
            in_host
            and host is not None
            and start <= host[0]
            and text[end : host[1]][:1] in ("", ":")
        ):
            continue  # the whole host is the address: the URL scrubber makes any such host [ip]
        replacement = host_marker if in_host else marker
        out.append(text[at:start])
        out.append(replacement)
        at = end
    out.append(text[at:])
    return "".join(out)
