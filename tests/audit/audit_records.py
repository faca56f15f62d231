"""Hand-made anonymized records for the audit tests: every field set, only what a test names
differs. No real address or person appears in them."""

from __future__ import annotations

from typing import Any

from pipeline.audit.groups import DAY_MS

DAY0 = 20_416 * DAY_MS  # 2025-11-24T00:00Z
QI = ("user_agent", "screen_width", "screen_height", "viewport_width", "viewport_height",
      "language", "country", "region", "city")  # fmt: skip

BASE: dict[str, Any] = {
    "event_id": "00000000-0000-4000-8000-000000000000",
    "event_type": "page_view",
    "site_id": "site-0001",
    "event_time": DAY0 + 3_600_000,
    "visitor_key": "v-default",
    "session_key": "s-default",
    "key_id": "2025-11-24.00000000",
    "country": "JP",
    "region": "JP-13",
    "city": None,
    "user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.0.0 Safari/537.36",
    "language": "ja-JP",
    "charset": "UTF-8",
    "platform": "Win32",
    "screen_width": 1920,
    "screen_height": 1080,
    "color_depth": 24,
    "viewport_width": 1500,
    "viewport_height": 800,
    "url": "https://shop.example.jp/products/326",
    "title": "Shoes | Example Shop",
    "referrer": None,
    "x": None,
    "y": None,
    "scroll_depth": None,
    "page_views": 1,
    "last_visit_time": None,
    "experiment_id": None,
    "variant_id": None,
    "conversion_goal": None,
    "policy_version": "web-events/1",
    "geo_db": "GeoLite2-City@2018-07-03",
}
_serial = [0]


def record(day: int = 0, **fields: Any) -> dict[str, Any]:
    """A record of `DAY0 + day`, with a fresh event_id, and `fields` over the defaults."""
    _serial[0] += 1
    event_id = f"00000000-0000-4000-8000-{_serial[0]:012d}"
    made = {**BASE, "event_id": event_id, "event_time": BASE["event_time"] + day * DAY_MS}
    made.update(fields)
    return made
