"""Secrets and random identifiers: JWTs, UUIDs, base64 blobs, random letter-digit runs."""

from __future__ import annotations

import re

from pipeline.core.detect.kinds import Finding, Kind

_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?")
_UUID = re.compile(
    r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
    r"(?![0-9A-Fa-f])"
)
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/]{16,}={0,2}(?![A-Za-z0-9+/=_-])")
_RUN = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{16,}")
_SEGMENT = re.compile(r"[A-Za-z0-9]{16,}")
_HEX = re.compile(r"[0-9A-Fa-f]+")
_PLAIN_PART = re.compile(r"[A-Za-z]?[a-z]*|\d{1,6}")
_CAMEL = re.compile(r"[a-z][A-Z]")
_DIGITS = re.compile(r"\d+")
# A product or model name glued together (`iPhone15ProMax256GB`): words of 2+ letters and
# at most three numbers. Random runs have many short letter and digit clusters.
_WORDY = re.compile(
    r"[A-Za-z]?(?:[A-Za-z]{2,}\d+){0,3}(?:[A-Za-z]{2,}\d*)?|\d+(?:[A-Za-z]{2,}\d*){1,3}"
)


_LETTERS = re.compile(r"[A-Za-z]+")
_WORD_CLUSTER = re.compile(r"[A-Za-z]|[a-z]?(?:[A-Z][a-z]+|[A-Z]{2,}(?![a-z])|[a-z]{2,})+")


def _random(segment: str) -> bool:
    """Whether a letter-and-digit `segment` (16+ characters) looks random."""
    has_digit = any(c.isdigit() for c in segment)
    if not has_digit or segment.isdigit():
        return False  # a word, or a number (the number detectors' business)
    if _HEX.fullmatch(segment) or len(_CAMEL.findall(segment)) >= 4:
        return True
    if not _WORDY.fullmatch(segment):
        return True
    # Wordy in shape; random runs still give themselves away inside their letter clusters
    # (`FAcZJ`, `LJcz`): a model name's clusters are words (`iPhone`, `ProMax`, `GB`, `RTX`).
    return not all(_WORD_CLUSTER.fullmatch(c) for c in _LETTERS.findall(segment))


def _base64(blob: str) -> tuple[int, int] | None:
    """The span of an encoded value in a run of base64 characters (not a path or words)."""
    body = blob.rstrip("=")
    if len(body) < 16 or not any(c.isdigit() for c in body):
        return None
    if not (any(c.islower() for c in body) and any(c.isupper() for c in body)):
        return None
    parts = body.split("/")
    if not (blob.endswith("=") or "+" in body or any(_random(p) for p in parts if len(p) >= 16)):
        return None
    # Path-like words around it (`/auth/...`, `.../done`) are not part of the value.
    first, last = 0, len(parts)
    while first < last and _PLAIN_PART.fullmatch(parts[first]):
        first += 1
    while last > first + 1 and _PLAIN_PART.fullmatch(parts[last - 1]) and "=" not in blob:
        last -= 1
    if first == last:
        return None
    start = sum(len(p) + 1 for p in parts[:first])
    end = len(blob) if last == len(parts) else sum(len(p) + 1 for p in parts[:last]) - 1
    return (start, end) if end - start >= 16 else None


def find_tokens(text: str) -> list[Finding]:
    """Tokens in normalized `text`: [token] for secrets, [id] for UUIDs."""
    found: list[Finding] = []
    if "eyJ" in text:
        found += [Finding(Kind.TOKEN, m.start(), m.end()) for m in _JWT.finditer(text)]
    if text.count("-") >= 4:
        found += [Finding(Kind.ID, m.start(), m.end()) for m in _UUID.finditer(text)]
    if "+" in text or "/" in text or "=" in text:
        for match in _BASE64.finditer(text):
            span = _base64(match.group())
            if span is not None:
                found.append(Finding(Kind.TOKEN, match.start() + span[0], match.start() + span[1]))
    for match in _RUN.finditer(text):
        run = match.group()
        if len(run) >= 32 and len(_DIGITS.findall(run)) >= 3 and any(c.isalpha() for c in run):
            found.append(Finding(Kind.TOKEN, match.start(), match.end()))
            continue
        for segment in _SEGMENT.finditer(run):
            if _random(segment.group()):
                start = match.start() + segment.start()
                found.append(Finding(Kind.TOKEN, start, start + len(segment.group())))
    return found
