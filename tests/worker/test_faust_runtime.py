"""The faust runtime's guarantee, as docs/worker.md states it: at least once, never lost.

faust 0.15's "exactly_once" commits input offsets in transactions but sends the agent's output
outside them, so a crash between send and commit sends those events again. These tests hold the
engine to what it promises: after SIGKILL and a restart every raw event is in the output at
least once; a clean SIGTERM leaves exactly one copy of each.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.worker.worker_helpers import (
    Outputs,
    Raw,
    committed_total,
    produce_raw,
    read_outputs,
    traffic,
    wait_drained,
    wait_until,
)

pytestmark = pytest.mark.kafka


def copies(raw: Raw, out: Outputs) -> tuple[int, int]:
    """(missing, extra copies): dead letters by source position, records by event_id."""
    dead = Counter((d["source_partition"], d["source_offset"]) for d in out.dead_letters)
    assert set(dead) <= set(raw.ids), "a dead letter of a record never produced"
    expected = Counter(eid for where, eid in raw.ids.items() if where not in dead)
    got = Counter(r["event_id"] for r in out.records)
    missing = sum((expected - got).values())
    extra = sum((got - expected).values()) + sum(n - 1 for n in dead.values())
    return missing, extra


def test_faust_runtime_sigterm_gives_each_event_once(workers, kafka_topics) -> None:
    n = 5_000
    raw = produce_raw(kafka_topics, traffic(n, garbage=0.1, seed=7), Raw())
    worker = workers.start("f", "--runtime", "faust", "--batch-size", "500")
    wait_drained(kafka_topics, n, 120)
    assert worker.terminate(60) == 0
    assert copies(raw, read_outputs(kafka_topics)) == (0, 0)


def test_faust_runtime_sigkill_then_restart_loses_nothing(workers, kafka_topics) -> None:
    n = 20_000
    raw = produce_raw(kafka_topics, traffic(n, garbage=0.1, seed=8), Raw())
    first = workers.start("f", "--runtime", "faust", "--batch-size", "200")
    wait_until(lambda: committed_total(kafka_topics) >= 1_000, 120, "first commits",
               interval=0.02, check=first._check_alive)  # fmt: skip
    first.kill()
    done_at_kill = committed_total(kafka_topics)
    assert 0 < done_at_kill < n, "the kill must land mid-way"
    second = workers.start("f", "--runtime", "faust", "--batch-size", "200")
    wait_drained(kafka_topics, n, 180)
    assert second.terminate(60) == 0
    missing, extra = copies(raw, read_outputs(kafka_topics))
    print(f"\nfaust: killed after {done_at_kill} of {n} committed; {extra} extra copies")
    assert missing == 0, "at least once: nothing may be lost"
