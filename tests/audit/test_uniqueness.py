"""Quasi-identifier uniqueness: k-anonymity classes per site-day, field contributions, visitors."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.audit.groups import site_day
from pipeline.audit.uniqueness import Uniqueness
from tests.audit.audit_records import DAY0, QI, record


def _figures(records: list[dict], fields: tuple[str, ...] = QI) -> dict:
    u = Uniqueness(fields)
    for r in records:
        u.add(site_day(r), r)
    return u.figures()


def test_a_visitor_alone_with_a_tuple_is_unique_even_in_a_class_of_two() -> None:
    records = [
        record(user_agent="UA-1", visitor_key="v1"),
        record(user_agent="UA-1", visitor_key="v1"),
        record(user_agent="UA-1", visitor_key="v2"),
        record(user_agent="UA-2", visitor_key="v3"),
        record(user_agent="UA-3", visitor_key="v4"),
        record(user_agent="UA-3", visitor_key="v4"),
    ]
    overall = _figures(records)["overall"]
    assert overall["records"] == 6 and overall["classes"] == 3
    assert overall["unique_share"] == pytest.approx(1 / 6)  # only UA-2's record
    assert overall["below_5_share"] == overall["below_10_share"] == 1.0
    assert overall["visitors"] == 4
    assert overall["unique_visitor_share"] == 0.5  # v3 and v4: nobody else has their tuple


def test_each_fields_contribution_is_the_figure_without_it() -> None:
    records = [record(language=a, user_agent=b, visitor_key=f"v{i}")
               for i, (a, b) in enumerate([("a1", "b1"), ("a1", "b2"), ("a2", "b1"), ("a2", "b1")])]  # fmt: skip
    overall = _figures(records, ("language", "user_agent"))["overall"]
    assert overall["unique_share"] == 0.5  # (a1,b1) and (a1,b2)
    assert overall["unique_without"] == {"language": 0.25, "user_agent": 0.0}
    assert overall["contribution"] == {"language": 0.25, "user_agent": 0.5}
    # visitors: v0 and v1 alone with their tuples, v2 and v3 share (a2,b1)
    assert overall["unique_visitor_share"] == 0.5
    assert overall["unique_visitors_without"] == {"language": 0.25, "user_agent": 0.0}


def test_small_class_shares_count_the_records_of_classes_below_5_and_10() -> None:
    records = []
    for ua, size in (("UA-4", 4), ("UA-5", 5), ("UA-9", 9), ("UA-10", 10)):
        records += [record(user_agent=ua) for _ in range(size)]
    overall = _figures(records)["overall"]
    assert overall["records"] == 28 and overall["unique_share"] == 0.0
    assert overall["below_5_share"] == pytest.approx(4 / 28)
    assert overall["below_10_share"] == pytest.approx(18 / 28)


def test_classes_are_formed_within_a_site_and_utc_day() -> None:
    records = [
        record(site_id="site-0001", visitor_key="a"),
        record(site_id="site-0002", visitor_key="a"),
        record(day=1, event_time=DAY0 + 86_400_000, visitor_key="a"),  # midnight: the next day
        record(event_time=DAY0 + 86_400_000 - 1, visitor_key="b"),  # the last ms of day 0
    ]
    figures = _figures(records)
    groups = {(g["site"], g["day"]): g for g in figures["site_days"]}
    assert set(groups) == {("site-0001", "2025-11-24"), ("site-0002", "2025-11-24"),
                           ("site-0001", "2025-11-25")}  # fmt: skip
    assert groups["site-0001", "2025-11-24"]["records"] == 2
    assert groups["site-0001", "2025-11-24"]["unique_share"] == 0.0
    assert groups["site-0001", "2025-11-24"]["unique_visitor_share"] == 0.0  # a and b share it
    assert groups["site-0002", "2025-11-24"]["unique_share"] == 1.0
    assert figures["overall"]["unique_share"] == 0.5  # the two singletons of 4 records
    assert figures["overall"]["visitors"] == 4  # a visitor is counted per site-day


def test_records_without_a_visitor_key_are_counted_apart() -> None:
    figures = _figures([record(visitor_key=None), record(visitor_key="v")])
    assert figures["records_without_visitor_key"] == 1
    assert figures["overall"]["visitors"] == 1
    assert figures["overall"]["unique_visitor_share"] == 1.0


_rows = st.lists(
    st.tuples(
        st.sampled_from(["site-0001", "site-0002"]),
        st.integers(0, 1),
        st.sampled_from(["UA-1", "UA-2", "UA-3"]),
        st.sampled_from(["ja", "en"]),
        st.sampled_from(["v1", "v2", "v3", "v4"]),
    ),
    min_size=1,
    max_size=60,
)


@given(_rows)
def test_figures_equal_a_brute_force_count(rows: list[tuple]) -> None:
    records = [record(day=d, site_id=s, user_agent=ua, language=lang, visitor_key=v)
               for s, d, ua, lang, v in rows]  # fmt: skip
    overall = _figures(records, ("user_agent", "language"))["overall"]

    def key(r: dict) -> tuple:
        return (*site_day(r), r["user_agent"], r["language"])

    sizes = Counter(key(r) for r in records)
    n = len(records)
    assert overall["unique_share"] == pytest.approx(sum(sizes[key(r)] == 1 for r in records) / n)
    assert overall["below_5_share"] == pytest.approx(sum(sizes[key(r)] < 5 for r in records) / n)
    holders: dict[tuple, set[str]] = {}
    for r in records:
        holders.setdefault(key(r), set()).add(r["visitor_key"])
    visitors = {(*site_day(r), r["visitor_key"]) for r in records}
    unique = {(k[0], k[1], next(iter(v))) for k, v in holders.items() if len(v) == 1}
    assert overall["visitors"] == len(visitors)
    assert overall["unique_visitor_share"] == pytest.approx(len(unique) / len(visitors))
    assert 0 <= overall["unique_share"] <= overall["below_5_share"] <= overall["below_10_share"]
