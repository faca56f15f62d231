"""One normalized view of text, so every detector sees the same characters.

A round: invisible characters removed (Unicode format characters such as U+200B, U+2060,
U+FEFF and the soft hyphen, plus variation selectors, the combining grapheme joiner and Hangul
fillers), percent-escapes decoded (valid UTF-8 only; invalid bytes stay as written), HTML
character references decoded (numeric ones, and named ones ending in `;`), then Unicode NFKC
(full-width `ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ` becomes ASCII). Rounds repeat until nothing changes,
so the result is a fixed point: `normalize_text(normalize_text(s)) == normalize_text(s)`.

Rounds are bounded: text still decoding after `MAX_ROUNDS` rounds was encoded on purpose to hide
what it says (no page or browser encodes five times), and its view is `OPAQUE` as a whole.
`%u0040`, `\\u0040` and `\\x40` (script escapes) are decoded too.
Plain ASCII text without `%`, `&` or a backslash is returned as it is after one cheap check.
"""

from __future__ import annotations

import re
import unicodedata
from html import unescape

MAX_ROUNDS = 6
OPAQUE = "[token]"

_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
# Script escapes: `%u0040` (old IIS/JavaScript escape()), `\u0040`, `\x40`.
_SCRIPT = re.compile(r"(?:%u|\\u)([0-9A-Fa-f]{4})|\\x([0-9A-Fa-f]{2})")
_REFERENCE = re.compile(r"&(?:#[0-9]{1,8};?|#[xX][0-9A-Fa-f]{1,8};?|[A-Za-z][A-Za-z0-9]{1,31};)")


def _invisible_class() -> str:
    """A regex class of every format (Cf) character, and other invisible joiners and fillers."""
    points = [
        c
        for plane in (range(0x20000), range(0xE0000, 0xE1000))
        for c in plane
        if unicodedata.category(chr(c)) == "Cf"
    ]
    points += [0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, *range(0x180B, 0x1810)]
    points += [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]
    points.sort()
    ranges: list[str] = []
    start = prev = points[0]
    for c in [*points[1:], -1]:
        if c != prev + 1:
            ranges.append(f"\\U{start:08x}-\\U{prev:08x}" if start != prev else f"\\U{start:08x}")
            start = c
        prev = c
    return "[" + "".join(ranges) + "]+"


_INVISIBLE = re.compile(_invisible_class())


def _decode_escapes(match: re.Match[str]) -> str:
    run = match.group()
    raw = bytes.fromhex(run.replace("%", ""))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Some bytes are not UTF-8: those stay exactly as written (`20%deal` is not an escape).
    out: list[str] = []
    at = 0
    for char in raw.decode("utf-8", "surrogateescape"):
        if "\udc80" <= char <= "\udcff":
            out.append(run[3 * at : 3 * at + 3])
            at += 1
        else:
            out.append(char)
            at += len(char.encode("utf-8"))
    return "".join(out)


def _decode_script(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    return match.group() if 0xD800 <= code <= 0xDFFF else chr(code)


def _decode_reference(match: re.Match[str]) -> str:
    return unescape(match.group())


def _round(text: str) -> str:
    # Invisible characters first: one inside an escape or a reference (`&#x4\u200b0;`) hides it.
    if not text.isascii() and _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    if "%u" in text or "\\" in text:
        text = _SCRIPT.sub(_decode_script, text)
    if "%" in text:
        text = _ESCAPES.sub(_decode_escapes, text)
    if "&" in text:
        text = _REFERENCE.sub(_decode_reference, text)
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text


def normalize_text(text: str) -> str:
    """The normalized view of `text`: decoded, without invisible characters, NFKC."""
    if text.isascii() and "%" not in text and "&" not in text and "\\" not in text:
        return text
    for _ in range(MAX_ROUNDS):
        new = _round(text)
        if new == text:
            return text
        text = new
    return OPAQUE
