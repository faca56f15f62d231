"""Hand-made anonymized records (only the fields the analytics read), for known answers."""

from __future__ import annotations

from typing import Any

DAY = 86_400_000
T0 = 20_000 * DAY  # 2024-10-04 00:00 UTC


def rec(kind: str, key: str | None, t: int, site: str = "site-0001", **fields: Any) -> dict:
    """One record of `kind` by visitor_key `key` at T0 + t ms on `site`."""
    base: dict[str, Any] = {
        "event_type": kind, "site_id": site, "event_time": T0 + t, "visitor_key": key,
        "url": "https://shop.example.jp/", "x": None, "y": None, "viewport_width": 1920,
        "experiment_id": None, "variant_id": None, "conversion_goal": None,
    }  # fmt: skip
    base.update(fields)
    return base


def exposure(key: str | None, t: int, variant: str, exp: str = "exp-1", **kw: Any) -> dict:
    """An ab_exposure to `variant` of `exp`."""
    return rec("ab_exposure", key, t, experiment_id=exp, variant_id=variant, **kw)


def conversion(key: str | None, t: int, goal: str = "purchase", **kw: Any) -> dict:
    """A conversion of `goal`."""
    return rec("conversion", key, t, conversion_goal=goal, **kw)


def tap(key: str | None, x: int, y: int, width: int = 390, path: str = "/", **kw: Any) -> dict:
    """A tap at (x, y) in a viewport `width` wide on `path`."""
    url = f"https://shop.example.jp{path}?utm_source=news"
    return rec("tap", key, kw.pop("t", 0), x=x, y=y, viewport_width=width, url=url, **kw)
