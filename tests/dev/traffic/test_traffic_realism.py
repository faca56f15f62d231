"""The generator's distributions: a long tail of devices and sizes, days with a daily rhythm,
experiments with known rates, taps on hot spots, sessions of several events."""

from __future__ import annotations

import argparse
import collections
import random
import re
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import sample
from pipeline.core import Engine
from pipeline.core.user_agent import reduce_user_agent
from pipeline.dev.traffic import TrafficGenerator, agents, experiments, layout, rhythm, screens
from pipeline.secrets.ephemeral import EphemeralDays

DAY_MS = 86_400_000
COUNT = 60_000


@pytest.fixture(scope="module")
def spread() -> list[dict]:
    """Three days of traffic with the daily rhythm, no garbage."""
    gen = TrafficGenerator(5, garbage=0.0, events_per_second=COUNT / (3 * 86_400 * 0.98),
                           diurnal=True)  # fmt: skip
    return [orjson.loads(p) for p in gen.payloads(COUNT)]


def test_user_agents_and_os_versions_have_a_long_tail(spread: list[dict]) -> None:
    agents_seen = collections.Counter(ev["user_agent"] for ev in spread)
    ios = {m.group(1) for ua in agents_seen if (m := re.search(r"OS (\d+_\d+(_\d+)?) like", ua))}
    android = {m.group(1) for ua in agents_seen if (m := re.search(r"Android (\d+);", ua))}
    chrome = {m.group(1) for ua in agents_seen if (m := re.search(r"Chrome/(\d+)\.", ua))}
    print(f"\n{len(agents_seen)} user agents, {len(ios)} iOS, {len(android)} Android, "
          f"{len(chrome)} Chrome versions")  # fmt: skip
    assert len(agents.DEVICES) > 150 and len(agents_seen) > 100
    assert len(ios) >= 12 and len(android) >= 5 and len(chrome) >= 10
    top = agents_seen.most_common(1)[0]
    assert top[1] > 3 * len(spread) / len(agents_seen)  # a head ...
    rare = sum(1 for n in agents_seen.values() if n <= len(spread) / 5_000)
    assert rare >= 20  # ... and a tail of agents seen in under 0.02% of events


def test_device_shares_are_roughly_those_documented() -> None:
    total = sum(d.weight for d in agents.DEVICES)
    mobile = sum(d.weight for d in agents.DEVICES if d.mobile) / total
    iphone = sum(d.weight for d in agents.DEVICES if d.kind == "iphone") / total
    android = sum(d.weight for d in agents.DEVICES if d.kind == "android") / total
    assert 0.55 <= mobile <= 0.66  # StatCounter Japan: mobile and tablet about 55-60% and more
    assert 0.6 <= iphone / (iphone + android) <= 0.75  # iOS about two thirds of phones


def test_screens_and_viewports_concentrate_with_a_tail(spread: list[dict]) -> None:
    desktop = [ev for ev in spread if ev["platform"] in ("Win32", "MacIntel")]
    widths = collections.Counter(ev["viewport_width"] for ev in desktop)
    head = sum(n for _, n in widths.most_common(6)) / len(desktop)
    print(f"\ndesktop viewport widths: {len(widths)} distinct, top 6 hold {head:.0%}")
    assert head >= 0.5 and len(widths) >= 100  # not uniform, yet a long tail
    sizes = collections.Counter((ev["screen_width"], ev["screen_height"]) for ev in spread)
    assert sizes.most_common(1)[0][0] in ((1920, 1080), (390, 844))
    assert sizes.most_common(1)[0][1] / len(spread) > 0.1
    assert sum(1 for n in sizes.values() if n < 20) >= 20


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(screens.KINDS), seed=st.integers(0, 2**32))
def test_viewports_fit_their_screens(kind: str, seed: int) -> None:
    rng = random.Random(seed)
    w, h = screens.pick_screen(rng, kind)
    vw, vh = screens.viewport(rng, kind, (w, h))
    assert 0 < vw <= max(w, h) and 0 < vh <= max(w, h)
    assert 1 <= w <= 20_000 and 1 <= h <= 20_000


def test_every_user_agent_passes_the_engine_as_its_reduction() -> None:
    template = orjson.loads(TrafficGenerator(1, garbage=0.0).payloads(1)[0])
    template["attributes"] = None
    payloads = [orjson.dumps({**template, "user_agent": d.user_agent}) for d in agents.DEVICES]
    engine = Engine()
    result = engine.process(payloads, EphemeralDays())
    assert not result.rejects
    changed = [(d.user_agent, engine.as_dict(r)["user_agent"])
               for d, r in zip(agents.DEVICES, result.records, strict=True)
               if engine.as_dict(r)["user_agent"] != reduce_user_agent(d.user_agent)]  # fmt: skip
    assert changed == []


