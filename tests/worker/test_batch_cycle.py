"""The worker's batch cycle without a broker: plain fakes stand in for the broker's answers
(a partitioned log, a consumer position, a commit or an abort), so the decisions are tested alone:
what to produce, what becomes a dead letter, what to redo from which offsets, how long to back
off, when to give up."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.engine import BatchResult, Record, Reject
from pipeline.core.reasons import Reason
from pipeline.worker.batch_cycle import (
    Backoff,
    BatchCycle,
    FatalKafkaError,
    Plan,
    ProducerRebuilds,
    Source,
    sources_of,
    spans_of,
)
from pipeline.worker.messages import PRODUCE_STEP

TOPIC = "raw"


def seal(index: int, reason: Reason, step: str) -> Reject:
    """A fake of the engine's sealing: the reject as the cycle asked for it."""
    return Reject(index, reason, None, step, "day-key", 64, b"sealed")


def engine(sources: Sequence[Source], garbage: Collection[Source] = ()) -> BatchResult:
    """A fake engine: every source a record, but those in `garbage`, which are `not_json`."""
    records = [Record(i, b"k", b"v", ()) for i, s in enumerate(sources) if s not in garbage]
    rejects = [
        Reject(i, Reason.NOT_JSON, None, "decode", "day-key", 64, b"sealed")
        for i, s in enumerate(sources)
        if s in garbage
    ]
    return BatchResult(records, rejects, Counter(), {})


def indexes(result: BatchResult) -> list[int]:
    return sorted([r.index for r in result.records] + [r.index for r in result.rejects])


@dataclass
class FakeMessage:
    """A consumed record as confluent-kafka's `Message` shows its place."""

    _topic: str
    _partition: int
    _offset: int

    def topic(self) -> str:
        return self._topic

    def partition(self) -> int:
        return self._partition

    def offset(self) -> int:
        return self._offset


@dataclass
class FakeBroker:
    """Partitions of `sizes[p]` records; one consumer's position and the committed offsets."""

    sizes: list[int]
    position: dict[int, int] = field(default_factory=dict)
    committed: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.position = dict.fromkeys(range(len(self.sizes)), 0)
        self.committed = dict.fromkeys(range(len(self.sizes)), 0)

    def consume(self, n: int) -> list[FakeMessage]:
        batch: list[FakeMessage] = []
        for p, size in enumerate(self.sizes):
            while len(batch) < n and self.position[p] < size:
                batch.append(FakeMessage(TOPIC, p, self.position[p]))
                self.position[p] += 1
        return batch

    def commit(self, offsets: list[tuple[str, int, int]]) -> None:
        for _, p, end in offsets:
            self.committed[p] = end

    def seek(self, topic: str, partition: int, offset: int) -> None:
        self.position[partition] = offset

    def uncommitted(self) -> dict[tuple[str, int], tuple[int, int]]:
        return {
            (TOPIC, p): (self.committed[p], self.position[p])
            for p in self.position
            if self.position[p] > self.committed[p]
        }

    def drained(self) -> bool:
        return all(self.committed[p] == size for p, size in enumerate(self.sizes))


def sources(*offsets: int, partition: int = 0) -> list[Source]:
    return [(TOPIC, partition, o) for o in offsets]


def test_refused_records_are_redone_as_dead_letters_with_the_declared_reason() -> None:
    cycle = BatchCycle()
    batch = sources(10, 11, 12, 13, 14)
    result = engine(batch, garbage={batch[4]})
    first = cycle.plan(batch, result, seal)
    assert first.result is result  # nothing refused yet: the engine's result as it is

    cycle.aborted(first, too_large={1, 3})
    again = cycle.plan(batch, engine(batch, garbage={batch[4]}), seal)

    assert [r.index for r in again.result.records] == [0, 2]
    moved = [r for r in again.result.rejects if r.index in (1, 3)]
    assert [(r.reason, r.step) for r in moved] == [(Reason.OUTPUT_TOO_LARGE, PRODUCE_STEP)] * 2
    assert [r.index for r in again.result.rejects] == [1, 3, 4]  # index order
    assert indexes(again.result) == list(range(5))
    assert [r.index for r in result.records] == [0, 1, 2, 3]  # the engine's result untouched

    cycle.committed(again)
    assert cycle.refused == set()  # done: a later batch is not touched
    assert cycle.plan(batch, result, seal).result is result


