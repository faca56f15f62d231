"""User agents are reduced as browsers reduce their own: major versions, no device, no build."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core import Engine
from pipeline.core.user_agent import reduce_user_agent
from pipeline.dev.traffic.agents import _ANDROID_MODELS
from tests.core.core_events import dumps, only_record, valid_event

CASES = [
    (
        "Mozilla/5.0 (Linux; Android 14; SO-51C Build/64.2.C.0.201; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/131.0.6778.81 Mobile Safari/537.36 Line/14.19.1/IAB",
        "Mozilla/5.0 (Linux; Android 14; K; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Version/4.0 Chrome/131.0.0.0 Mobile Safari/537.36 Line/14.0.0/IAB",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.1.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.0.0 Mobile/15E148 Safari/604.1",
    ),
    (
        "Mozilla/5.0 (Linux; U; Android 8.1.0; ja-jp; SH-01K Build/S4045) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/61.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 8; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Version/4.0 Chrome/61.0 Mobile Safari/537.36",
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0.3",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0.0",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/450.0.0.23.108;FBDV/iPhone14,5]",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    ),
    ("curl/8.4.0", "curl/8.0.0"),
    ("not a user agent", "not a user agent"),
]


@pytest.mark.parametrize(("raw", "reduced"), CASES)
def test_known_user_agents_are_reduced(raw: str, reduced: str) -> None:
    assert reduce_user_agent(raw) == reduced


def test_the_engine_emits_the_reduced_user_agent(engine: Engine) -> None:
    raw, reduced = CASES[0]
    assert only_record(engine, dumps(valid_event(user_agent=raw)))["user_agent"] == reduced


@pytest.mark.parametrize("model", sorted(set(_ANDROID_MODELS)))
def test_no_android_device_model_comes_out(model: str) -> None:
    ua = f"Mozilla/5.0 (Linux; Android 14; {model}) AppleWebKit/537.36 Chrome/131.0.6778.81"
    assert model not in reduce_user_agent(ua)


versions = st.lists(st.integers(0, 99_999).map(str), min_size=2, max_size=5).map(".".join)
names = st.from_regex(r"[A-Za-z][A-Za-z]{1,12}", fullmatch=True)


@given(names, versions, st.text(max_size=40))
def test_only_the_major_version_of_a_product_is_kept_and_reducing_twice_changes_nothing(
    name: str, version: str, rest: str
) -> None:
    out = reduce_user_agent(f"{name}/{version} {rest}")
    assert reduce_user_agent(out) == out
    if name not in ("Mozilla", "Safari", "Gecko", "KHTML"):
        major = version.split(".")[0]
        assert re.match(rf"{name}/{major}(\.0)+\b", out), out


def test_the_scrubbers_markers_stay() -> None:
    assert reduce_user_agent("Mozilla/5.0 (contact [email]) [id] Chrome/131.0.1") == (
        "Mozilla/5.0 (contact [email]) [id] Chrome/131.0.0"
    )
