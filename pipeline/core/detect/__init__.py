"""Detectors of personal data in normalized text (see `normalize.normalize_text`).

Kinds and markers: e-mail addresses `[email]` (also obfuscated: `name (at) example (dot) jp`);
IPv4/IPv6 addresses `[ip]`; phone numbers `[phone]` (Japanese and international forms);
payment card numbers `[card]` (13-19 digits, Luhn-valid, grouped or not); identifiers `[id]`
(My Numbers, runs of 7+ digits except dates of this era and prices, UUIDs, MAC addresses);
secrets `[token]` (JWTs, base64 blobs, random letter-digit runs of 16+ characters); and
coordinates `[geo]` (latitude/longitude pairs with 3+ fractional digits, `lat=`/`lng=` values).
A UUID is an `[id]`: it names a thing or a person, it does not prove who one is.

With `versions=True` (user agents), `Name/1.2.3.4` and `Name/20100101` are versions.
Each detector runs only when a cheap test says it could match.
"""

from __future__ import annotations

import re

from pipeline.core.detect.email import find_emails
from pipeline.core.detect.ip import find_ips
from pipeline.core.detect.keys import find_keyed
from pipeline.core.detect.kinds import MARKERS, Finding, Kind
from pipeline.core.detect.latin_names import could_have_latin_name, find_latin_names
from pipeline.core.detect.names import could_have_name, find_names
from pipeline.core.detect.numbers import find_numbers
from pipeline.core.detect.places import could_have_place, find_places
from pipeline.core.detect.tokens import find_tokens

__all__ = ["MARKERS", "Finding", "Kind", "find", "redact"]

_SEVEN_DIGITS = re.compile(r"(?:\D*\d){7}")  # with .match: linear, \D and \d are disjoint
_TOKEN_HINT = re.compile(r"[A-Za-z0-9_+/-]{16}")
_OBFUSCATION_JA = ("★", "☆", "アット", "あっと")


def _could_have_email(text: str, lowered: str) -> bool:
    if "@" in text or "at" in lowered:
        return True
    return not text.isascii() and any(word in text for word in _OBFUSCATION_JA)


def _merged(findings: list[Finding]) -> list[Finding]:
    """Overlapping findings joined into one span, of the kind of the longest among them."""
    findings.sort(key=lambda f: (f.start, -f.end))
    out: list[Finding] = []
    longest = 0
    for finding in findings:
        if out and finding.start < out[-1].end:
            last = out[-1]
            kind = last.kind
            if finding.end - finding.start > longest:
                kind, longest = finding.kind, finding.end - finding.start
            out[-1] = Finding(kind, last.start, max(last.end, finding.end))
        else:
            out.append(finding)
            longest = finding.end - finding.start
    return out


def find(text: str, *, versions: bool = False) -> list[Finding]:
    """Findings in already-normalized `text`: sorted, non-overlapping."""
    findings: list[Finding] = []
    lowered = text.lower()
    if _could_have_email(text, lowered):
        findings += find_emails(text)
    if text.count(":") >= 2 or text.count(".") >= 3 or text.count("-") >= 4 or "0x" in lowered:
        findings += find_ips(text, versions=versions)
    seven = _SEVEN_DIGITS.match(text) is not None
    if (seven and ("ip" in lowered or "post" in lowered)) or (
        not text.isascii() and could_have_place(text)
    ):
        findings += find_places(text)
    if not text.isascii() and could_have_name(text):
        findings += find_names(text)
    if could_have_latin_name(text, lowered):
        findings += find_latin_names(text)
    if (
        seven
        or "lat" in lowered
        or "lng" in lowered
        or "lon" in lowered
        or "°" in text
        or "度" in text
    ):
        findings += find_numbers(text, versions=versions)
    if "id" in lowered:
        findings += find_keyed(text, lowered)
    if len(text) >= 16 and _TOKEN_HINT.search(text):
        findings += find_tokens(text)
    if len(findings) > 1:
        findings = _merged(findings)
    return findings


def redact(text: str, *, versions: bool = False) -> str:
    """`text` (normalized) with each finding replaced by its marker."""
    findings = find(text, versions=versions)
    if not findings:
        return text
    out: list[str] = []
    end = 0
    for finding in findings:
        out.append(text[end : finding.start])
        out.append(MARKERS[finding.kind])
        end = finding.end
    out.append(text[end:])
    return "".join(out)