def test_only_the_refused_sources_become_dead_letters_in_a_mixed_batch() -> None:
    cycle = BatchCycle()
    first = cycle.plan(sources(0, 1), engine(sources(0, 1)), seal)
    cycle.aborted(first, too_large={1})
    # the redo came in another order: the refused record sits at another index now
    redo = sources(0, partition=1) + sources(0, 1)
    plan = cycle.plan(redo, engine(redo), seal)
    assert [(r.index, r.reason) for r in plan.result.rejects] == [(2, Reason.OUTPUT_TOO_LARGE)]
    assert [r.index for r in plan.result.records] == [0, 1]


@pytest.mark.parametrize("refused_twice", ["redone record", "engine's dead letter"])
def test_a_dead_letter_refused_as_too_large_is_fatal(refused_twice: str) -> None:
    cycle = BatchCycle()
    batch = sources(0, 1, 2)
    result = engine(batch, garbage={batch[2]})
    index = 1 if refused_twice == "redone record" else 2
    cycle.aborted(cycle.plan(batch, result, seal), too_large={index})
    plan = cycle.plan(batch, result, seal)
    with pytest.raises(FatalKafkaError, match=r"dead-letter topic's max\.message\.bytes"):
        cycle.aborted(plan, too_large={index})


def test_aborts_in_a_row_back_off_on_the_schedule_and_a_commit_ends_the_streak() -> None:
    cycle = BatchCycle()  # the worker's schedule: none, then 1, 2, 4 s, then 5 s at most
    batch = sources(0, 1)
    plan = cycle.plan(batch, engine(batch), seal)
    waits = [cycle.aborted(plan).backoff_s for _ in range(8)]
    assert waits == [0.0, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0, 5.0]
    cycle.committed(plan)
    assert cycle.aborted(plan).backoff_s == 0.0

    custom = BatchCycle(Backoff(base_s=0.125, cap_s=1.5, max_exponent=3))
    waits = [custom.aborted(plan).backoff_s for _ in range(5)]
    assert waits == [0.0, 0.5, 1.0, 1.0, 1.0]
    custom = BatchCycle(Backoff(base_s=0.125, cap_s=0.75))
    assert [custom.aborted(plan).backoff_s for _ in range(4)] == [0.0, 0.5, 0.75, 0.75]


def test_producer_failures_in_a_row_back_off_then_fail() -> None:
    """The transactional producer fails fatally on every attempt (`Transactions` counts each
    rebuild, the loop redoes the batch): the waits follow the schedule, the sixth failure in a
    row gives up, and a commit in between resets both counts."""
    cycle, rebuilds = BatchCycle(), ProducerRebuilds(limit=5)
    batch = sources(0, 1, 2)
    waits = []
    with pytest.raises(FatalKafkaError, match="producer failed 6 times in a row, last: FENCED"):
        while True:
            plan = cycle.plan(batch, engine(batch), seal)
            rebuilds.rebuild("FENCED")  # raises before a sixth rebuild
            waits.append(cycle.aborted(plan).backoff_s)
    assert waits == [0.0, 1.0, 2.0, 4.0, 5.0]
    assert cycle.totals["aborted"] == 5

    rebuilds.reset()  # a commit
    for _ in range(5):
        rebuilds.rebuild("FENCED")
    assert rebuilds.in_row == 5


