"""`produce_traffic`: synthetic raw events to the raw topic, paced, idempotent, counted."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from confluent_kafka import KafkaError, KafkaException, Message, Producer
from confluent_kafka.admin import AdminClient

from pipeline.config.kafka import KafkaSettings
from pipeline.dev.generate.bucket import TokenBucket
from pipeline.dev.traffic import GeneratedEvent, TrafficGenerator
from pipeline.errors import AnonymizerError
from pipeline.kafka.errors import KafkaUnreachableError, TopicsError

_MAX_ERRORS_KEPT = 10


class _Stopped(AnonymizerError):
    """Asked to stop while waiting for room in the producer's queue."""


def check_topic(settings: KafkaSettings, topic: str, timeout: float = 15.0) -> int:
    """The number of partitions of `topic`; KafkaUnreachableError or TopicsError if Kafka
    does not answer or the topic does not exist."""
    admin = AdminClient(settings.admin_config())
    try:
        metadata = admin.list_topics(topic=topic, timeout=timeout)
    except KafkaException as exc:
        raise KafkaUnreachableError(
            f"Kafka at {settings.bootstrap_servers} did not answer: {exc.args[0]}"
        ) from None
    info = metadata.topics.get(topic)
    if info is None or info.error is not None or not info.partitions:
        raise TopicsError(
            f"topic {topic} does not exist on {settings.bootstrap_servers} "
            "(create it with `anonymizer topics apply`)"
        )
    return len(info.partitions)


@dataclass
class ProduceSummary:
    """What a `produce_traffic` run did; updated while it runs (read it from `on_progress`)."""

    topic: str
    attempted: int = 0  # handed to the producer
    sent: int = 0  # acknowledged by the broker
    errors: int = 0  # delivery failures
    garbage: Counter[str] = field(default_factory=Counter)  # by kind, of the attempted
    bytes: int = 0
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    error_messages: list[str] = field(default_factory=list)
    interrupted: bool = False

    @property
    def elapsed(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    @property
    def rate(self) -> float:
        """Acknowledged events per second so far."""
        return self.sent / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def ok(self) -> bool:
        return self.errors == 0 and self.sent == self.attempted

    def line(self) -> str:
        """One human line: counts, rate, garbage, errors."""
        kinds = ", ".join(f"{k}={v}" for k, v in sorted(self.garbage.items())) or "none"
        return (
            f"{self.sent:,} sent of {self.attempted:,} ({self.rate:,.0f} events/s, "
            f"{self.elapsed:.1f} s); garbage {sum(self.garbage.values()):,} ({kinds}); "
            f"errors {self.errors:,}"
        )


def produce_traffic(
    settings: KafkaSettings,
    count: int | None = None,
    rate: float = 5000.0,
    garbage: float = 0.05,
    seed: int = 0,
    stop: threading.Event | None = None,
    on_progress: Callable[[ProduceSummary], None] | None = None,
    *,
    duration: float | None = None,
    topic: str | None = None,
    on_event: Callable[[GeneratedEvent], None] | None = None,
    progress_interval: float = 1.0,
    producer_extra: dict | None = None,
) -> ProduceSummary:
    """Produce TrafficGenerator events to `topic` (default: settings.raw_topic).

    Stops after `count` events, after `duration` seconds, or when `stop` is set (all optional:
    with none, runs until stopped). `rate` is events/s (0: as fast as possible). The producer
    is idempotent (acks=all); record keys are None (the sticky partitioner spreads them) and
    record timestamps are the produce time. Flushes before returning; delivery failures are
    counted in the summary, never raised. `on_event` sees every event before it is produced.
    """
    if count is not None and count < 0:
        raise ValueError("count must be >= 0")
    topic = topic or settings.raw_topic
    now_ms = int(time.time() * 1000)
    generator = TrafficGenerator(
        seed,
        garbage=garbage,
        start_ms=now_ms,
        events_per_second=rate if rate > 0 else 5000.0,
    )
    summary = ProduceSummary(topic)
    producer = Producer(settings.producer_config(**(producer_extra or {})))

    def delivered(err: KafkaError | None, _msg: Message) -> None:
        if err is None:
            summary.sent += 1
        else:
            summary.errors += 1
            if len(summary.error_messages) < _MAX_ERRORS_KEPT:
                summary.error_messages.append(f"{err.name()}: {err.str()}")

    bucket = TokenBucket(rate)
    chunk = max(1, min(1000, int(rate / 100))) if rate > 0 else 1000
    deadline = time.monotonic() + duration if duration is not None else None

    def stopping() -> bool:
        if stop is not None and stop.is_set():
            return True
        return deadline is not None and time.monotonic() >= deadline

    events = generator.events(count)
    next_progress = time.monotonic() + progress_interval
    produce = producer.produce
    try:
        done = False
        while not done and not stopping():
            if not bucket.take(chunk, stopping):
                break
            for _ in range(chunk):
                event = next(events, None)
                if event is None:
                    done = True
                    break
                if on_event is not None:
                    on_event(event)
                if event.garbage is not None:
                    summary.garbage[event.garbage] += 1
                summary.bytes += len(event.payload)
                while True:
                    try:
                        produce(topic, event.payload, on_delivery=delivered)
                        break
                    except BufferError:  # local queue full: serve callbacks, retry
                        producer.poll(0.05)
                        if stopping():
                            raise _Stopped from None
                summary.attempted += 1
            producer.poll(0)
            if on_progress is not None and time.monotonic() >= next_progress:
                next_progress = time.monotonic() + progress_interval
                on_progress(summary)
    except _Stopped:
        pass
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        _flush(producer, summary)
        summary.finished = time.monotonic()
    if on_progress is not None:
        on_progress(summary)
    return summary


def _flush(producer: Producer, summary: ProduceSummary, timeout: float = 30.0) -> None:
    """Deliver what is queued; count what could not be delivered in `timeout` as errors."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            remaining = producer.flush(max(0.1, min(1.0, deadline - time.monotonic())))
        except KeyboardInterrupt:
            summary.interrupted = True
            continue
        except KafkaException as exc:  # pragma: no cover - flush does not normally raise
            summary.error_messages.append(str(exc))
            remaining = len(producer)
        if remaining == 0:
            return
        if time.monotonic() >= deadline:
            summary.errors += remaining
            summary.error_messages.append(f"{remaining} records not delivered in {timeout:.0f} s")
            return
