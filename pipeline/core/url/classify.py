"""Parts of a URL (a path segment, a query value, a host name) classified: identifiers out.

Each part is already decoded and normalized (`parts.decode`). The detectors of free text
(`detect.find`) run on it, and so do shape rules that only make sense inside a URL, where a part
is a unit of its own: a run of 7+ digits is an identifier, a short mixed run of letters and digits
that switches class often is a token, base64 with `+`, `/` or padding is a token, an address in a
WHATWG form (`0xc0000201`, `0300.0000.0002.0001`) is an address, a lone decimal with 4+ fraction
digits is a coordinate. Ordinary page paths (`products/326`, `blog/2025/11/24/winter-sale`,
`item/SKU-4821`, Japanese slugs) have none of these shapes and come out as they went in.
"""

from __future__ import annotations

import re
from functools import lru_cache
from ipaddress import IPv6Address
from itertools import pairwise

from pipeline.core.detect import MARKERS, Kind, find
from pipeline.core.url.host import ipv4
from pipeline.core.url.people import names_a_person

_ID, _TOKEN, _IP = MARKERS[Kind.ID], MARKERS[Kind.TOKEN], MARKERS[Kind.IP]
_MARKER_VALUES = frozenset(MARKERS.values())
_PHONE, _CARD, _GEO, _EMAIL = (
    MARKERS[Kind.PHONE],
    MARKERS[Kind.CARD],
    MARKERS[Kind.GEO],
    MARKERS[Kind.EMAIL],
)

# Shape rules: (pattern, marker or None when `_judge` decides). Runs are bounded so that a rule
# never cuts a word in two.
_DIGITS = re.compile(r"(?<![0-9])[0-9]{7,}(?![0-9])")
_UUID = re.compile(
    r"(?<![0-9A-Za-z])[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
    r"[0-9a-fA-F]{12}(?![0-9A-Za-z])"
)
_NUMBERISH = re.compile(r"(?<![0-9A-Za-z])\+?[0-9][0-9 ().\-]{5,}[0-9](?![0-9A-Za-z])")
_DATE = re.compile(r"[0-9]{4}[-./ ][0-9]{1,2}[-./ ][0-9]{1,2}")
_GEO_PAIR = re.compile(r"-?[0-9]{1,3}\.[0-9]{3,}\s*,\s*-?[0-9]{1,3}\.[0-9]{3,}")
_GEO_ONE = re.compile(r"(?<![0-9.])-?[0-9]{1,3}\.[0-9]{4,}(?![0-9.])")
_ADDRESS = re.compile(
    r"(?<![0-9A-Za-z.])(?:0[xX][0-9A-Fa-f]+|[0-9]+)(?:\.(?:0[xX][0-9A-Fa-f]*|[0-9]+)){0,3}\.?"
    r"(?![0-9A-Za-z.])"
)
_V6 = re.compile(
    r"(?<![0-9A-Za-z:.])[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:%[0-9A-Za-z_-]+)?"
)
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{12,}={0,2}(?![A-Za-z0-9+/=])")
_B64_PIECE = re.compile(r"[A-Za-z0-9+]+={0,2}")
_RUN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{8,}(?![A-Za-z0-9])")


_VOWELS = frozenset("aeiouyAEIOUY")
_CONSONANTS = re.compile(r"[^aeiouyAEIOUY0-9]+")


def _class(c: str) -> int:
    return 0 if c.isdigit() else 1 if c.islower() else 2