def test_the_rewind_after_an_abort_covers_exactly_the_uncommitted_span() -> None:
    broker, cycle = FakeBroker([5, 3, 0]), BatchCycle()
    first = cycle.plan(sources_of(batch := broker.consume(4)), engine([]), seal)
    broker.commit(first.commit_offsets())
    cycle.committed(first)
    assert broker.committed == {0: 4, 1: 0, 2: 0}

    batch = broker.consume(3)  # offset 4 of partition 0, offsets 0 and 1 of partition 1
    plan = cycle.plan(sources_of(batch), engine(sources_of(batch)), seal)
    assert plan.commit_offsets() == [(TOPIC, 0, 5), (TOPIC, 1, 2)]
    redo = cycle.aborted(plan)
    assert redo.rewind == {(TOPIC, 0): (4, 5), (TOPIC, 1): (0, 2)} == broker.uncommitted()
    for (topic, partition), (first_offset, _) in redo.rewind.items():
        broker.seek(topic, partition, first_offset)
    assert sources_of(broker.consume(3)) == sources_of(batch)  # the same records, once more


def test_spans_of_unordered_sources() -> None:
    spans = spans_of([(TOPIC, 1, 7), (TOPIC, 0, 3), (TOPIC, 1, 5), ("other", 1, 9)])
    assert spans == {(TOPIC, 1): (5, 8), (TOPIC, 0): (3, 4), ("other", 1): (9, 10)}


# One attempt: commit, abort, or abort with these batch indexes refused as too large
# (as fractions of the batch's records, so any batch size can take them).
Attempt = tuple[str, list[float]]
attempts = st.tuples(
    st.sampled_from(["commit", "abort", "too_large"]),
    st.lists(st.floats(0, 0.999), max_size=4),
)


@settings(max_examples=300, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 30), min_size=1, max_size=4),
    batch_size=st.integers(1, 25),
    garbage_every=st.integers(2, 9),
    script=st.lists(attempts, max_size=30),
)
def test_every_input_is_produced_or_dead_lettered_exactly_once(
    sizes: list[int], batch_size: int, garbage_every: int, script: list[Attempt]
) -> None:
    broker, cycle = FakeBroker(sizes), BatchCycle()
    garbage = {
        (TOPIC, p, o) for p, n in enumerate(sizes) for o in range(n) if o % garbage_every == 0
    }
    produced: list[Source] = []
    dead: dict[Source, Reason] = {}
    refused: set[Source] = set()
    script = list(script)
    while not broker.drained():
        batch = sources_of(broker.consume(batch_size))
        assert batch, "nothing to consume while records are uncommitted"
        plan: Plan = cycle.plan(batch, engine(batch, garbage), seal)
        assert indexes(plan.result) == list(range(len(batch)))
        kind, picks = script.pop(0) if script else ("commit", [])
        if kind == "commit":
            assert spans_of(plan.sources) == broker.uncommitted()
            broker.commit(plan.commit_offsets())
            produced += [batch[r.index] for r in plan.result.records]
            dead.update({batch[r.index]: r.reason for r in plan.result.rejects})
            cycle.committed(plan)
            continue
        records = [r.index for r in plan.result.records]
        too_large: set[int] = set()
        if kind == "too_large" and records:
            too_large = {records[int(f * len(records))] for f in picks}
        refused |= {batch[i] for i in too_large}
        redo = cycle.aborted(plan, too_large)
        assert redo.rewind == broker.uncommitted()  # exactly what was consumed, not committed
        for (topic, partition), (first, _) in redo.rewind.items():
            broker.seek(topic, partition, first)

    everything = [(TOPIC, p, o) for p, n in enumerate(sizes) for o in range(n)]
    assert sorted(produced + list(dead)) == everything
    assert len(produced) + len(dead) == len(everything)  # none twice
    assert {s for s, r in dead.items() if r is Reason.OUTPUT_TOO_LARGE} == refused
    assert cycle.refused == set()
    assert cycle.totals["consumed"] >= len(everything)
    assert cycle.totals["produced"] + cycle.totals["rejected"] == len(everything)
