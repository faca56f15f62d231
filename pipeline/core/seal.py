"""Sealing dead-letter payloads: AES-GCM-SIV under a sub-key of a day key.

The nonce is a keyed hash of the payload (a synthetic IV), so sealing is deterministic: the same
payload under the same key seals to the same bytes, and a replay reproduces its dead letters
exactly. AES-GCM-SIV stays safe if a nonce ever repeats. The key id is authenticated data.
A payload is sealed under the key of the day its raw record arrived, so it becomes unreadable
(shredded) when that day's secret is destroyed, as the raw record itself is.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV

from pipeline.core.keys import Key, Purpose
from pipeline.errors import AnonymizerError

FORMAT = 1
NONCE_BYTES = 12


class UnsealError(AnonymizerError):
    """A sealed payload that cannot be opened: unknown key, or tampered with."""


class KeyLookup(Protocol):
    """Finds a key by id: a master key ring (dead letters of old releases) or held day keys."""

    def get(self, key_id: str) -> Key | None: ...


class Sealer:
    """Seals with one key."""

    def __init__(self, key: Key) -> None:
        self.key_id = key.key_id
        self._aad = key.key_id.encode()
        self._cipher = AESGCMSIV(key.derive(Purpose.SEAL))
        self._nonce_key = key.derive(Purpose.SEAL_NONCE)

    def seal(self, payload: bytes) -> bytes:
        nonce = hashlib.blake2b(payload, key=self._nonce_key, digest_size=NONCE_BYTES).digest()
        return bytes((FORMAT,)) + nonce + self._cipher.encrypt(nonce, payload, self._aad)


def unseal(keys: KeyLookup, key_id: str, sealed: bytes) -> bytes:
    """Open a sealed payload with the key it names."""
    key = keys.get(key_id)
    if key is None:
        raise UnsealError(f"key {key_id!r} is not held")
    if len(sealed) < 1 + NONCE_BYTES + 16 or sealed[0] != FORMAT:
        raise UnsealError("not a sealed payload of format 1")
    nonce, body = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
    try:
        return AESGCMSIV(key.derive(Purpose.SEAL)).decrypt(nonce, body, key_id.encode())
    except InvalidTag:
        raise UnsealError(f"sealed payload does not open under key {key_id!r}") from None
