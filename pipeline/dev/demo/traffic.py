"""The demo's traffic: produce_traffic in a thread, with its recent rate."""

from __future__ import annotations

import threading
import time
from collections import deque

from pipeline.config.kafka import KafkaSettings
from pipeline.dev.demo.sample import RecentEvents
from pipeline.dev.generate import ProduceSummary, produce_traffic


class GeneratorThread(threading.Thread):
    """produce_traffic until `halt` is set; keeps its latest summary and any exception."""

    def __init__(
        self,
        settings: KafkaSettings,
        recent: RecentEvents,
        *,
        rate: float,
        garbage: float,
        seed: int,
    ) -> None:
        super().__init__(name="demo-generator", daemon=True)
        self.settings, self.recent = settings, recent
        self.rate, self.garbage, self.seed = rate, garbage, seed
        self.halt = threading.Event()
        self.summary: ProduceSummary | None = None
        self.error: BaseException | None = None
        self._history: deque[tuple[float, int]] = deque()

    def run(self) -> None:
        def progress(s: ProduceSummary) -> None:
            self.summary = s

        try:
            self.summary = produce_traffic(
                self.settings,
                rate=self.rate,
                garbage=self.garbage,
                seed=self.seed,
                stop=self.halt,
                on_progress=progress,
                on_event=self.recent.remember,
                progress_interval=0.5,
                producer_extra={"log_level": 3},  # no transient warnings over the live view
            )
        except BaseException as exc:  # reported by the demo, which then stops everything
            self.error = exc

    @property
    def sent(self) -> int:
        """Events the broker acknowledged so far."""
        return self.summary.sent if self.summary else 0

    @property
    def errors(self) -> int:
        return self.summary.errors if self.summary else 0

    @property
    def stopped_early(self) -> bool:
        """Finished or failed without being asked to."""
        done = self.error is not None or (self.summary is not None and self.summary.finished)
        return bool(done) and not self.halt.is_set()

    def recent_rate(self, seconds: float = 5.0) -> float:
        """Acknowledged events/s over about the last `seconds` (call it regularly)."""
        now = time.monotonic()
        self._history.append((now, self.sent))
        while len(self._history) > 2 and now - self._history[1][0] >= seconds:
            self._history.popleft()
        (t0, n0), (t1, n1) = self._history[0], self._history[-1]
        return (n1 - n0) / (t1 - t0) if t1 > t0 else 0.0
