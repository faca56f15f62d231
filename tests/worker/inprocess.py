"""A confluent worker run in this process, on a thread, with its day-secret clock injected.

Built by the same `build_setup` as `anonymizer worker`, so it checks the topics and takes the day
keys at start-up like the command; only the store's clock differs (a `Clock` the test moves).
Its metrics are read from its registry, its logs from pytest's caplog.
"""

from __future__ import annotations

import threading

from pipeline.config.engine import load_engine_settings
from pipeline.config.kafka import KafkaSettings
from pipeline.config.worker import load_worker_settings
from pipeline.core.day_keys import DAY_MS
from pipeline.worker.loop import run_confluent
from pipeline.worker.setup import WorkerSetup, build_setup
from pipeline.worker.shutdown import StopSignal

HOUR_MS = 3_600_000


class Clock:
    """A settable clock in epoch milliseconds; called, it gives seconds like time.time."""

    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> float:
        return self.ms / 1000

    @classmethod
    def at(cls, day: int, hour: float) -> Clock:
        return cls(day * DAY_MS + int(hour * HOUR_MS))


def fast_group(settings: KafkaSettings, **extra: int) -> KafkaSettings:
    """Settings whose group notices a gone member within seconds (as the subprocess tests)."""
    update = {"session_timeout_ms": 3000, "heartbeat_interval_ms": 500, **extra}
    return settings.model_copy(update=update)


class InProcessWorker:
    """`run_confluent` on a daemon thread; `stop()` asks it to finish and returns its exit code."""

    def __init__(
        self, settings: KafkaSettings, clock: Clock, keys: str, instance: str = "a"
    ) -> None:
        worker = load_worker_settings(
            instance_id=instance, batch_size=500, metrics_port=0, hang_seconds=600
        )
        engine_settings = load_engine_settings(keys=keys)
        self.setup: WorkerSetup = build_setup(
            worker, settings, engine_settings, runtime="confluent", stop=StopSignal(),
            clock=clock,
        )  # fmt: skip
        self.code: int | None = None
        self.thread = threading.Thread(target=self._run, name=f"worker-{instance}", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        self.code = run_confluent(self.setup)

    def alive(self) -> bool:
        return self.thread.is_alive()

    def sample(self, name: str, **labels: str) -> float | None:
        """A metric's current value from the worker's own registry."""
        return self.setup.metrics.registry.get_sample_value(name, labels)

    def stop(self, timeout: float = 30) -> int | None:
        self.setup.stop.set()
        self.thread.join(timeout)
        if not self.thread.is_alive():
            self.setup.close()
        return self.code