def is_token(run: str) -> bool:
    """A run of 8+ ASCII letters and digits that reads as random rather than as a word or a code.

    Measured on random strings (2,000 each): base62 of 8/10/16 characters 73/88/99%, base36
    71/83/95%, letters only 50/71/96%; any run of 20+ with a digit, or hex of 12+, always.
    Product codes that look random (`B0CHX3QBCH`) are taken for tokens: failing closed.
    """
    n = len(run)
    digits = sum(c.isdigit() for c in run)
    if digits == n or len(set(run)) < min(6, n // 2):
        return False  # numbers (the digit rules decide), repeated characters
    if digits and (n >= 20 or (n >= 12 and all(c in "0123456789abcdef" for c in run.lower()))):
        return True
    humps = sum(a.islower() and b.isupper() for a, b in pairwise(run))
    vowels = sum(c in _VOWELS for c in run)
    if digits:
        letters = n - digits
        chunks = 1 + sum(a.isdigit() != b.isdigit() for a, b in pairwise(run))
        switches = sum(_class(a) != _class(b) for a, b in pairwise(run))
        return (
            chunks >= 4
            or humps >= 2
            or (switches >= 5 and switches >= 0.5 * (n - 1))
            or (letters >= 6 and vowels <= 0.15 * letters)
        )
    cluster = max((len(m) for m in _CONSONANTS.findall(run)), default=0)
    return (
        humps >= 3
        or (cluster >= 6 and vowels < 0.3 * n)
        or (humps >= 2 and vowels < 0.25 * n)
        or (cluster >= 5 and vowels < 0.2 * n)
    )


def _luhn(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _numberish(match: re.Match[str]) -> str | None:
    """Digits in groups: 10+ a phone or (Luhn) card, 7-9 an identifier; dates and dotted
    numbers (versions, decimals, addresses) are left to their own rules."""
    text = match.group()
    digits = re.sub(r"[^0-9]", "", text)
    if len(digits) < 7 or _DATE.fullmatch(text) or not re.search(r"[ ()\-]", text):
        return None
    if len(digits) < 10:
        return _ID
    if 13 <= len(digits) <= 19 and _luhn(digits):
        return _CARD
    return _PHONE


def _address(match: re.Match[str]) -> str | None:
    text = match.group().lower()
    parts = text.rstrip(".").split(".")
    hexed = any(p.startswith("0x") for p in parts)
    if len(parts) == 1 and not (hexed and len(parts[0]) >= 8):
        return None  # a number; 7+ digits are identifiers anyway
    packed = len(parts) in (2, 3) and parts[-1].isdigit() and int(parts[-1]) > 255
    if len(parts) in (2, 3) and not (
        hexed or packed or any(len(p) > 1 and p[0] == "0" for p in parts)
    ):
        return None  # versions, decimals (`192.0.513` packs octets: an address)
    try:
        return _IP if ipv4(text) is not None else None
    except ValueError:
        return None  # ends in a number but is no address: a date, a version


def _v6(match: re.Match[str]) -> str | None:
    text = match.group().partition("%")[0]
    for candidate in (text, text.rstrip(".:")):
        try:
            IPv6Address(candidate)
        except ValueError:
            continue
        return _IP
    return None


def _base64(match: re.Match[str]) -> str | None:
    """Base64 (`+`, `/`, padding): a token when padded, or when it reads as random."""
    run = match.group()
    core = run.rstrip("=")
    if not ("+" in core or "/" in core or run != core):
        return None  # plain runs: `_RUN` decides
    classes = (
        any(c.isdigit() for c in core)
        + any(c.islower() for c in core)
        + any(c.isupper() for c in core)
    )
    if run != core and classes >= 2:
        return _TOKEN
    pieces = re.split(r"[+/]", core)
    if any(len(p) >= 8 and is_token(p) for p in pieces):
        return _TOKEN
    caps = sum(b.isupper() and (a.islower() or a.isdigit()) for a, b in pairwise(core))
    return _TOKEN if classes == 3 and caps >= 2 else None


def _b64_piece(segment: str) -> bool:
    """A segment that could be a piece of base64 split by `/` (not a plain word or number)."""
    if not _B64_PIECE.fullmatch(segment):
        return False
    plain = segment.isalpha() and (segment.islower() or segment.istitle())
    return not plain and not (segment.isdigit() and len(segment) < 7)


def scrub_segments(segments: tuple[str, ...]) -> list[str]:
    """Path segments (path parameters already cut) scrubbed; base64 split by `/` across
    segments becomes one `[token]` segment."""
    out: list[str] = []
    i = 0
    while i < len(segments):
        if names_a_person(segments, i):  # a more telling marker (`[email]`) wins over `[id]`
            part = scrub_part(segments[i])
            out.append(part if part in _MARKER_VALUES else _ID)
            i += 1
            continue
        j = i
        while j < len(segments) and _b64_piece(segments[j]):
            j += 1
        if j - i >= 2:
            match = _BASE64.fullmatch("/".join(segments[i:j]))
            if match is not None and _base64(match) is not None:
                out.append(_TOKEN)
                i = j
                continue
        k = i
        while k < len(segments) and segments[k].isascii() and segments[k].isdigit():
            k += 1
        if k - i >= 2 and sum(map(len, segments[i:k])) >= 10:  # `/090/1234/5678`
            match = _NUMBERISH.fullmatch("-".join(segments[i:k]))
            out.append((_numberish(match) if match else None) or _ID)
            i = k
            continue
        j = max(j, i + 1)
        out.extend(scrub_part(s) for s in segments[i:j])
        i = j
    return out


_RULES: tuple[tuple[re.Pattern[str], object], ...] = (
    (_UUID, _ID),
    (_GEO_PAIR, _GEO),
    (_GEO_ONE, _GEO),
    (_ADDRESS, _address),
    (_V6, _v6),
    (_NUMBERISH, _numberish),
    (_DIGITS, _ID),
    (_BASE64, _base64),
    (_RUN, lambda m: _TOKEN if is_token(m.group()) else None),
)


def spans(text: str) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, marker) of what must go, sorted."""
    found = [(f.start, f.end, MARKERS[f.kind]) for f in find(text)]
    for pattern, rule in _RULES:
        for match in pattern.finditer(text):
            marker = rule if isinstance(rule, str) else rule(match)  # type: ignore[operator]
            if marker is not None:
                found.append((match.start(), match.end(), marker))
    if not found:
        return found
    found.sort(key=lambda s: (s[0], -s[1]))
    merged = [found[0]]
    for start, end, marker in found[1:]:
        last = merged[-1]
        if start < last[1]:
            if end > last[1]:
                merged[-1] = (last[0], end, last[2])
        else:
            merged.append((start, end, marker))
    return merged


@lru_cache(maxsize=16384)
def scrub_part(text: str) -> str:
    """`text` (one decoded URL part) with every identifier replaced by its marker."""
    if not text or (text.isascii() and text.isalpha() and len(text) < 32):
        return text
    cut = spans(text)
    if not cut:
        return text
    out: list[str] = []
    end = 0
    for start, stop, marker in cut:
        out.append(text[end:start])
        out.append(marker)
        end = stop
    out.append(text[end:])
    return "".join(out)
