"""One Kafka transaction per batch: output records, dead letters and the consumed offsets.

Error handling (librdkafka's classification of each `KafkaError`):
- retriable (`err.retriable()`, e.g. a timeout while the broker restarts): the same call is
  retried with a short back-off, up to `retry_seconds`, then the transaction is aborted;
- abortable (`err.txn_requires_abort()`, a failed delivery, a rebalance that fenced the
  consumer generation): the transaction is aborted and `run` returns `Aborted`; the caller
  rewinds the consumer to the batch's first offsets and redoes the batch;
- fatal (`err.fatal()`, e.g. fenced by a newer producer with the same transactional.id, or an
  epoch the broker no longer knows after a restart): the producer is REBUILT (a new producer
  with the same transactional.id, whose `init_transactions` fences the old one and aborts
  whatever it left open) and the batch is redone. After `max_rebuilds` rebuilds in a row
  without a commit (`batch_cycle.ProducerRebuilds` decides), `FatalKafkaError` is raised and
  the worker exits non-zero, for the orchestrator to restart it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from confluent_kafka import KafkaError, KafkaException, Producer, TopicPartition

from pipeline.worker.batch_cycle import FatalKafkaError, ProducerRebuilds
from pipeline.worker.kafkalog import describe
from pipeline.worker.messages import Outgoing
from pipeline.worker.watchdog import Watchdog

log = logging.getLogger(__name__)
# Another producer took this transactional id (two instances share an id, or a zombie's epoch).
FENCED = frozenset(
    {KafkaError._FENCED, KafkaError.PRODUCER_FENCED, KafkaError.INVALID_PRODUCER_EPOCH}
)
SLOW_DELIVERY_SECONDS = 5.0  # records still undelivered after this: report it (`on_retry`)


@dataclass(frozen=True, slots=True)
class Committed:
    pass


@dataclass(frozen=True, slots=True)
class Aborted:
    """The batch must be redone; `too_large` holds the batch indexes the output refused."""

    cause: str
    too_large: set[int] = field(default_factory=set)
    fenced: bool = False  # another producer took the transactional id


Outcome = Committed | Aborted


class Transactions:
    """A transactional producer that commits one batch at a time (see the module docstring)."""

    def __init__(
        self,
        config: dict[str, Any],
        *,
        stopping: Callable[[], bool] = lambda: False,
        call_timeout: float = 10.0,
        retry_seconds: float = 120.0,
        max_rebuilds: int = 5,
        watchdog: Watchdog | None = None,
        on_retry: Callable[[str], None] = lambda what: None,
    ) -> None:
        self.config = {**config, "delivery.report.only.error": True, "on_delivery": self._failed}
        self.stopping = stopping
        self.call_timeout = call_timeout
        self.retry_seconds = retry_seconds
        self._rebuilds = ProducerRebuilds(max_rebuilds)
        self.watchdog = watchdog
        self.on_retry = on_retry  # told (a short state, no payload) while a call is retried
        self._failures: list[tuple[KafkaError, bytes | None]] = []
        self.producer: Producer | None = None

    def start(self, wait_seconds: float = 120.0) -> None:
        """Create the producer and `init_transactions` (fencing a killed predecessor)."""
        self.producer = Producer(self.config)
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                self.producer.init_transactions(self.call_timeout)
                return
            except KafkaException as exc:
                err = exc.args[0]
                if err.fatal() or not err.retriable() or time.monotonic() > deadline:
                    raise FatalKafkaError(f"init_transactions failed: {describe(err)}") from None
                log.warning("init_transactions: %s, retrying", describe(err))
                time.sleep(0.5)

    def _failed(self, err: KafkaError | None, msg: Any) -> None:
        if err is not None:
            self._failures.append((err, msg.value()))

    def run(
        self, messages: Sequence[Outgoing], offsets: list[TopicPartition], group: Any
    ) -> Outcome:
        """Produce `messages` and commit them with `offsets` in one transaction."""
        assert self.producer is not None, "start() first"
        self._failures.clear()
        try:
            outcome = self._transaction(self.producer, messages, offsets, group)
        except KafkaException as exc:
            err = exc.args[0]
            if err.fatal():
                self._rebuild(err)
                fenced = err.code() in FENCED
                return Aborted(f"fatal {describe(err)}: producer rebuilt", fenced=fenced)
            outcome = Aborted(describe(err))
        if isinstance(outcome, Aborted):
            self._abort()
        else:
            self._rebuilds.reset()
        return outcome

    @property
    def rebuilds(self) -> int:
        """Producer rebuilds since the last commit."""
        return self._rebuilds.in_row

    def _transaction(
        self, p: Producer, messages: Sequence[Outgoing], offsets: list[TopicPartition], group: Any
    ) -> Outcome:
        p.begin_transaction()
        too_large: set[int] = set()
        for m in messages:
            while True:
                try:
                    p.produce(m.topic, m.value, m.key, headers=m.headers)
                    break
                except BufferError:  # the bounded queue is full: let it drain
                    p.poll(0.05)
                except KafkaException as exc:
                    if exc.args[0].code() != KafkaError.MSG_SIZE_TOO_LARGE:
                        raise
                    too_large.add(m.source)
                    break
        self._retrying("send_offsets_to_transaction", p.send_offsets_to_transaction,
                       offsets, group, self.call_timeout)  # fmt: skip
        started = time.monotonic()
        deadline, slow = started + self.retry_seconds, started + SLOW_DELIVERY_SECONDS
        while (waiting := p.flush(1.0)) and time.monotonic() < deadline:
            if slow and time.monotonic() > slow:
                slow = 0.0
                self.on_retry(f"delivery: {waiting} records waiting for the brokers")
        if self._failures or too_large:
            by_value = {m.value: m.source for m in messages}
            codes = {err.code() for err, _ in self._failures}
            for err, value in self._failures:
                if err.code() == KafkaError.MSG_SIZE_TOO_LARGE and value in by_value:
                    too_large.add(by_value[value])
            names = sorted(describe(err) for err, _ in self._failures[:1])
            cause = names[0] if names else "MSG_SIZE_TOO_LARGE"
            if codes - {KafkaError.MSG_SIZE_TOO_LARGE}:
                return Aborted(f"delivery failed: {cause}")
            return Aborted(f"delivery failed: {cause}", too_large)
        self._retrying("commit_transaction", p.commit_transaction, self.call_timeout)
        return Committed()

    def _retrying(self, what: str, call: Callable[..., Any], *args: Any) -> None:
        deadline = time.monotonic() + self.retry_seconds
        while True:
            try:
                if self.watchdog is None:
                    call(*args)
                else:
                    with self.watchdog.guard(what):
                        call(*args)
                return
            except KafkaException as exc:
                err = exc.args[0]
                if not err.retriable() or err.txn_requires_abort() or err.fatal():
                    raise
                if time.monotonic() > deadline:
                    raise
                log.warning("%s: %s, retrying", what, describe(err))
                self.on_retry(f"{what}: {describe(err)}, retrying")
                time.sleep(0.2)

    def _abort(self) -> None:
        p = self.producer
        assert p is not None
        try:
            self._retrying("abort_transaction", p.abort_transaction, self.call_timeout)
        except KafkaException as exc:
            err = exc.args[0]
            if err.fatal() or not err.retriable():
                self._rebuild(err)
            else:
                raise FatalKafkaError(f"abort_transaction failed: {describe(err)}") from None

    def _rebuild(self, err: KafkaError) -> None:
        self._rebuilds.rebuild(describe(err))
        log.warning("producer error %s: rebuilding the producer", describe(err))
        old, self.producer = self.producer, None
        if old is not None:
            old.purge(in_queue=True, in_flight=True)
        self._failures.clear()
        self.start()

    def close(self, timeout: float = 10.0) -> None:
        if self.producer is not None:
            self.producer.flush(timeout)
