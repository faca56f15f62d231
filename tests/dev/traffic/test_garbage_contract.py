"""Garbage breaks the input contract as the engine reads it: each kind is rejected for one of its
expected reasons, and an event type's missing fields are the ones the policy says it needs."""

from __future__ import annotations

import orjson
import pytest

from pipeline.core import Engine, Reason
from pipeline.core.contract import REQUIRED
from pipeline.core.policy import load_policy
from pipeline.dev.traffic import EXPECTED_REASONS, TrafficGenerator
from pipeline.dev.traffic.garbage import MAX_PAYLOAD
from pipeline.secrets.ephemeral import EphemeralDays


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def test_every_garbage_kind_is_rejected_for_an_expected_reason(engine: Engine) -> None:
    events = list(TrafficGenerator(17, garbage=1.0).events(4_000))
    result = engine.process([e.payload for e in events], EphemeralDays())
    assert not result.records
    assert [r.index for r in result.rejects] == list(range(len(events)))
    for reject in result.rejects:
        kind = events[reject.index].garbage
        assert kind is not None and reject.reason.value in EXPECTED_REASONS[kind], (kind, reject)


def test_inconsistent_events_lack_what_the_policy_requires_of_their_type(engine: Engine) -> None:
    requires = dict(load_policy().fields["event_type"].requires)
    events = [
        e for e in TrafficGenerator(19, garbage=1.0).events(6_000) if e.garbage == "inconsistent"
    ]
    result = engine.process([e.payload for e in events], EphemeralDays())
    by_type: dict[str, set[str]] = {}
    for reject in result.rejects:
        assert reject.reason is Reason.INCONSISTENT
        event = orjson.loads(events[reject.index].payload)
        if reject.field != "last_visit_time":
            assert reject.field in requires[event["event_type"]]
            by_type.setdefault(event["event_type"], set()).add(reject.field)
    assert set(by_type) == set(requires)  # every type that needs fields is broken somewhere


def test_missing_fields_are_the_contract_s_required_ones(engine: Engine) -> None:
    events = [
        e for e in TrafficGenerator(23, garbage=1.0).events(6_000) if e.garbage == "missing_field"
    ]
    result = engine.process([e.payload for e in events], EphemeralDays())
    assert {r.field for r in result.rejects} == set(REQUIRED)
    assert load_policy().max_payload_bytes == MAX_PAYLOAD
