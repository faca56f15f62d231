"""The confluent-kafka worker: consume a batch, anonymize it once, commit it in one transaction.

Each batch's anonymized records, its dead letters and the consumed offsets are committed in
one Kafka transaction, so a batch is done entirely or not at all (read_committed readers never
see a partial one). This module performs the I/O; what to produce, what to redo after an abort
(records the output topic refused become `output_too_large` dead letters; a dead letter refused
in turn is fatal rather than a loop), which offsets to rewind to and how long to back off are
decided by `batch_cycle.BatchCycle`; see `transactions` for the error classes.

Each batch is made under the day keys `DayGate` gives just before it is consumed. While today's
key cannot be had the worker consumes nothing: it pauses every assigned partition and keeps
polling (so it stays in the group however long that lasts, instead of leaving it after
max.poll.interval.ms and handing its partitions to members that would stop too), gives back
anything fetched meanwhile (seek to its first offset), and resumes where it stopped.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from confluent_kafka import Consumer, KafkaError, Message, TopicPartition

from pipeline.core.day_keys import HeldDays
from pipeline.observability.probes import STATS_INTERVAL_MS
from pipeline.worker.batch_cycle import (
    BatchCycle,
    FatalKafkaError,
    Plan,
    Spans,
    sources_of,
    spans_of,
)
from pipeline.worker.day_gate import DayGate
from pipeline.worker.kafkalog import RateLimited, callbacks, describe
from pipeline.worker.lag import LagTracker
from pipeline.worker.messages import Outbox, arrivals_ms, payloads_of, record_times_ms
from pipeline.worker.setup import WorkerSetup
from pipeline.worker.transactions import Aborted, Committed, Transactions
from pipeline.worker.watchdog import Watchdog

log = logging.getLogger(__name__)
PROGRESS_SECONDS = 30.0
HOLD_POLL_SECONDS = 0.5  # while paused: how long each poll waits (keeps the membership alive)


def consumer_config(setup: WorkerSetup) -> dict[str, Any]:
    extra: dict[str, Any] = {**callbacks("consumer"), "stats_cb": setup.metrics.health.broker_stats,
                             "statistics.interval.ms": STATS_INTERVAL_MS}  # fmt: skip
    if setup.worker.static_membership:
        extra["group.instance.id"] = setup.worker.instance_id
    return setup.kafka.consumer_config(**extra)


def producer_config(setup: WorkerSetup) -> dict[str, Any]:
    kafka = setup.kafka
    # A produced record batch must fit the smallest output topic's max.message.bytes.
    batch_bytes = max(1024, min(1_000_000, *setup.output_limits.values()) - 64)
    return kafka.producer_config(
        setup.worker.transactional_id(kafka.group_id),
        **callbacks("producer"),
        **{"batch.size": batch_bytes},
    )


def run_confluent(setup: WorkerSetup) -> int:
    """Run until SIGTERM/SIGINT (exit 0) or a fatal Kafka error (exit 3)."""
    try:
        return ConfluentWorker(setup).run()
    except FatalKafkaError as exc:
        log.error("fatal: %s", exc)
        return 3


class ConfluentWorker:
    def __init__(self, setup: WorkerSetup) -> None:
        self.setup = setup
        self.engine = setup.engine
        self.metrics = setup.metrics
        self.stop = setup.stop
        kafka = setup.kafka
        self.outbox = Outbox(
            self.engine, kafka.anonymized_topic, kafka.dead_letter_topic,
            setup.wire.dead_letter_header,
        )  # fmt: skip
        self.tx = Transactions(
            producer_config(setup),
            stopping=lambda: self.stop.requested,
            watchdog=Watchdog(setup.worker.hang_seconds),
            on_retry=lambda state: self.health.set("producing", False, state),
        )
        self.health = setup.metrics.health
        self.health.expect(("assigned", "brokers", "producing", "not_fenced"))
        self.gate = DayGate(setup.days, self.metrics)
        self._paused = False
        self.consumer: Consumer | None = None
        self.batch_size = setup.worker.batch_size
        self.max_wait = setup.worker.max_wait_ms / 1000
        self.cycle = BatchCycle()
        self._limited = RateLimited(log)
        self._next_progress = time.monotonic() + PROGRESS_SECONDS

    def run(self) -> int:
        kafka, worker = self.setup.kafka, self.setup.worker
        # Subscribe first: the group join goes on in the background during init_transactions.
        self.consumer = consumer = Consumer(consumer_config(self.setup))
        self.lag = lag = LagTracker(consumer, self.metrics.set_lag)
        consumer.subscribe([kafka.raw_topic], on_assign=self._assigned, on_revoke=self._revoked)
        try:
            self.tx.start()
        except BaseException:
            consumer.close()
            raise
        self.health.set("producing", True, "transactions initialised")
        self.health.set("not_fenced", True)
        log.info(
            "worker %s started: group %s, transactional.id %s, batches of up to %d",
            worker.instance_id,
            kafka.group_id,
            worker.transactional_id(kafka.group_id),
            self.batch_size,
        )
        try:
            while not self.stop.requested:
                self.health.beat()
                days = self.gate.current()
                if days is None:
                    self._hold()
                    lag.maybe_refresh(paused=True)
                    continue
                if self._paused:
                    self._resume()
                batch = self._consume()
                lag.maybe_refresh()
                if batch:
                    self._process(batch, days)
                self._progress()
        finally:
            log.info("closing: leaving the group")
            consumer.close()
            self.tx.close()
        log.info("stopped after committing the batch in hand: %s", self.cycle.summary())
        return 0

    def _assigned(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        log.info("assigned partitions %s", sorted(tp.partition for tp in partitions))
        self.health.set("assigned", True, f"{len(partitions)} partitions")

    def _revoked(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        log.info("revoked partitions %s", sorted(tp.partition for tp in partitions))
        self.health.set("assigned", False, "partitions revoked: rebalancing")

    def _consume(self, wait: float | None = None) -> list[Message]:
        assert self.consumer is not None
        batch = []
        for msg in self.consumer.consume(self.batch_size, self.max_wait if wait is None else wait):
            err = msg.error()
            if err is None:
                batch.append(msg)
            elif err.fatal():
                raise FatalKafkaError(f"consumer: {describe(err)}")
            elif err.code() != KafkaError._PARTITION_EOF:
                self._limited(logging.WARNING, str(err.code()), "consumer: %s", describe(err))
        return batch

    def _hold(self) -> None:
        """No day key: consume nothing, but poll (paused) so the group keeps this member."""
        consumer = self.consumer
        assert consumer is not None
        if not self._paused:
            self._paused = True
            log.warning("pausing every partition until the day key can be had")
        consumer.pause(consumer.assignment())  # again: partitions may have come in a rebalance
        wait = max(0.05, min(HOLD_POLL_SECONDS, self.gate.wait_s()))
        stray = self._consume(wait)
        if stray:  # fetched before the pause took effect: give it back, unprocessed
            consumer.pause(consumer.assignment())
            self._rewind(spans_of(sources_of(stray)))

    def _resume(self) -> None:
        assert self.consumer is not None
        self.consumer.resume(self.consumer.assignment())
        self._paused = False
        log.info("resuming every partition")

    def _process(self, batch: list[Message], days: HeldDays) -> None:
        self.metrics.consumed.inc(len(batch))
        payloads = payloads_of(batch)
        arrivals = arrivals_ms(batch)
        result = self.engine.process(payloads, days, arrival_ms=arrivals, timer=time.perf_counter)
        seal = self.outbox.sealer(payloads, days, arrivals)
        plan = self.cycle.plan(sources_of(batch), result, seal)
        result = plan.result
        messages = self.outbox.messages(batch, result, int(time.time() * 1000))
        offsets = [TopicPartition(t, p, end) for t, p, end in plan.commit_offsets()]
        assert self.consumer is not None
        outcome = self.tx.run(messages, offsets, self.consumer.consumer_group_metadata())
        if isinstance(outcome, Committed):
            self.health.set("producing", True, "last transaction committed")
            self.health.set("not_fenced", True)
            self.lag.committed(batch)
            self.metrics.committed(
                result,
                size=len(batch),
                event_times_ms=self.outbox.event_times_ms(result),
                record_times_ms=record_times_ms(batch),
            )
            self.cycle.committed(plan)
            return
        self._aborted(outcome, plan)

    def _aborted(self, outcome: Aborted, plan: Plan) -> None:
        self.metrics.aborted()
        self.health.set("producing", False, f"last transaction aborted: {outcome.cause}")
        if outcome.fenced:
            self.health.set("not_fenced", False, "another producer took the transactional id")
        log.warning(
            "transaction aborted (%s): redoing %d records", outcome.cause, len(plan.sources)
        )
        redo = self.cycle.aborted(plan, outcome.too_large)
        self._rewind(redo.rewind)
        if redo.backoff_s:  # back off while a failure persists (e.g. broker away)
            self.stop.wait(redo.backoff_s)

    def _rewind(self, spans: Spans) -> None:
        """Seek every partition of the batch still assigned back to its first offset; the new
        owner of a partition we lost resumes from the last committed offset anyway."""
        assert self.consumer is not None
        assigned = {(tp.topic, tp.partition) for tp in self.consumer.assignment()}
        for (topic, partition), (first, _) in spans.items():
            if (topic, partition) not in assigned:
                continue
            try:
                self.consumer.seek(TopicPartition(topic, partition, first))
            except Exception as exc:  # a batch we cannot redo must not be skipped: restart
                raise FatalKafkaError(f"cannot rewind partition {partition}: {exc}") from None

    def _progress(self) -> None:
        now = time.monotonic()
        if now >= self._next_progress:
            self._next_progress = now + PROGRESS_SECONDS
            log.info("progress: %s", self.cycle.summary())
