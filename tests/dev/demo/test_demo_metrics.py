"""The demo's figures: Prometheus text parsing, rates and latency quantiles from bucket deltas."""

from __future__ import annotations

import math

import orjson
import pytest

from pipeline.core import Engine
from pipeline.dev.demo.metrics import LATENCY, PRODUCED, REJECTED, Window, parse, quantile
from pipeline.dev.demo.sample import RecentEvents
from pipeline.dev.traffic import TrafficGenerator
from pipeline.secrets.ephemeral import EphemeralDays
from pipeline.secrets.store import DaySecretUnavailable

BOUNDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0)


def exposition(produced: float, rejected: dict[str, float], buckets: list[float]) -> str:
    """Prometheus text for a worker whose latency histogram has per-bucket `buckets` counts."""
    lines = [
        "# TYPE anonymizer_events_produced_total counter",
        f"anonymizer_events_produced_total {produced}",
        "# TYPE anonymizer_events_rejected_total counter",
        *(f'anonymizer_events_rejected_total{{reason="{r}"}} {v}' for r, v in rejected.items()),
        "# TYPE anonymizer_consumer_lag gauge",
        'anonymizer_consumer_lag{partition="0"} 3',
        'anonymizer_consumer_lag{partition="1"} 4',
        "# TYPE anonymizer_end_to_end_latency_seconds histogram",
    ]
    running = 0.0
    for clock in ("event_time", "record_time"):
        running = 0.0
        for bound, count in zip((*BOUNDS, math.inf), buckets, strict=True):
            running += count
            le = "+Inf" if math.isinf(bound) else repr(bound)
            lines.append(
                f'anonymizer_end_to_end_latency_seconds_bucket{{clock="{clock}",le="{le}"}} {running}'
            )
        lines.append(f'anonymizer_end_to_end_latency_seconds_count{{clock="{clock}"}} {running}')
        lines.append(f'anonymizer_end_to_end_latency_seconds_sum{{clock="{clock}"}} 1.0')
    return "\n".join(lines) + "\n"


def test_parse_totals_labels_and_buckets() -> None:
    s = parse(exposition(10, {"not_json": 2, "bad_type": 3}, [1, 0, 0, 0, 0, 0, 0, 0, 0]))
    assert s.total(PRODUCED) == 10
    assert s.total(REJECTED) == 5
    assert s.by_label(REJECTED, "reason") == {"not_json": 2, "bad_type": 3}
    assert s.total("anonymizer_consumer_lag") == 7
    buckets = s.buckets(LATENCY, clock="record_time")
    assert buckets[0] == (0.005, 1) and buckets[-1] == (math.inf, 1)


def test_quantile_interpolates_inside_the_bucket() -> None:
    cumulative = [(0.1, 0.0), (0.2, 100.0), (math.inf, 100.0)]
    assert quantile(0.5, cumulative) == pytest.approx(0.15)
    assert quantile(0.99, cumulative) == pytest.approx(0.199)
    assert quantile(0.5, [(0.1, 0.0), (math.inf, 0.0)]) is None
    assert quantile(0.5, []) is None
    # in the +Inf bucket: the highest finite bound
    assert quantile(0.99, [(0.1, 10.0), (math.inf, 100.0)]) == 0.1


def test_window_uses_deltas_of_the_last_seconds() -> None:
    w = Window(seconds=5)
    # A slow start (everything in the 0.5..1 s bucket), then fast batches (0.01..0.025 s).
    w.add(parse(exposition(0, {}, [0, 0, 0, 0, 0, 0, 0, 1000, 0]), at=0.0))
    w.add(parse(exposition(500, {"not_json": 10}, [0, 0, 0, 0, 0, 0, 0, 1000, 0]), at=5.0))
    w.add(parse(exposition(5500, {"not_json": 60}, [0, 0, 1000, 0, 0, 0, 0, 1000, 0]), at=10.0))
    assert w.rate(PRODUCED) == pytest.approx(1000.0)
    assert w.rate(REJECTED) == pytest.approx(10.0)
    p50 = w.latency(0.5)
    assert p50 is not None and 0.01 <= p50 <= 0.025
    overall = w.overall_latency(0.99)
    assert overall is not None and 0.5 <= overall <= 1.0


def test_window_needs_two_scrapes() -> None:
    w = Window()
    assert w.rate(PRODUCED) == 0.0 and w.latency(0.5) is None
    w.add(parse(exposition(5, {}, [1, 0, 0, 0, 0, 0, 0, 0, 0]), at=1.0))
    assert w.rate(PRODUCED) == 0.0 and w.latency(0.5) is None


def test_recent_events_keeps_valid_events_by_id_bounded() -> None:
    days = EphemeralDays()  # stands for the store's day keys, which the worker holds too
    recent = RecentEvents.for_days(lambda: days, capacity=100)
    events = list(TrafficGenerator(1, garbage=0.2).events(500))
    for e in events:
        recent.remember(e)
    valid = [e for e in events if e.garbage is None]
    # Paired by the pseudonym the worker's record carries, which the engine computes too.
    engine = Engine()
    newest = engine.as_dict(engine.process([valid[-1].payload], days).records[0])
    assert newest["event_id"] != orjson.loads(valid[-1].payload)["event_id"]
    assert recent.get(newest["event_id"]) == valid[-1].payload
    oldest = engine.as_dict(engine.process([valid[0].payload], days).records[0])
    assert recent.get(oldest["event_id"]) is None
    assert len(recent._events) == 100


def test_recent_events_without_a_day_secret_remember_nothing() -> None:
    def unavailable() -> EphemeralDays:
        raise DaySecretUnavailable("the store cannot be read")

    recent = RecentEvents.for_days(unavailable)
    for event in TrafficGenerator(2, garbage=0.0).events(20):
        recent.remember(event)  # the sample is decoration: never an exception into the traffic
    assert len(recent._events) == 0
