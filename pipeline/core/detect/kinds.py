"""What a detector reports: the kind of personal data and where it is."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """What a finding is; its marker is `[<value>]`."""

    EMAIL = "email"
    IP = "ip"
    PHONE = "phone"
    CARD = "card"
    ID = "id"
    TOKEN = "token"
    GEO = "geo"
    NAME = "name"


MARKERS: dict[Kind, str] = {kind: f"[{kind.value}]" for kind in Kind}


@dataclass(frozen=True, slots=True)
class Finding:
    """A span `text[start:end]` of personal data of one kind."""

    kind: Kind
    start: int
    end: int
