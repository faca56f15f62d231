"""Keyed pseudonyms: keyed BLAKE2b-128 (a PRF, like HMAC) under purpose sub-keys of a day key,
scoped per site and day.

Never a plain hash and never mmh3: without the key, an IPv4 pseudonym could be reversed by
hashing all 2^32 addresses. The key is the day's random secret (`day_keys`): once it is
destroyed, nobody, the operator included, can recompute or reverse that day's pseudonyms.
"""

from __future__ import annotations

import binascii
import hashlib
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from pipeline.core.client_ip import IP
from pipeline.core.day_keys import DayKeys
from pipeline.core.keys import Key, Purpose

DAY_MS = 86_400_000
_MAX_DAY = (1 << 32) - 1


def day_of(epoch_ms: int) -> int | None:
    """The UTC day number of an epoch-ms time, or None when it cannot be one."""
    day = epoch_ms // DAY_MS
    return day if 0 <= day <= _MAX_DAY else None


_URLSAFE = bytes.maketrans(b"+/", b"-_")


def _text(digest: bytes) -> str:
    return binascii.b2a_base64(digest, newline=False)[:22].translate(_URLSAFE).decode("ascii")


@lru_cache(maxsize=1 << 16)
def _address(ip: IP) -> bytes:
    return bytes((ip.version,)) + ip.packed


_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}


def _uuid4_text(digest: bytes) -> str:
    """16 bytes laid out as a version-4 (random) UUID: version and variant bits set (the high
    nibble of byte 6 is 4, the top bits of byte 8 are 10)."""
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


@lru_cache(maxsize=4096)
def _site_prefix(site_id: str) -> bytes:
    """A site id as it starts a session or event pseudonym's input: length, then the bytes."""
    site = site_id.encode()
    return len(site).to_bytes(2, "big") + site


class Pseudonymizer:
    """Visitor, session and event pseudonyms under one key."""

    def __init__(self, key: Key) -> None:
        self.key_id = key.key_id
        self._visitor = hashlib.blake2b(key=key.derive(Purpose.VISITOR), digest_size=16)
        self._session = hashlib.blake2b(key=key.derive(Purpose.SESSION), digest_size=16)
        self._event = hashlib.blake2b(key=key.derive(Purpose.EVENT), digest_size=16)

    def visitor(self, ip: IP, site_id: str, day: int) -> str:
        """Same IP, site and day -> same value; any of them different -> unlinkable."""
        h = self._visitor.copy()
        h.update(_address(ip) + day.to_bytes(4, "big") + site_id.encode())
        return _text(h.digest())

    def session(self, session_id: str, site_id: str, day: int) -> str:
        h = self._session.copy()
        h.update(
            _site_prefix(site_id)
            + day.to_bytes(4, "big")
            + session_id.encode("utf-8", "surrogatepass")
        )
        return _text(h.digest())

    def event(self, event_id: str, site_id: str, day: int) -> str:
        """The collector's event id as a keyed UUID (version-4 layout): same id, site and day ->
        same UUID (replays and de-duplication work); no bit of the raw id (a version-1 UUID
        carries a MAC address and a timestamp) passes. The id is compared case-insensitively."""
        h = self._event.copy()
        h.update(
            _site_prefix(site_id)
            + day.to_bytes(4, "big")
            + event_id.lower().encode("utf-8", "surrogatepass")
        )
        return _uuid4_text(h.digest())


def output_event_id(days: DayKeys, raw: Mapping[str, Any]) -> str | None:
    """The `event_id` the record of a raw event (a decoded JSON object) gets under `days`, or
    None when the event cannot have one: for tools that pair raw events with anonymized records."""
    event_id, site_id, event_time = raw.get("event_id"), raw.get("site_id"), raw.get("event_time")
    if not (isinstance(event_id, str) and isinstance(site_id, str)):
        return None
    if type(event_time) is not int or (day := day_of(event_time)) is None:
        return None
    key = days.key(day)
    return None if key is None else Pseudonymizer(key).event(event_id, site_id, day)
