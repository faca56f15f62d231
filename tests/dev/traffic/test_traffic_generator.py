"""TrafficGenerator: determinism, validity of valid events, garbage kinds, sizes, speed."""

from __future__ import annotations

import collections
import os
import subprocess
import sys

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.dev.traffic import EXPECTED_REASONS, KINDS, GeneratedEvent, TrafficGenerator
from tests.dev.traffic.traffic_rules import KIND_VIOLATIONS, violations


@pytest.fixture(scope="module")
def stream() -> list[GeneratedEvent]:
    return list(TrafficGenerator(7, events_per_second=2.0).events(30_000))


def test_same_seed_gives_byte_identical_stream() -> None:
    a = TrafficGenerator(42, garbage=0.2).payloads(5_000)
    b = TrafficGenerator(42, garbage=0.2).payloads(5_000)
    assert a == b
    assert TrafficGenerator(43, garbage=0.2).payloads(5_000) != a


def test_a_generator_restarts_from_the_beginning() -> None:
    gen = TrafficGenerator(5)
    assert gen.payloads(500) == gen.payloads(500)
    endless = gen.events()
    assert [next(endless).payload for _ in range(500)] == gen.payloads(500)


@pytest.mark.parametrize("fraction", [0.0, 0.05, 0.2, 1.0])
def test_garbage_fraction_is_close_to_requested(fraction: float) -> None:
    n = 20_000
    got = sum(e.garbage is not None for e in TrafficGenerator(1, garbage=fraction).events(n)) / n
    assert abs(got - fraction) < 0.01


def test_valid_events_satisfy_every_rule(stream: list[GeneratedEvent]) -> None:
    broken = [(e.payload[:200], violations(e.payload)) for e in stream if e.garbage is None]
    broken = [b for b in broken if b[1]]
    assert broken == []


def test_each_garbage_kind_breaks_its_rule() -> None:
    seen: collections.Counter[str] = collections.Counter()
    for e in TrafficGenerator(11, garbage=1.0).events(8_000):
        assert e.garbage in KINDS
        found = violations(e.payload)
        assert len(found) == 1 and found <= KIND_VIOLATIONS[e.garbage], (e.garbage, found)
        seen[e.garbage] += 1
    assert set(seen) == set(KINDS)
    assert seen["too_large"] < seen["bad_type"] / 4  # rare, to keep memory sane


def test_expected_reasons_cover_every_kind() -> None:
    assert set(EXPECTED_REASONS) == set(KINDS)


def test_no_payload_contains_a_line_break() -> None:
    for e in TrafficGenerator(3, garbage=1.0).events(5_000):
        assert b"\n" not in e.payload and b"\r" not in e.payload


def test_mean_size_is_about_one_kilobyte(stream: list[GeneratedEvent]) -> None:
    sizes = [len(e.payload) for e in stream if e.garbage is None]
    mean = sum(sizes) / len(sizes)
    print(f"mean valid event size: {mean:.0f} B")
    assert 800 <= mean <= 1_300
    assert max(sizes) < 4_096


def test_event_types_are_weighted_and_carry_their_fields(stream: list[GeneratedEvent]) -> None:
    events = [orjson.loads(e.payload) for e in stream if e.garbage is None]
    types = collections.Counter(ev["event_type"] for ev in events)
    assert set(types) == {"page_view", "tap", "click", "scroll", "ab_exposure", "conversion"}
    assert types.most_common(1)[0][0] == "page_view"
    assert types["conversion"] < types["scroll"]
    assert sum(1 for ev in events if ev["last_visit_time"] is not None) > 100


def test_planted_personal_data_is_present(stream: list[GeneratedEvent]) -> None:
    text = b"\n".join(e.payload for e in stream if e.garbage is None)
    for needle in (b"email=", b"token=eyJhbGciOi", b"/users/", b"access_token=", b"password=",
                   b"utm_source=", b"contact_email", b'"lat":', b"\xe6\xa7\x98"):  # fmt: skip
        assert needle in text, needle
    events = [orjson.loads(e.payload) for e in stream if e.garbage is None]
    assert sum("@" in ev["title"] for ev in events) > 10
    unknown = {k for ev in events for k in ev} - set(orjson.loads(stream[0].payload))
    assert {"email", "phone", "lat", "lng", "customer_name"} <= unknown | {"ip"}
    langs = collections.Counter(ev["language"] for ev in events)
    assert langs.most_common(1)[0][0] == "ja-JP"
    assert {"en-US", "zh-CN", "ko-KR"} <= set(langs)
    assert any("Chrome/131.0.0.0" in ev["user_agent"] for ev in events)


def test_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        TrafficGenerator(garbage=1.5)
    with pytest.raises(ValueError):
        TrafficGenerator(visitors=0)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32), visitors=st.integers(1, 300), sites=st.integers(1, 12))
def test_any_configuration_gives_valid_events(seed: int, visitors: int, sites: int) -> None:
    gen = TrafficGenerator(seed, visitors=visitors, sites=sites, garbage=0.0, days=1,
                           events_per_second=0.05)  # fmt: skip
    for e in gen.events(300):
        assert violations(e.payload) == set()


def test_stream_does_not_depend_on_the_process_hash_seed() -> None:
    code = (
        "import hashlib; from pipeline.dev.traffic import TrafficGenerator; "
        "print(hashlib.sha256(b''.join(TrafficGenerator(3, garbage=0.2).payloads(3000))).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            check=True,
            text=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(digests) == 1
