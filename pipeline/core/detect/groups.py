"""Long numbers written in groups: `1234 5678 9012`, `12-3456-7890`, `4111.1111.1111.1111`.

Digit groups (2 or more digits each) joined by a space, a dash of any kind, a dot, `_`, `/` or
`・` make one number; 10 or more digits together are an identifier whether or not a check digit
validates: `[card]` when Luhn-valid with 13-19 digits, else `[id]` (a phone number found by the
phone detector keeps its kind). Not identifiers: dates (`2025-11-24`, `2025 11 24`,
`24.11.2025`, `11/24/2025`, `2025-11`), lists of years, prices (`¥1 280 000`, `1 280 000円`),
decimals (`1,299.00`), and versions: `Chrome/120.10.6099.230` in a user agent, and after a
version word anywhere (`Version 120.10.6099.230`, `v12.34.5678`) when every group has at most 4
digits and it is no valid card number. Elsewhere `Name/10.00.000000` or `card/4111.1111.1111.1111`
is an identifier: outside a user agent it reads the same way as a version.
"""

from __future__ import annotations

import re

from pipeline.core.detect.kinds import Finding, Kind

_SEP = r"(?:[ \t]{0,2}[-.\u2010-\u2015\u2212\u30fc_/・][ \t]{0,2}|[ \t]{1,2})"
_GROUPS = re.compile(rf"\d{{2,19}}(?:{_SEP}\d{{2,19}}){{1,11}}(?!\d)")
# In a user agent dots, slashes and underscores are version syntax (`Build/TP1A.220624.014`,
# `OS 17_1_2`): only spaces and dashes join groups there, and a cheap scan says when to look.
_DASHES = "\\-\u2010-\u2015\u2212\u30fc"
_UA_HINT = re.compile(f"[0-9][ {_DASHES}]{{1,3}}[0-9]")
_UA_GROUPS = re.compile(
    rf"\d{{2,19}}(?:[ \t]{{0,2}}[{_DASHES}]?[ \t]{{0,2}}\d{{2,19}}){{1,11}}(?!\d)"
)
_DIGITS = re.compile(r"\d+")
_VERSION_WORD = re.compile(r"(?i)(?:\bv|\bver|version|build|(?P<slash>[A-Za-z]/))[. ]?\Z")
_CURRENCY = "¥$€£￥"


def _luhn(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _year(group: str) -> bool:
    return len(group) == 4 and 1900 <= int(group) <= 2099


def _day(month: str, day: str) -> bool:
    return len(month) <= 2 and len(day) <= 2 and 1 <= int(month) <= 12 and 1 <= int(day) <= 31


def _date_at(groups: list[str], i: int) -> int:
    """How many groups from `i` make a date (0: none)."""
    g = groups[i : i + 3]
    if len(g) == 3:
        if _year(g[0]) and _day(g[1], g[2]):
            return 3  # 2025-11-24
        if _year(g[2]) and (_day(g[1], g[0]) or _day(g[0], g[1])):
            return 3  # 24.11.2025, 11/24/2025
    if len(g) >= 2 and _year(g[0]) and len(g[1]) <= 2 and 1 <= int(g[1]) <= 12:
        return 2  # 2025-11
    return 0


def _packed_ipv4(groups: list[str]) -> bool:
    """Whether dotted `groups` read as an IPv4 address as inet_aton reads it (`a.b.c`, `a.b`)."""
    values = [int(g) for g in groups]
    if len(values) == 3:
        return values[0] <= 255 and values[1] <= 255 and values[2] <= 0xFFFF
    return len(values) == 2 and values[0] <= 255 and values[1] <= 0xFFFFFF


def _segments(groups: list[str]) -> list[tuple[int, int]]:
    """Runs of groups (index ranges) that are not dates."""
    out: list[tuple[int, int]] = []
    start = i = 0
    while i < len(groups):
        taken = _date_at(groups, i)
        if taken:
            if i > start:
                out.append((start, i))
            i += taken
            start = i
        else:
            i += 1
    if start < len(groups):
        out.append((start, len(groups)))
    return out


def _price(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 2) : start].strip()
    after = text[end : end + 4].lstrip()
    return (before[-1:] in _CURRENCY and before != "") or after.startswith(("円", "yen", "JPY"))


def _version(text: str, start: int, groups: list[str], versions: bool) -> bool:
    """Whether dotted `groups` at `start` are a version: after `Name/` in a user agent, or after
    a version word with groups of at most 4 digits."""
    word = _VERSION_WORD.search(text, max(0, start - 8), start)
    if word is None:
        return False
    return versions or (word.group("slash") is None and all(len(g) <= 4 for g in groups))


def find_grouped(text: str, *, versions: bool = False) -> list[Finding]:
    """Numbers of 10 or more digits written in groups in normalized `text`."""
    found: list[Finding] = []
    if versions and not _UA_HINT.search(text):
        return found
    for match in (_UA_GROUPS if versions else _GROUPS).finditer(text):
        at = match.start()
        if at and (
            text[at - 1].isdigit() or (at > 1 and text[at - 1] in ".," and text[at - 2].isdigit())
        ):
            continue  # inside a longer number, or a decimal (`1,299.00`)
        spans = [(m.start() + match.start(), m.end() + match.start()) for m in
                 _DIGITS.finditer(match.group())]  # fmt: skip
        groups = [text[a:b] for a, b in spans]
        for first, last in _segments(groups):
            digits = "".join(groups[first:last])
            if len(digits) < 10 or all(_year(g) for g in groups[first:last]):
                continue
            start, end = spans[first][0], spans[last - 1][1]
            if _price(text, start, end):
                continue
            dotted = all(text[spans[k][1] : spans[k + 1][0]] == "." for k in range(first, last - 1))
            kind = Kind.CARD if 13 <= len(digits) <= 19 and _luhn(digits) else Kind.ID
            if dotted and kind is Kind.ID and _version(text, start, groups[first:last], versions):
                continue  # a version (`Chrome/120.10.6099.230`, `v12.34.5678`)
            if dotted and _packed_ipv4(groups[first:last]):
                kind = Kind.IP  # `198.51.25607`: an IPv4 address with its last parts packed
            found.append(Finding(kind, start, end))
    return found
