"""Values of keys whose name says they identify a user or a device, whatever their shape.

`FBUID/100004123456789`, `uid=abc123`, `user_id: 42`, `ID: taro_1985`, `"idfa":"..."`: the value is
an `[id]` (the key stays). In a user agent (`Name/value`) and in free text alike. `FBID/phone`
(Facebook's form factor) is not one of these keys.
"""

from __future__ import annotations

import re

from pipeline.core.detect.kinds import Finding, Kind

_KEYS = (
    r"(?:fb|g|x)?uid|(?:user|member|customer|account|visitor|device|advertising|android|client)"
    r"[_-]?id|idf[av]|gaid|adid|aaid|oaid|id"  # a bare `ID: taro_1985` labels one too
)
_KEY_VALUE = re.compile(
    rf"(?i)(?:{_KEYS})[\"']?\s*[=:/]\s*[\"']?(?P<value>[^\s;,()\[\]{{}}&\"'<>|]+)"
)
_WORD = frozenset("abcdefghijklmnopqrstuvwxyz_-")
_EMPTY = frozenset(("[id]", "null", "none", "undefined", "-", "0"))


def find_keyed(text: str, lowered: str) -> list[Finding]:
    """Values of user or device id keys in normalized `text` (`lowered`: `text.lower()`).

    Each `id` is looked at from the start of its word (`Android` is a word, not a key).
    """
    found = []
    at = lowered.find("id")
    while at >= 0:
        start = at
        while start > 0 and at - start < 12 and lowered[start - 1] in _WORD:
            start -= 1
        match = _KEY_VALUE.match(text, start)
        before = lowered[start - 1] if start else " "
        if match and not (before.isascii() and before.isalnum()):  # `会員ID:` is a key too
            if match.group("value").lower() not in _EMPTY:
                found.append(Finding(Kind.ID, match.start("value"), match.end("value")))
            at = lowered.find("id", match.end())
        else:
            at = lowered.find("id", at + 2)
    return found
