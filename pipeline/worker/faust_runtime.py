"""The faust-streaming engine: the same pipeline as a faust agent, for teams that run faust apps.

Each `stream.take_events` batch goes through the same engine call, the same `BatchCycle` (what
to produce) and the same `Outbox` as the default engine; configuration, topics, codecs, dead
letters and metrics are shared. What differs is the guarantee. faust 0.15 with
`processing_guarantee="exactly_once"` commits the input offsets in transactions but sends the
agent's output outside them (measured on Kafka 4.1: no transactional id on the sends, no markers
in the output topic). So this engine is **at least once**: after a crash, the batches sent but
not yet committed are sent again, and downstream sees those events twice (same `event_id`:
de-duplicate on it). Nothing is lost. Consumer lag is not exported by this engine. While today's
day key cannot be had, the agent holds the batch in hand and retries with back-off (`DayGate`):
nothing is sent or acknowledged meanwhile; faust's own fetcher keeps polling, so the worker
stays in the group. A timer takes the day keys every minute also when no event comes, so an idle
worker destroys expired days on time.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import tempfile
import time
from typing import Any

import faust

from pipeline.config.kafka import KafkaSettings
from pipeline.core.day_keys import HeldDays
from pipeline.worker.batch_cycle import BatchCycle, sources_of
from pipeline.worker.day_gate import DayGate
from pipeline.worker.messages import Outbox, arrivals_ms, payloads_of, record_times_ms
from pipeline.worker.setup import WorkerSetup

log = logging.getLogger(__name__)
IDLE_DAY_KEYS_S = 60.0  # how often an idle agent takes the day keys (destroying expired days)


class FaustMessage:
    """A faust event's message seen through confluent-kafka's `Message` methods."""

    __slots__ = ("_message",)

    def __init__(self, event: Any) -> None:
        self._message = event.message

    def value(self) -> bytes | None:
        return self._message.value

    def topic(self) -> str:
        return self._message.topic

    def partition(self) -> int:
        return self._message.partition

    def offset(self) -> int:
        return self._message.offset

    def timestamp(self) -> tuple[int, int]:
        ts = self._message.timestamp
        return (1, int(ts * 1000)) if ts else (0, -1)


def credentials(kafka: KafkaSettings) -> Any:
    """faust broker credentials from the shared Kafka settings (None for PLAINTEXT)."""
    context = None
    if "SSL" in kafka.security_protocol:
        context = ssl.create_default_context(
            cafile=str(kafka.ssl_ca_location) if kafka.ssl_ca_location else None
        )
        if kafka.ssl_certificate_location and kafka.ssl_key_location:
            password = kafka.ssl_key_password.get_secret_value() if kafka.ssl_key_password else None
            context.load_cert_chain(
                str(kafka.ssl_certificate_location), str(kafka.ssl_key_location), password
            )
    if kafka.sasl_mechanism:
        assert kafka.sasl_password is not None
        return faust.SASLCredentials(
            username=kafka.sasl_username,
            password=kafka.sasl_password.get_secret_value(),
            mechanism=kafka.sasl_mechanism,
            ssl_context=context,
        )
    return faust.SSLCredentials(context) if context else None


def build_app(setup: WorkerSetup, datadir: str) -> faust.App:
    """The faust app with one agent: raw topic in, anonymized records and dead letters out."""
    kafka, worker, engine, metrics = setup.kafka, setup.worker, setup.engine, setup.metrics
    app = faust.App(
        kafka.group_id,
        broker=[f"kafka://{h.strip()}" for h in kafka.bootstrap_servers.split(",")],
        broker_credentials=credentials(kafka),
        processing_guarantee="exactly_once",
        broker_session_timeout=max(kafka.session_timeout_ms / 1000, 6),
        broker_client_id=kafka.client_id,
        consumer_auto_offset_reset=kafka.auto_offset_reset,
        topic_allow_declare=False,
        topic_disable_leader=True,
        web_enabled=False,
        autodiscover=False,
        datadir=datadir,
        stream_buffer_maxsize=max(worker.batch_size * 2, 4096),
        producer_max_request_size=min(setup.output_limits.values()),
    )
    raw = app.topic(kafka.raw_topic, key_type=bytes, value_type=bytes,
                    key_serializer="raw", value_serializer="raw")  # fmt: skip
    outputs = {
        name: app.topic(name, key_serializer="raw", value_serializer="raw")
        for name in (kafka.anonymized_topic, kafka.dead_letter_topic)
    }
    outbox = Outbox(
        engine, kafka.anonymized_topic, kafka.dead_letter_topic, setup.wire.dead_letter_header
    )
    within = worker.max_wait_ms / 1000
    gate = DayGate(setup.days, metrics)
    cycle = BatchCycle()  # what to produce; faust sends outside transactions, so nothing aborts
    lock = asyncio.Lock()  # the store's Kafka clients serve one caller at a time

    async def attempt() -> HeldDays | None:
        """One try at today's day keys (None while they cannot be had)."""
        async with lock:  # the store may do I/O: off the event loop, which heartbeats
            return await asyncio.get_running_loop().run_in_executor(None, gate.current)

    async def day_keys() -> HeldDays:
        """Today's day keys; while there are none, wait (back-off) and try again."""
        while (held := await attempt()) is None:
            await asyncio.sleep(max(0.05, gate.wait_s()))
        return held

    @app.timer(IDLE_DAY_KEYS_S)
    async def keep_day_keys() -> None:
        await attempt()

    @app.agent(raw, name="anonymize")
    async def anonymize(stream: faust.StreamT) -> None:
        async for events in stream.take_events(worker.batch_size, within=within):
            batch = [FaustMessage(e) for e in events]
            days = await day_keys()
            payloads, arrivals = payloads_of(batch), arrivals_ms(batch)  # type: ignore[arg-type]
            result = engine.process(payloads, days, arrival_ms=arrivals, timer=time.perf_counter)
            seal = outbox.sealer(payloads, days, arrivals)
            plan = cycle.plan(sources_of(batch), result, seal)
            result = plan.result
            pending = [
                await outputs[m.topic].send(key=m.key, value=m.value, headers=m.headers)
                for m in outbox.messages(batch, result, int(time.time() * 1000))
            ]
            await asyncio.gather(*pending)  # delivered before the offsets can be acked
            cycle.committed(plan)
            metrics.consumed.inc(len(batch))
            metrics.committed(
                result,
                size=len(batch),
                event_times_ms=outbox.event_times_ms(result),
                record_times_ms=record_times_ms(batch),  # type: ignore[arg-type]
                transactional=False,
            )

    return app


def run_faust(setup: WorkerSetup) -> int:
    """Run the faust worker until SIGTERM/SIGINT; faust handles the signals and commits."""
    with tempfile.TemporaryDirectory(prefix="anonymizer-faust-") as datadir:
        app = build_app(setup, datadir)
        level = logging.getLevelName(logging.getLogger().level).lower()
        worker = faust.Worker(app, loglevel=level if level != "notset" else "warning", quiet=True)
        log.info(
            "faust runtime: group %s, at-least-once output (see docs/worker.md)",
            setup.kafka.group_id,
        )
        try:
            worker.execute_from_commandline()
        except SystemExit as exc:
            return int(exc.code or 0)
    return 0
