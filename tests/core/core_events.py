"""Valid RawWebEvent v1 payloads and small helpers shared by the privacy-engine tests."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from pipeline.core import Engine, Reject
from pipeline.core.day_keys import DayKeys, day_key_id, day_of_key_id
from pipeline.core.keys import Key, KeyRing

CHROME_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
EVENT_TIME = 1_764_000_000_000  # 2025-11-24T16:00:00Z
DAY_MS = 86_400_000


def secret_for(key_id: str, salt: str = "") -> bytes:
    """A fixed 32-byte secret per key id: reproducible runs, distinct keys."""
    return hashlib.sha256(f"test-key/{key_id}/{salt}".encode()).digest()


def key_spec(*key_ids: str) -> str:
    return ",".join(f"{k}:{base64.b64encode(secret_for(k)).decode()}" for k in key_ids)


def make_ring(*key_ids: str) -> KeyRing:
    return KeyRing.parse(key_spec(*key_ids))


class SeededDays:
    """Test day keys: a fixed secret per seed and day, so runs reproduce and seeds differ. (The
    real ones are random: `pipeline.secrets`; nothing like this exists outside the tests.)"""

    def __init__(self, seed: str = "k1", today: int = EVENT_TIME // DAY_MS) -> None:
        self.seed, self.today = seed, today
        self._proposal = hashlib.sha256(seed.encode()).hexdigest()[:8]

    def key(self, day: int) -> Key | None:
        return Key(day_key_id(day, self._proposal), secret_for(self.seed, str(day)))

    def get(self, key_id: str) -> Key | None:
        day = day_of_key_id(key_id)
        key = None if day is None else self.key(day)
        return key if key is not None and key.key_id == key_id else None


DAYS = SeededDays()


def valid_event(**overrides: Any) -> dict[str, Any]:
    """A page_view every rule accepts; keyword arguments replace (or add) fields."""
    event: dict[str, Any] = {
        "event_id": "3f1c2a9e-8b7d-4c6e-9a1b-2c3d4e5f6a7b",
        "event_type": "page_view",
        "site_id": "site-0001",
        "event_time": EVENT_TIME,
        "ip": "11.1.2.3",
        "forwarded_for": None,
        "user_agent": CHROME_UA,
        "language": "ja-JP",
        "charset": "UTF-8",
        "platform": "Win32",
        "screen_width": 1920,
        "screen_height": 1080,
        "color_depth": 24,
        "viewport_width": 1200,
        "viewport_height": 800,
        "url": "https://shop.example.jp/products/shoes-123/blue",
        "title": "スニーカー 青 | Example Shop",
        "referrer": "https://www.google.co.jp/",
        "page_views": 3,
        "session_id": "b1946ac92492d234.1764000000",
        "visitor_cookie": "d40552775efb64bd",
    }
    event.update(overrides)
    return event


def without(event: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in event.items() if k not in names}


def dumps(event: Any) -> bytes:
    return json.dumps(event, ensure_ascii=False).encode("utf-8")


def only_record(engine: Engine, payload: bytes, days: DayKeys = DAYS) -> dict[str, Any]:
    """Process one payload that must be kept; its output record as a dict."""
    result = engine.process([payload], days)
    assert not result.rejects, result.rejects
    assert len(result.records) == 1
    return engine.as_dict(result.records[0])


def only_reject(engine: Engine, payload: bytes, days: DayKeys = DAYS) -> Reject:
    result = engine.process([payload], days)
    assert not result.records, [engine.as_dict(r) for r in result.records]
    assert len(result.rejects) == 1
    return result.rejects[0]


def readable(reject: Reject) -> str:
    """Everything of a reject a human can read without the key."""
    return " ".join(str(v) for v in (reject.reason, reject.field, reject.step, reject.key_id))
