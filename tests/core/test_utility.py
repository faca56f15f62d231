"""What the heatmap and A/B services need keeps its meaning on realistic traffic."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

import orjson

from pipeline.core import Engine
from pipeline.core.normalize import normalize_text
from pipeline.core.url.scrub import normalize_url
from pipeline.dev.traffic import TrafficGenerator
from tests.core.core_events import DAYS

EXACT = ("event_type", "x", "y", "scroll_depth", "screen_width", "screen_height", "page_views")
AB = ("experiment_id", "variant_id", "conversion_goal")


def _pairs(engine: Engine, count: int = 6000) -> list[tuple[dict, dict]]:
    events = [e for e in TrafficGenerator(seed=21, garbage=0.0).events(count)]
    result = engine.process([e.payload for e in events], DAYS)
    assert not result.rejects
    return [(orjson.loads(events[r.index].payload), engine.as_dict(r)) for r in result.records]


def test_heatmap_and_ab_fields_come_out_as_they_went_in(engine: Engine) -> None:
    pairs = _pairs(engine)
    for raw, out in pairs:
        for name in EXACT:
            assert out[name] == raw.get(name), name
        for name in AB:
            value = raw.get(name)
            assert out[name] == (None if value is None else normalize_text(value)), name
    kinds = Counter(raw["event_type"] for raw, _ in pairs)
    assert kinds["tap"] and kinds["click"] and kinds["ab_exposure"] and kinds["conversion"]


def test_ordinary_pages_keep_their_url_path(engine: Engine) -> None:
    pairs = _pairs(engine)
    same = redacted = 0
    for raw, out in pairs:
        raw_url = normalize_url(raw["url"])
        assert raw_url is not None
        before, after = urlsplit(raw_url), urlsplit(out["url"])
        assert after.netloc == before.netloc  # same site
        if after.path == before.path:
            same += 1
        else:  # changed only where something was redacted, never silently
            assert "[" in after.path, (before.path, after.path)
            redacted += 1
    share = same / len(pairs)
    print(f"\npage paths kept as they were: {same:,} of {len(pairs):,} ({share:.1%}); "
          f"redacted: {redacted:,}")  # fmt: skip
    assert share >= 0.95
