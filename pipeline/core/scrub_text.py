"""Free text scrubbed of personal data, as one normalized view.

`scrub_text` = `normalize_text` (NFKC, entities and percent-escapes decoded, invisible characters
removed) -> `detect.redact` (every finding replaced by its marker: [email], [ip], [phone],
[card], [id], [token], [geo]) -> cut to `max_length`. What comes out is the normalized, scrubbed
text; benign text comes out as its normalized form (plain ASCII exactly as it went in).
The cut is made after scrubbing, so an identifier straddling it cannot leave a part behind, and
never inside a marker (a marker it would split is dropped whole).
Two flavours: strict, and `versions=True` for user agents, where `Chrome/131.0.0.0` is a version.
"""

from __future__ import annotations

from pipeline.core.detect import MARKERS, Kind, redact
from pipeline.core.normalize import normalize_text

EMAIL, IP, TOKEN = MARKERS[Kind.EMAIL], MARKERS[Kind.IP], MARKERS[Kind.TOKEN]
_LONGEST_MARKER = max(len(marker) for marker in MARKERS.values())
_MARKERS = frozenset(MARKERS.values())


def _cut(text: str, max_length: int) -> str:
    """`text` cut to `max_length` characters, never inside a marker."""
    cut = text[:max_length]
    opening = cut.rfind("[", max(0, max_length - _LONGEST_MARKER + 1))
    if opening >= 0 and "]" not in cut[opening:]:
        closing = text.find("]", opening, opening + _LONGEST_MARKER)
        if closing >= 0 and text[opening : closing + 1] in _MARKERS:
            return cut[:opening]
    return cut


def scrub_text(text: str, max_length: int, *, versions: bool = False) -> str:
    """`text` normalized, without personal data, at most `max_length` characters."""
    text = redact(normalize_text(text), versions=versions)
    return text if len(text) <= max_length else _cut(text, max_length)
