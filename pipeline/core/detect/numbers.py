"""Numbers that identify people: phone numbers, payment cards, My Numbers, long digit runs."""

from __future__ import annotations

import re

from pipeline.core.detect.groups import find_grouped
from pipeline.core.detect.kinds import Finding, Kind

# Separators people put between digit groups (after NFKC): dashes of all kinds, the katakana
# prolonged sound mark used as one, dots and spaces.
_SEP = r"[ \-.\u2010-\u2015\u2212\u30fc]"
_JP_PHONE = re.compile(
    rf"(?<!\d)(?:\(0\d{{1,4}}\)\s?\d{{1,4}}{_SEP}?\d{{3,4}}|0\d{{1,4}}\(\d{{1,4}}\)\d{{3,4}}"
    rf"|0\d{{1,4}}{_SEP}\d{{1,4}}{_SEP}\d{{3,4}}|0\d{{9,10}})(?!\d)"
)
_INTL_PHONE = re.compile(
    rf"(?<![0-9A-Za-z+])(?:\+|00)\d{{1,3}}(?:{_SEP}{{0,2}}(?:\(0?\d{{0,4}}\)|\d{{1,5}})){{1,6}}(?![\d])"
)
_US_PHONE = re.compile(r"(?<![\d\-])(?:\(\d{3}\)\s?|\d{3}-)\d{3}-\d{4}(?![\d\-])")
_RUN = re.compile(r"\d{7,}")
_DEGREES = r"[+-]?\d{1,3}\.\d{3,}"
_PAIR = re.compile(
    rf"(?<![\d.])(?P<lat>[+-]?\d{{1,2}}\.\d{{3,}})(?P<sep>\s*[,;/]\s*|\s+)"
    rf"(?P<lon>{_DEGREES})(?![\d.]\d)"
)
_FRACTION = re.compile(r"\.\d{3}")
_LABEL_HINTS = ("lat", "lng", "lon", "LAT", "LNG", "LON", "Lat", "Lng", "Lon", "緯", "経")
_LABELLED = re.compile(
    r"(?i)(?:\b(?P<key>lat|latitude|lng|lon|long|longitude)\s*[=:]\s*|(?P<ja>北緯|南緯|東経|西経)\s*)"
    r"(?P<value>[+-]?\d{1,3}\.\d{2,})"
    r"(?![\d.]\d)"
)
# A decimal degree with its hemisphere letter (`N35.6812`, `139.7671E`).
_HEMISPHERE = re.compile(
    r"(?<![A-Za-z\d.])(?:[NSEW]\s?\d{1,3}\.\d{3,}|\d{1,3}\.\d{3,}\s?[NSEW])(?![A-Za-z\d])"
)
# Degrees, minutes and seconds (`35°40'52.3"N`, `35度40分52秒`), or degrees and minutes with a
# hemisphere letter: about 30 m to 2 km, far below the prefecture.
_DMS = re.compile(
    r"(?<![\d.])\d{1,3}\s?[°度]\s?\d{1,2}(?:\.\d+)?\s?['′分]"
    r"(?:\s?\d{1,2}(?:\.\d+)?\s?(?:\"|″|′′|''|秒)(?:\s?[NSEW])?|\s?[NSEW])"
)
_MY_NUMBER_WEIGHTS = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_CURRENCY = "¥$€£"
_APP_VERSION_CODES = ("musical_ly_", "trill_")


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdecimal())


def luhn(digits: str) -> bool:
    """Whether `digits` passes the Luhn check of payment card numbers."""
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def my_number(digits: str) -> bool:
    """Whether `digits` is a My Number (12 digits, the last a valid check digit)."""
    if len(digits) != 12:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:11], _MY_NUMBER_WEIGHTS, strict=True)) % 11
    return int(digits[11]) == (0 if total <= 1 else 11 - total)


def _phones(text: str) -> list[Finding]:
    found = []
    for match in _JP_PHONE.finditer(text):
        if len(_digits(match.group())) in (10, 11):
            found.append(Finding(Kind.PHONE, match.start(), match.end()))
    if "+" in text or "00" in text:
        for match in _INTL_PHONE.finditer(text):
            if 8 <= len(_digits(match.group())) <= 17:
                found.append(Finding(Kind.PHONE, match.start(), match.end()))
    if "-" in text:
        found += [Finding(Kind.PHONE, m.start(), m.end()) for m in _US_PHONE.finditer(text)]
    return found


def _build_number(text: str, start: int, end: int) -> bool:
    """In a user agent: `Name/20100101`, `GSA/300.0.598629149`, `(...; 541635890)` (Instagram)."""
    head = start
    while head > 0 and (text[head - 1] == "." or text[head - 1].isdigit()):
        head -= 1
    if head >= 2 and text[head - 1] == "/" and text[head - 2].isalpha():
        return True
    return text[start - 2 : start] == "; " and text.startswith(")", end)


def _runs(text: str, versions: bool) -> list[Finding]:
    """Runs of 7 or more digits: member, order and account numbers (a card if Luhn-valid).

    A compact date (`20251124`) is one too: it cannot be told from a member number or a
    birth date. Dates with separators (`2025-11-24`, `2025年11月24日`) are kept.
    """
    found = []
    for match in _RUN.finditer(text):
        run, start = match.group(), match.start()
        before = text[start - 1] if start else " "
        if before in _CURRENCY or text.startswith("円", match.end()):
            continue  # a price
        if versions and len(run) < 10 and _build_number(text, start, match.end()):
            continue  # `Gecko/20100101`, `FBBV/657843295`: a build number
        if versions and len(run) == 10 and text.endswith(_APP_VERSION_CODES, 0, start):
            continue  # TikTok's version code (`trill_2023208030`): a year and a version
        kind = Kind.CARD if 13 <= len(run) <= 19 and luhn(run) else Kind.ID
        found.append(Finding(kind, start, match.end()))
    return found


def _coordinates(text: str, labelled: bool) -> list[Finding]:
    """Latitude/longitude pairs (`34.702485,135.495951`) and labelled values (`lat=34.70`)."""
    found = []
    for match in _PAIR.finditer(text):
        lat, sep, lon = match.group("lat", "sep", "lon")
        fraction = min(len(lat.partition(".")[2]), len(lon.partition(".")[2]))
        if not sep.strip() and fraction < 4:
            continue  # space-separated: only with 4 or more fractional digits each
        if abs(float(lat)) <= 90 and abs(float(lon)) <= 180:
            found.append(Finding(Kind.GEO, match.start(), match.end()))
    found += [Finding(Kind.GEO, m.start(), m.end()) for m in _HEMISPHERE.finditer(text)]
    if "°" in text or "度" in text:
        found += [Finding(Kind.GEO, m.start(), m.end()) for m in _DMS.finditer(text)]
    if labelled:
        for match in _LABELLED.finditer(text):
            key = match.group("key") or match.group("ja")
            limit = 90 if key.lower().startswith("lat") or key.endswith("緯") else 180
            if abs(float(match.group("value"))) <= limit:
                found.append(Finding(Kind.GEO, match.start("value"), match.end("value")))
    return found


def find_numbers(text: str, *, versions: bool = False) -> list[Finding]:
    """Phone numbers, card numbers, My Numbers and long digit runs in normalized `text`."""
    found = _phones(text)
    labelled = any(hint in text for hint in _LABEL_HINTS)
    if labelled or _FRACTION.search(text) or "°" in text or "度" in text:
        found += _coordinates(text, labelled)  # before the groups: a tie keeps the first kind
    return [*found, *find_grouped(text, versions=versions), *_runs(text, versions)]
