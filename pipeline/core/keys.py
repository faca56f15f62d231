"""The key ring: secret keys from configuration, and the purpose sub-keys derived from them.

`ANONYMIZER_KEYS="2026q4:<base64 of >= 32 random bytes>,2026q3:<...>"`: the first key is active;
older ones stay so that dead letters sealed under them can still be opened. Each purpose gets its
own sub-key through HKDF-SHA256, so one secret configures everything and no two purposes share a key.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from enum import StrEnum

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from pipeline.errors import ConfigError

MIN_KEY_BYTES = 32
_KEY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")


class Purpose(StrEnum):
    """What a derived sub-key is for; the value is the HKDF info label."""

    VISITOR = "event-anonymizer/v1/visitor-pseudonym"
    SESSION = "event-anonymizer/v1/session-pseudonym"
    EVENT = "event-anonymizer/v1/event-pseudonym"
    SEAL = "event-anonymizer/v1/dead-letter-seal"
    SEAL_NONCE = "event-anonymizer/v1/dead-letter-nonce"
    WRAP = "event-anonymizer/v1/day-secret-wrap"


@dataclass(frozen=True, slots=True)
class Key:
    """One secret key; `repr` and `str` never show the secret."""

    key_id: str
    secret: bytes = field(repr=False)

    def derive(self, purpose: Purpose) -> bytes:
        """The 32-byte sub-key of this key for one purpose."""
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.value.encode())
        return hkdf.derive(self.secret)


@dataclass(frozen=True, slots=True)
class KeyRing:
    """Keys by id, the first one active."""

    keys: tuple[Key, ...]

    @property
    def active(self) -> Key:
        return self.keys[0]

    def get(self, key_id: str) -> Key | None:
        return next((k for k in self.keys if k.key_id == key_id), None)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(k.key_id for k in self.keys)

    @classmethod
    def parse(cls, spec: str | None, *, source: str = "ANONYMIZER_KEYS") -> KeyRing:
        """Parse `id:base64,id:base64`; every mistake is a ConfigError that never quotes a secret."""
        if not spec or not spec.strip():
            raise ConfigError(
                f"{source} is not set: give at least one key as ID:BASE64 "
                "(make one with `anonymizer keys generate`)"
            )
        keys: list[Key] = []
        for position, entry in enumerate(spec.split(","), start=1):
            key_id, sep, encoded = entry.strip().partition(":")
            if not sep:
                raise ConfigError(f"{source}: entry {position} is not of the form ID:BASE64")
            if not _KEY_ID.fullmatch(key_id):
                raise ConfigError(
                    f"{source}: entry {position} has an invalid key id "
                    "(1-32 characters: letters, digits, '.', '_', '-')"
                )
            try:
                secret = base64.b64decode(encoded.strip(), validate=True)
            except (binascii.Error, ValueError):
                raise ConfigError(f"{source}: key {key_id!r} is not valid base64") from None
            if len(secret) < MIN_KEY_BYTES:
                raise ConfigError(
                    f"{source}: key {key_id!r} has {len(secret)} bytes; "
                    f"at least {MIN_KEY_BYTES} random bytes are needed"
                )
            if any(k.key_id == key_id for k in keys):
                raise ConfigError(f"{source}: key id {key_id!r} appears twice")
            keys.append(Key(key_id, secret))
        return cls(tuple(keys))
