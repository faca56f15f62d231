"""The outbox and the batch cycle without a broker, with the real engine: records the output
topic refused become dead letters sealed like the engine's in a new result, and the engine's
result is left as it was (no data flows back into it)."""

from __future__ import annotations

import copy

from pipeline.core.engine import Engine
from pipeline.core.reasons import Reason
from pipeline.dev.traffic import TrafficGenerator
from pipeline.secrets.ephemeral import EphemeralDays
from pipeline.worker.messages import PRODUCE_STEP, Outbox


def test_refused_records_become_dead_letters_in_a_new_result() -> None:
    engine, days = Engine(), EphemeralDays()
    payloads = TrafficGenerator(seed=3).payloads(200)
    arrivals = [None] * len(payloads)
    result = engine.process(payloads, days, arrival_ms=arrivals)
    before = copy.deepcopy((result.records, result.rejects))
    refused = {r.index for r in result.records[::7]}
    outbox = Outbox(engine, "out", "dead")

    seal = outbox.sealer(payloads, days, arrivals)

    after = result.refused(refused, seal)

    assert (result.records, result.rejects) == before  # the engine's result is untouched
    assert {r.index for r in after.records} == {r.index for r in result.records} - refused
    moved = [r for r in after.rejects if r.index in refused]
    assert {r.index for r in moved} == refused
    assert all(r.reason is Reason.OUTPUT_TOO_LARGE and r.step == PRODUCE_STEP for r in moved)
    assert all(r.field is None and r.sealed for r in moved)
    indexes = sorted([r.index for r in after.records] + [r.index for r in after.rejects])
    assert indexes == list(range(len(payloads)))  # every input exactly once
    assert [r.index for r in after.rejects] == sorted(r.index for r in after.rejects)
    assert result.refused(set(), seal) is result
