"""One batch cycle's decisions, without I/O: what to produce, what to redo, when to back off.

A runtime (the confluent loop, the faust agent) consumes a batch, calls the engine, then asks
`BatchCycle.plan` what to produce: the engine's records to the output topic and its rejects as
dead letters, plus, as `output_too_large` dead letters (step `produce`), the records the output
topic refused in an earlier attempt of the same batch. After the produce/commit attempt it tells
the cycle the outcome: `committed` (the refused records of the batch are forgotten, the abort
streak ends) or `aborted` with the indexes the broker refused as too large; the cycle answers with
a `Redo`: the span of each partition to consume again (the whole batch: nothing of it was
committed) and how long to back off first (none after a first abort, then doubling up to a cap).
It gives up with `FatalKafkaError` when a record already redone as a dead letter is refused again
(a loop otherwise); `ProducerRebuilds` gives up after too many producer rebuilds in a row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pipeline.core.engine import BatchResult, Reject
from pipeline.core.reasons import Reason
from pipeline.errors import AnonymizerError

Source = tuple[str, int, int]  # (topic, partition, offset) of one input record
Spans = dict[tuple[str, int], tuple[int, int]]  # per (topic, partition): (first, last + 1)
Seal = Callable[[int, Reason, str], Reject]  # (batch index, reason, step) -> a sealed reject


class FatalKafkaError(AnonymizerError):
    """Kafka failed in a way this process cannot recover from: exit non-zero."""


class Located(Protocol):
    """What the cycle needs of an input message (confluent-kafka's `Message` has it)."""

    def topic(self) -> str | None: ...
    def partition(self) -> int | None: ...
    def offset(self) -> int | None: ...


def sources_of(batch: Sequence[Located]) -> tuple[Source, ...]:
    """Where each record of `batch` came from, in batch order (a consumed record has all three)."""
    return tuple((m.topic(), m.partition(), m.offset()) for m in batch)  # type: ignore[return-value]


def spans_of(sources: Iterable[Source]) -> Spans:
    """Per (topic, partition): (first offset, last offset + 1) of the records."""
    spans: Spans = {}
    for topic, partition, offset in sources:
        first, end = spans.get((topic, partition), (offset, offset + 1))
        spans[topic, partition] = (min(first, offset), max(end, offset + 1))
    return spans


@dataclass(frozen=True, slots=True)
class Backoff:
    """Seconds to wait before redoing a batch after the n-th abort in a row: none after the
    first, then `base_s * 2**n` (n at most `max_exponent`), never more than `cap_s`."""

    base_s: float = 0.25
    cap_s: float = 5.0
    max_exponent: int = 5

    def seconds(self, aborts_in_row: int) -> float:
        if aborts_in_row <= 1:
            return 0.0
        return min(self.cap_s, self.base_s * 2 ** min(aborts_in_row, self.max_exponent))


@dataclass(frozen=True, slots=True)
class Plan:
    """One attempt at a batch: `result` says what to produce (records to the output topic,
    rejects as dead letters); `sources` where each input record came from."""

    sources: tuple[Source, ...]
    result: BatchResult

    def spans(self) -> Spans:
        return spans_of(self.sources)

    def commit_offsets(self) -> list[tuple[str, int, int]]:
        """(topic, partition, offset) to commit with the output: each partition's end."""
        return [(t, p, end) for (t, p), (_, end) in self.spans().items()]


@dataclass(frozen=True, slots=True)
class Redo:
    """After an abort: seek each partition back to its span's first offset, and wait
    `backoff_s` seconds (0: none) before consuming again."""

    rewind: Spans
    backoff_s: float


@dataclass(slots=True)
class BatchCycle:
    """The decisions of the batch cycle (see the module docstring); holds only what spans
    attempts: the records refused as too large, the aborts in a row and the totals."""

    backoff: Backoff = field(default_factory=Backoff)
    aborts_in_row: int = 0
    refused: set[Source] = field(default_factory=set)
    totals: dict[str, int] = field(
        default_factory=lambda: {"consumed": 0, "produced": 0, "rejected": 0, "aborted": 0}
    )

    def plan(self, sources: Sequence[Source], result: BatchResult, seal: Seal) -> Plan:
        """What to produce for a consumed batch, given the engine's result for it."""
        sources = tuple(sources)
        self.totals["consumed"] += len(sources)
        if self.refused:
            indexes = {i for i, s in enumerate(sources) if s in self.refused}
            result = result.refused(indexes, seal)
        return Plan(sources, result)

    def committed(self, plan: Plan) -> None:
        """The attempt committed: its records are done, the abort streak ends."""
        self.aborts_in_row = 0
        self.totals["produced"] += len(plan.result.records)
        self.totals["rejected"] += len(plan.result.rejects)
        if self.refused:
            self.refused.difference_update(plan.sources)

    def aborted(self, plan: Plan, too_large: Iterable[int] = ()) -> Redo:
        """The attempt was aborted (`too_large`: batch indexes the output refused as too large):
        redo the whole batch, these records as dead letters. Raises `FatalKafkaError` when one of
        them was a dead letter already (the dead-letter topic refused it: no loop)."""
        self.totals["aborted"] += 1
        self.aborts_in_row += 1
        for index in too_large:
            source = plan.sources[index]
            if source in self.refused:
                raise FatalKafkaError(
                    "a dead letter is too large for the dead-letter topic's max.message.bytes"
                )
            self.refused.add(source)
        return Redo(plan.spans(), self.backoff.seconds(self.aborts_in_row))

    def summary(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in self.totals.items())


@dataclass(slots=True)
class ProducerRebuilds:
    """Producer rebuilds in a row (a commit ends the streak); one more than `limit` is fatal."""

    limit: int = 5
    in_row: int = 0

    def rebuild(self, cause: str) -> None:
        """Count one rebuild for `cause`; raise `FatalKafkaError` past the limit."""
        self.in_row += 1
        if self.in_row > self.limit:
            raise FatalKafkaError(f"producer failed {self.in_row} times in a row, last: {cause}")

    def reset(self) -> None:
        self.in_row = 0
