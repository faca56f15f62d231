"""A labelled Prometheus histogram observed a whole batch at a time (one lock per batch)."""

from __future__ import annotations

import math
import threading
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence

from prometheus_client.metrics_core import HistogramMetricFamily, Metric


class BulkHistogram:
    """A labelled histogram observed a whole batch at a time (one lock per batch, not per value).

    prometheus-client's Histogram takes a lock per `observe`; latencies arrive thousands per batch.
    """

    def __init__(self, name: str, documentation: str, label: str, buckets: Sequence[float]):
        self.name, self.documentation, self.label = name, documentation, label
        self.bounds = tuple(float(b) for b in buckets)
        self._lock = threading.Lock()
        self._series: dict[str, tuple[list[int], list[float]]] = {}

    def labels(self, value: str) -> None:
        """Create the series for `value` (at zero) so it is exported before the first sample."""
        with self._lock:
            self._series.setdefault(value, ([0] * (len(self.bounds) + 1), [0.0]))

    def observe_many(self, value: str, samples: Iterable[float]) -> None:
        bounds = self.bounds
        counts = [0] * (len(bounds) + 1)
        total = 0.0
        for s in samples:
            counts[bisect_left(bounds, s)] += 1
            total += s
        with self._lock:
            buckets, sums = self._series.setdefault(value, ([0] * (len(bounds) + 1), [0.0]))
            for i, c in enumerate(counts):
                if c:
                    buckets[i] += c
            sums[0] += total

    def collect(self) -> Iterator[Metric]:
        family = HistogramMetricFamily(self.name, self.documentation, labels=[self.label])
        with self._lock:
            series = {k: (list(b), s[0]) for k, (b, s) in self._series.items()}
        for value, (buckets, total) in sorted(series.items()):
            cumulative, running = [], 0
            for bound, count in zip((*self.bounds, math.inf), buckets, strict=True):
                running += count
                cumulative.append((_bound(bound), running))
            family.add_metric([value], cumulative, total)
        yield family


def _bound(bound: float) -> str:
    return "+Inf" if math.isinf(bound) else repr(bound)
