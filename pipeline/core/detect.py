"""Detectors of personal data in normalized text (stub: finds nothing yet)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """What a finding is."""

    EMAIL = "email"
    IP = "ip"
    PHONE = "phone"
    CARD = "card"
    ID = "id"
    TOKEN = "token"
    GEO = "geo"


MARKERS: dict[Kind, str] = {kind: f"[{kind.value}]" for kind in Kind}


@dataclass(frozen=True, slots=True)
class Finding:
    """A span `text[start:end]` of personal data of one kind."""

    kind: Kind
    start: int
    end: int


def find(text: str, *, versions: bool = False) -> list[Finding]:
    """Findings in already-normalized `text`: sorted, non-overlapping."""
    return []


def redact(text: str, *, versions: bool = False) -> str:
    """`text` with each finding replaced by its marker."""
    findings = find(text, versions=versions)
    if not findings:
        return text
    out: list[str] = []
    end = 0
    for f in findings:
        out.append(text[end : f.start])
        out.append(MARKERS[f.kind])
        end = f.end
    out.append(text[end:])
    return "".join(out)
