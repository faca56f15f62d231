"""One normalized view of text, so every detector sees the same characters (stub)."""

from __future__ import annotations


def normalize_text(text: str) -> str:
    """`text` in its normalized form (stub: returned unchanged for now)."""
    return text
