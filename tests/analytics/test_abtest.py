"""A/B attribution on hand-made records: each rule of the definition, with its known answer."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.analytics.abtest import Attribution, table
from pipeline.analytics.intervals import newcombe, wilson
from pipeline.analytics.units import visitors_per_site_day
from tests.analytics.analytics_records import DAY, conversion, exposure, rec


def _result(records: list[dict], **kw: str) -> dict[str, tuple[int, int]]:
    return Attribution("exp-1", kw.get("goal")).add_all(records).counts()


def test_a_conversion_after_exposure_counts_once() -> None:
    records = [exposure("a", 1000, "control"), conversion("a", 2000), conversion("a", 3000),
               exposure("a", 4000, "control"), exposure("b", 1000, "B")]  # fmt: skip
    assert _result(records) == {"control": (1, 1), "B": (1, 0)}


def test_a_conversion_at_the_exposure_time_counts_one_before_does_not() -> None:
    same = [exposure("a", 1000, "control"), conversion("a", 1000)]
    before = [conversion("a", 999), exposure("a", 1000, "control")]
    assert _result(same) == {"control": (1, 1)}
    assert _result(before) == {"control": (1, 0)}


def test_other_day_other_site_other_visitor_or_no_key_are_not_attributed() -> None:
    records = [
        exposure("a", 1000, "control"),
        conversion("a", DAY + 10),  # the next UTC day: another unit
        conversion("a", 2000, site="site-0002"),  # another site: another unit
        conversion("z", 2000),  # another visitor
        conversion(None, 2000),  # no visitor_key
    ]
    assert _result(records) == {"control": (1, 0)}


def test_the_same_key_on_two_days_is_two_visitors() -> None:
    records = [exposure("a", 1000, "B"), exposure("a", DAY + 1000, "B"), conversion("a", DAY + 5)]
    assert _result(records) == {"B": (2, 0)}  # the day-2 conversion precedes day 2's exposure
    records.append(conversion("a", DAY + 2000))
    assert _result(records) == {"B": (2, 1)}


def test_first_exposure_decides_the_variant_and_mixed_units_are_counted() -> None:
    records = [exposure("a", 5000, "B"), exposure("a", 1000, "control"), conversion("a", 3000)]
    attribution = Attribution("exp-1").add_all(records)
    assert attribution.counts() == {"control": (1, 1)}
    result = attribution.result()
    assert result.mixed == 1 and result.exposure_events == 2
    tie = [exposure("t", 1000, "B"), exposure("t", 1000, "A")]
    assert _result(tie) == {"A": (1, 0)}  # a tie goes to the smaller variant id


def test_goal_filter_other_experiments_and_keyless_exposures() -> None:
    records = [exposure("a", 1000, "control"), conversion("a", 2000, goal="newsletter"),
               exposure("b", 1000, "control"), conversion("b", 2000, goal="purchase"),
               exposure("c", 1000, "control", exp="exp-2"), exposure(None, 1000, "control")]  # fmt: skip
    assert _result(records) == {"control": (2, 2)}
    assert _result(records, goal="purchase") == {"control": (2, 1)}
    attribution = Attribution("exp-1").add_all(records)
    result = attribution.result()
    assert result.without_visitor == 1 and result.exposure_events == 3
    assert attribution.experiments == {"exp-1": 3, "exp-2": 1}


def test_site_filter() -> None:
    records = [exposure("a", 1000, "B"), exposure("a", 1000, "B", site="site-0002")]
    assert Attribution("exp-1", site="site-0002").add_all(records).counts() == {"B": (1, 0)}


def test_result_rates_intervals_and_differences() -> None:
    records = []
    for i in range(80):  # control: 48 of 80 convert; B: 56 of 70 (Newcombe's example (a))
        records.append(exposure(f"c{i}", 100, "control"))
        if i < 48:
            records.append(conversion(f"c{i}", 200))
    for i in range(70):
        records.append(exposure(f"b{i}", 100, "B"))
        if i < 56:
            records.append(conversion(f"b{i}", 200))
    random.Random(3).shuffle(records)  # order does not matter
    result = Attribution("exp-1").add_all(records).result()
    control, b = result.variants
    assert (control.variant, control.exposed, control.converted) == ("control", 80, 48)
    assert (control.low, control.high) == wilson(48, 80) and control.diff is None
    assert (b.variant, b.exposed, b.converted, b.rate) == ("B", 70, 56, 0.8)
    assert (b.diff, b.diff_low, b.diff_high) == newcombe(56, 70, 48, 80)
    assert b.diff_low == pytest.approx(0.0524, abs=1e-4)
    text = table(result)
    assert "| control | 80 | 48 | 60.00% [" in text and "(control)" in text
    assert "| B | 70 | 56 | 80.00% [" in text and "+20.00 pp [+5.24, +33.39]" in text


def test_control_defaults_and_choices() -> None:
    records = [exposure("a", 1, "on"), exposure("b", 1, "off")]
    assert Attribution("exp-1").add_all(records).result().control == "off"  # first by name
    assert Attribution("exp-1").add_all(records).result("on").variants[0].variant == "on"
    with pytest.raises(ValueError, match="no exposure to a variant 'x'"):
        Attribution("exp-1").add_all(records).result("x")


@settings(max_examples=60, deadline=None)
@given(
    events=st.lists(
        st.tuples(
            st.sampled_from("abcd"),
            st.integers(0, 3 * DAY),
            st.sampled_from(["e", "c"]),
            st.sampled_from(["control", "B"]),
        ),
        max_size=40,
    )
)
def test_attribution_equals_a_brute_force_reading(events: list[tuple[str, int, str, str]]) -> None:
    records = [exposure(k, t, v) if kind == "e" else conversion(k, t) for k, t, kind, v in events]
    expected: dict[str, list[int]] = {}
    units = {(r["visitor_key"], r["event_time"] // DAY) for r in records}
    for key, day in sorted(units):
        mine = [r for r in records if (r["visitor_key"], r["event_time"] // DAY) == (key, day)]
        shown = sorted((r["event_time"], r["variant_id"]) for r in mine
                       if r["event_type"] == "ab_exposure")  # fmt: skip
        if not shown:
            continue
        first_time, variant = shown[0]
        converted = any(r["event_type"] == "conversion" and r["event_time"] >= first_time
                        for r in mine)  # fmt: skip
        tally = expected.setdefault(variant, [0, 0])
        tally[0] += 1
        tally[1] += converted
    assert _result(records) == {v: (n, x) for v, (n, x) in expected.items()}


def test_visitors_per_site_and_day() -> None:
    records = [rec("page_view", "a", 0), rec("tap", "a", 5), rec("page_view", "b", 9),
               rec("page_view", "a", DAY), rec("page_view", "a", 0, site="site-0002"),
               rec("page_view", None, 0)]  # fmt: skip
    day = records[0]["event_time"] // DAY
    assert visitors_per_site_day(records) == {
        ("site-0001", day): 2,
        ("site-0001", day + 1): 1,
        ("site-0002", day): 1,
    }
