"""Names in Latin letters that a title, an honorific or a greeting marks as names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core import Engine
from pipeline.core.scrub_text import scrub_text
from tests.core.benign_corpus import BENIGN_TEXT
from tests.core.core_events import dumps, only_record, valid_event


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. John Smith | Orders", "Mr. [name] | Orders"),
        ("mr. john smith account", "mr. [name] account"),
        ("Summary of Ms. jane doe orders", "Summary of Ms. [name] orders"),
        ("Dr Tanaka clinic", "Dr [name] clinic"),
        ("Welcome back, Hanako Sato | MyShop", "Welcome back, [name] | MyShop"),
        ("Good morning, Ken Watanabe", "Good morning, [name]"),
        ("Dear Taro,", "Dear [name],"),
        ("Hi, Taro!", "Hi, [name]!"),
        ("Yamada-san no page", "[name]-san no page"),
        ("ようこそ Taro Yamada様", "ようこそ [name]様"),
        ("Smithさんのマイページ", "[name]さんのマイページ"),
    ],
)
def test_a_marked_name_becomes_a_marker(text: str, expected: str) -> None:
    assert scrub_text(text, 512) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Donut coupons",
        "Mister Donut 新商品",
        "Dr. Martens boots",
        "200 ms delay",
        "Hello, World",
        "Welcome to our store",
        "Dear Customer",
        "お客様 Welcome",
        "Products - Kumo Books",
    ],
)
def test_brands_units_and_greetings_of_nobody_are_kept(text: str) -> None:
    assert scrub_text(text, 512) == text


def test_the_benign_corpus_is_untouched_by_the_latin_name_detector() -> None:
    changed = [t for t in BENIGN_TEXT if "[name]" in scrub_text(t, 4096)]
    assert changed == []


_NAME = st.from_regex(r"[A-Z][a-z]{3,9}", fullmatch=True).filter(
    lambda w: w.lower() not in {"donut", "martens", "customer", "world", "guest", "member"}
)


@given(
    first=_NAME,
    last=_NAME,
    marker=st.sampled_from(["Mr. {}", "Dr {}", "Welcome back, {}", "{}様", "{}-san", "Dear {}"]),
)
def test_a_marked_name_never_comes_out(first: str, last: str, marker: str) -> None:
    out = scrub_text("マイページ " + marker.format(f"{first} {last}") + " | Shop", 512)
    assert first not in out and last not in out, out


def test_the_engine_removes_it_from_the_title(engine: Engine) -> None:
    out = only_record(engine, dumps(valid_event(title="Welcome back, Hanako Sato | Kumo Books")))
    assert out["title"] == "Welcome back, [name] | Kumo Books"
