"""Values of keys whose name says they identify a user or a device, whatever their shape.

`FBUID/100004123456789`, `uid=abc123`, `user_id: 42`, `"idfa":"..."`, `gaid=...`: the value is
an `[id]` (the key stays). In a user agent (`Name/value`) and in free text alike. `FBID/phone`
(Facebook's form factor) is not one of these keys.
"""

from __future__ import annotations

import re

from pipeline.core.detect_kinds import Finding, Kind

_KEYS = (
    r"(?:fb|g|x)?uid|(?:user|member|customer|account|visitor|device|advertising|android|client)"
    r"[_-]?id|idf[av]|gaid|adid|aaid|oaid"
)
_KEY_VALUE = re.compile(
    rf"(?i)(?<![A-Za-z0-9])(?:{_KEYS})[\"']?\s*[=:/]\s*[\"']?(?P<value>[^\s;,()\[\]{{}}&\"'<>|]+)"
)


def could_have_key(text: str) -> bool:
    """Cheap: every key above has `id` (any case) in its name."""
    return "id" in text or "ID" in text or "Id" in text or "iD" in text


def find_keyed(text: str) -> list[Finding]:
    """Values of user or device id keys in normalized `text`."""
    return [
        Finding(Kind.ID, m.start("value"), m.end("value"))
        for m in _KEY_VALUE.finditer(text)
        if m.group("value") not in ("[id]", "null", "none", "None", "undefined", "-", "0")
    ]
