"""Join keys: rare values shared by two site-days link records; per-event values do not."""

from __future__ import annotations

from pipeline.audit.groups import site_day
from pipeline.audit.join_keys import JoinKeys
from pipeline.tools.output_reader import field_names
from tests.audit.audit_records import DAY0, record


def _rows(records: list[dict], rare: int = 2) -> dict[str, dict]:
    keys = JoinKeys(field_names(), rare)
    for r in records:
        keys.add(site_day(r), r)
    return {row["field"]: row for row in keys.figures()["fields"]}


def _filler(n: int) -> list[dict]:
    """Records with nothing rare, on one site-day, distinct pseudonyms and times."""
    return [record(visitor_key=f"f{i}", session_key=f"fs{i}", event_time=DAY0 + 10 * i)
            for i in range(n)]  # fmt: skip


def test_a_rare_value_on_two_site_days_links_its_records() -> None:
    records = [*_filler(6),
               record(user_agent="RareBrowser/1", site_id="site-0002"),
               record(user_agent="RareBrowser/1", day=1),
               record(user_agent="OnlyHere/2"),  # rare, but on one site-day: links nothing
               *[record(user_agent="Common/3", day=d) for d in (0, 0, 1)]]  # held by 3: not rare  # fmt: skip
    rows = _rows(records)
    ua = rows["user_agent"]
    assert ua["linked_records"] == 2 and ua["linking_values"] == 1
    assert ua["linked_share"] == 2 / 12
    assert ua["rare_share"] == 3 / 12
    assert ua["distinct_values"] == 4


def test_pseudonyms_link_nothing_unless_a_key_is_reused() -> None:
    fresh = [record(visitor_key="a1"), record(visitor_key="a2", day=1)]
    assert _rows(fresh)["visitor_key"]["linked_records"] == 0
    reused = [record(visitor_key="same"), record(visitor_key="same", day=1)]
    assert _rows(reused)["visitor_key"]["linked_records"] == 2


def test_a_carried_time_links_the_site_day_it_was_an_event_time_in() -> None:
    moment = DAY0 + 12_345_678
    records = [
        *_filler(4),
        record(event_time=moment),  # the visit...
        record(day=1, last_visit_time=moment),  # ...carried into the next day's record
        record(event_time=moment + 1, site_id="site-0002"),  # a time shared by chance:
        record(event_time=moment + 1, day=1),  # per-event values are no join key on their own
    ]
    rows = _rows(records)
    assert rows["event_time"]["linked_records"] == 1
    assert rows["last_visit_time"]["linked_records"] == 1
    assert rows["last_visit_time"]["linked_share"] == 1 / 8


def test_a_day_cut_carried_time_links_nothing() -> None:
    midnight = DAY0
    records = [record(day=1, last_visit_time=midnight, visitor_key=f"v{i}") for i in range(4)]
    records += [record(event_time=DAY0 + 5, visitor_key="w")]
    assert _rows(records, rare=2)["last_visit_time"]["linked_records"] == 0


def test_positions_and_constants_are_not_candidates() -> None:
    records = [record(x=7, y=9, scroll_depth=55), record(x=7, y=9, scroll_depth=55, day=1)]
    rows = _rows(records)
    assert not {"x", "y", "scroll_depth", "site_id", "key_id", "geo_db"} & set(rows)
    assert rows["event_id"]["linked_records"] == 0
