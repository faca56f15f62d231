"""Day secrets wrapped (encrypted) under a master key, so reading the store is not enough.

AES-GCM-SIV under the master key's WRAP sub-key, a random nonce, and the day and proposal id as
authenticated data: a wrapped secret cannot be moved to another day or proposal.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV

from pipeline.core.keys import Key, KeyRing, Purpose
from pipeline.errors import AnonymizerError

FORMAT = 1
SECRET_BYTES = 32
_NONCE = 12


class UnwrapError(AnonymizerError):
    """A wrapped day secret that cannot be opened (its master key is not in the ring, or it was
    tampered with). The message names key ids and days only."""


def _aad(day: int, proposal: str) -> bytes:
    return f"day-secret/{FORMAT}/{day}/{proposal}".encode()


def new_secret() -> bytes:
    """32 random bytes from the operating system: derivable from nothing."""
    return os.urandom(SECRET_BYTES)


def wrap(master: Key, day: int, proposal: str, secret: bytes) -> bytes:
    """`format | len(key id) | key id | nonce | ciphertext`."""
    nonce = os.urandom(_NONCE)
    body = AESGCMSIV(master.derive(Purpose.WRAP)).encrypt(nonce, secret, _aad(day, proposal))
    key_id = master.key_id.encode()
    return bytes((FORMAT, len(key_id))) + key_id + nonce + body


def wrapped_key_id(blob: bytes) -> str:
    """The id of the master key a blob is wrapped under."""
    if len(blob) < 2 or blob[0] != FORMAT:
        raise UnwrapError("not a wrapped day secret of format 1")
    return blob[2 : 2 + blob[1]].decode("ascii", "replace")


def unwrap(keys: KeyRing, day: int, proposal: str, blob: bytes) -> bytes:
    """The day secret, or UnwrapError."""
    key_id = wrapped_key_id(blob)
    key = keys.get(key_id)
    if key is None:
        raise UnwrapError(f"day {day}: wrapped under key {key_id!r}, which is not in the key ring")
    start = 2 + blob[1]
    nonce, body = blob[start : start + _NONCE], blob[start + _NONCE :]
    try:
        return AESGCMSIV(key.derive(Purpose.WRAP)).decrypt(nonce, body, _aad(day, proposal))
    except InvalidTag:
        raise UnwrapError(f"day {day}: the wrapped secret does not open under {key_id!r}") from None