def test_days_follow_the_daily_rhythm_of_japan(spread: list[dict]) -> None:
    days = collections.Counter(ev["event_time"] // DAY_MS for ev in spread)
    assert len(days) >= 3
    jst = collections.Counter((ev["event_time"] // 3_600_000 + 9) % 24 for ev in spread)
    evening = sum(jst[h] for h in (20, 21, 22))
    night = sum(jst[h] for h in (3, 4, 5))
    print(f"\nevents at 20-23 JST: {evening:,}; at 03-06 JST: {night:,}")
    expected = sum(rhythm.HOURLY[h] for h in (20, 21, 22)) / sum(
        rhythm.HOURLY[h] for h in (3, 4, 5)
    )
    assert 0.75 * expected < evening / night < 1.25 * expected
    times = [ev["event_time"] for ev in spread]
    assert times == sorted(times)


def test_sessions_have_several_events_even_at_a_low_rate(spread: list[dict]) -> None:
    per_session = collections.Counter(ev["session_id"] for ev in spread if ev["session_id"])
    mean = sum(per_session.values()) / len(per_session)
    print(f"\nevents per session: {mean:.1f}")
    assert 3.0 <= mean <= 8.0
    types = collections.Counter(ev["event_type"] for ev in spread)
    assert types["page_view"] / len(spread) < 0.65


def test_variants_are_sticky_and_equal_shares() -> None:
    for exp in experiments.EXPERIMENTS:
        shares = collections.Counter(experiments.variant_of(v, exp, 0) for v in range(30_000))
        for name, _ in exp.variants:
            assert abs(shares[name] / 30_000 - 1 / len(exp.variants)) < 0.02
        assert experiments.variant_of(17, exp, 0) == experiments.variant_of(17, exp, 0)


def test_conversions_follow_their_exposure_on_the_same_day() -> None:
    assert experiments.conversion_time(1000, 5000, 10**12) == 6000
    end_of_day = 2 * DAY_MS - 1
    assert experiments.conversion_time(end_of_day - 10, 60_000, 10**12) == end_of_day
    assert experiments.conversion_time(end_of_day, 60_000, 10**12) == end_of_day
    assert experiments.conversion_time(100, 60_000, 5_000) == 4_999  # before the stream ends


def test_experiment_goals_are_never_background_goals(spread: list[dict]) -> None:
    goals = {e.goal for e in experiments.EXPERIMENTS}
    assert not goals & set(experiments.BACKGROUND_GOALS)
    seen = collections.Counter(ev["conversion_goal"] for ev in spread if ev["conversion_goal"])
    assert goals <= set(seen) and set(experiments.BACKGROUND_GOALS) <= set(seen)


def test_taps_land_on_the_hot_spots(spread: list[dict]) -> None:
    taps = [ev for ev in spread if ev["event_type"] == "tap" and "/products/" in ev["url"]
            and 380 <= ev["viewport_width"] <= 400]  # fmt: skip
    near = 0
    for ev in taps:
        spots = layout.hot_spots("product", ev["viewport_width"])
        near += any(abs(ev["x"] - x) < 60 and abs(ev["y"] - y) < 150 for _, x, y in spots)
    assert near / len(taps) > 0.7  # 80% aim at a spot (a few land off it), 20% anywhere
    for ev in taps:
        assert 0 <= ev["x"] < ev["viewport_width"] and ev["y"] >= 0


def test_page_kinds_and_layouts() -> None:
    assert layout.page_kind("https://a.example.jp/") == "top"
    assert layout.page_kind("https://a.example.jp/products/food/12345?x=1") == "product"
    assert layout.page_kind("/category/sale") == "category"
    assert layout.page_kind("https://a.example.jp/cart") == "cart"
    assert layout.page_kind("https://a.example.jp/search?q=1") == "other"
    assert layout.column(390) == (0, 390)
    assert layout.column(1920) == (360, 1200)
    assert layout.hot_spots("cart", 1920)[0] == ("checkout", 360 + round(0.82 * 1200), 360)


def _sample(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="anonymizer")
    sample.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["sample", *argv])
    return args.func(args)


def test_sample_days_spreads_the_count_over_the_days(tmp_path: Path) -> None:
    out = tmp_path / "days.jsonl"
    assert _sample(["-n", "4000", "--days", "4", "--garbage", "0", "-q", "-o", str(out)]) == 0
    times = [orjson.loads(line)["event_time"] for line in out.read_bytes().splitlines()]
    start = 1_764_000_000_000
    assert len(times) == 4000 and times == sorted(times)
    assert start <= times[0] < start + 3_600_000 * 2
    assert start + 3.5 * DAY_MS < times[-1] < start + 4 * DAY_MS
    assert len({t // DAY_MS for t in times}) == 5  # the start is not midnight: 5 UTC days
