"""Utility, measured: the analytics computed from the anonymized output equal those computed
from the raw input, on generated traffic whose truth is known (conversion rates set per variant,
hot spots set per page)."""

from __future__ import annotations

from dataclasses import dataclass

import orjson
import pytest

from pipeline.analytics.abtest import Attribution
from pipeline.analytics.heatmap import Heatmap, densest, total_variation
from pipeline.analytics.intervals import wilson
from pipeline.analytics.raw import RawView
from pipeline.analytics.units import visitors_per_site_day
from pipeline.core import Engine
from pipeline.dev.traffic import TrafficGenerator, experiments, layout
from pipeline.secrets.ephemeral import EphemeralDays

COUNT = 150_000
DAYS = 3
Z999 = 3.2905  # a 99.9% interval: the set rate must lie inside


@dataclass(frozen=True)
class Pair:
    raw: list[dict]
    out: list[dict]


@pytest.fixture(scope="module")
def pair() -> Pair:
    gen = TrafficGenerator(11, garbage=0.0, events_per_second=COUNT / (DAYS * 86_400 * 0.98),
                           diurnal=True)  # fmt: skip
    payloads = gen.payloads(COUNT)
    engine, days = Engine(), EphemeralDays()  # one day-key holder for the whole run
    out: list[dict] = []
    for start in range(0, COUNT, 10_000):
        result = engine.process(payloads[start : start + 10_000], days)
        assert not result.rejects
        out += [engine.as_dict(r) for r in result.records]
    raw = list(RawView().records(orjson.loads(p) for p in payloads))
    return Pair(raw, out)


@pytest.mark.parametrize("exp", experiments.EXPERIMENTS, ids=lambda e: e.experiment_id)
def test_ab_results_from_the_output_equal_the_raw_ones(
    pair: Pair, exp: experiments.Experiment
) -> None:
    for goal in (None, exp.goal):
        raw = Attribution(exp.experiment_id, goal).add_all(pair.raw).result(exp.control)
        out = Attribution(exp.experiment_id, goal).add_all(pair.out).result(exp.control)
        assert out == raw  # exposures, conversions, rates, intervals, what was left out
    figures = [f"{v.variant} {v.converted}/{v.exposed} = {v.rate:.2%} (set {exp.rate(v.variant):.0%})"
               for v in out.variants]  # fmt: skip
    print(f"\n{exp.experiment_id}, goal {exp.goal}: " + "; ".join(figures))


@pytest.mark.parametrize("exp", experiments.EXPERIMENTS, ids=lambda e: e.experiment_id)
def test_measured_rates_agree_with_the_rates_set(pair: Pair, exp: experiments.Experiment) -> None:
    result = Attribution(exp.experiment_id, exp.goal).add_all(pair.out).result(exp.control)
    assert {v.variant for v in result.variants} == {name for name, _ in exp.variants}
    for v in result.variants:
        low, high = wilson(v.converted, v.exposed, Z999)
        assert low <= exp.rate(v.variant) <= high, (v.variant, v.converted, v.exposed)
        assert v.exposed > 200
    assert result.without_visitor == 0  # experiment events always carry a usable address


def test_unique_visitors_per_site_and_day_are_equal(pair: Pair) -> None:
    raw, out = visitors_per_site_day(pair.raw), visitors_per_site_day(pair.out)
    assert out == raw
    assert len(raw) >= 8 * 3 and sum(raw.values()) > 10_000


@pytest.mark.parametrize("path", ["/products/*", "/", "/cart", "/category/*"])
def test_heatmap_density_from_the_output_equals_the_raw_one(pair: Pair, path: str) -> None:
    for site in ("site-0001", "site-0002"):
        raw = Heatmap(site, path).add_all(pair.raw).panels()
        out = Heatmap(site, path).add_all(pair.out).panels()
        assert [p.name for p in out] == [p.name for p in raw] and raw
        for a, b in zip(raw, out, strict=True):
            assert (b.events, b.visitors, b.cells) == (a.events, a.visitors, a.cells)
            assert total_variation(a, b) == 0.0


def test_the_densest_cells_lie_on_the_hot_spots(pair: Pair) -> None:
    panels = {p.name: p for p in Heatmap("site-0001", "/products/*").add_all(pair.out).panels()}
    phone = panels["phone"]
    (bx, by), _ = densest(phone)[0]
    spots = layout.hot_spots("product", 390)  # the phone column is the viewport, 360-430 px
    centre = (bx * 20 + 10, by * 20 + 10)
    assert any(abs(centre[0] - x) <= 40 and abs(centre[1] - y) <= 30 for _, x, y in spots)
    desktop = panels["desktop"]
    (bx, by), _ = densest(desktop)[0]
    assert abs(by * 20 + 10 - 520) <= 30  # the add-to-cart row of the wide layout
