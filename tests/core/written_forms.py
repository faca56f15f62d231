"""How people and programs write identifiers: full-width text and check digits, for the tests
that plant them (written independently of the engine's own detectors)."""

from __future__ import annotations

_FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in map(chr, range(0x21, 0x7F))}


def full_width(text: str) -> str:
    """ASCII as a Japanese IME types it (U+FF01..U+FF5E)."""
    return "".join(_FULL_WIDTH.get(c, c) for c in text)


def luhn_complete(digits: str) -> str:
    """`digits` with the Luhn check digit appended (payment cards)."""
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (1 if i % 2 else 2)
        total += n - 9 if n > 9 else n
    return digits + str((10 - total % 10) % 10)


def my_number(digits11: str) -> str:
    """11 digits with the My Number (個人番号) check digit appended."""
    weights = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
    remainder = sum(int(d) * w for d, w in zip(digits11, weights, strict=True)) % 11
    return digits11 + str(0 if remainder <= 1 else 11 - remainder)
