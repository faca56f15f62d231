"""Avro single-object encoding: C3 01, the CRC-64-AVRO fingerprint (little-endian), the body."""

from __future__ import annotations

MAGIC = b"\xc3\x01"
_EMPTY = 0xC15D213AA4D7A795


def _table() -> list[int]:
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (_EMPTY & -(fp & 1))
        table.append(fp)
    return table


_TABLE = _table()


def crc64_avro(data: bytes) -> int:
    """The Rabin fingerprint the Avro specification defines for schemas."""
    fp = _EMPTY
    for byte in data:
        fp = (fp >> 8) ^ _TABLE[(fp ^ byte) & 0xFF]
    return fp


def header(canonical_form: str) -> bytes:
    """The 10-byte prefix of every single-object encoded record of this schema."""
    return MAGIC + crc64_avro(canonical_form.encode("utf-8")).to_bytes(8, "little")


def split(message: bytes) -> tuple[bytes, bytes]:
    """Split a single-object message into (fingerprint bytes, body); ValueError if not one."""
    if len(message) < 10 or message[:2] != MAGIC:
        raise ValueError("not an Avro single-object encoded message")
    return message[2:10], message[10:]
