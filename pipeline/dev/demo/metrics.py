"""Scrape a worker's Prometheus endpoint and turn successive scrapes into live figures."""

from __future__ import annotations

import math
import time
import urllib.request
from collections import deque
from dataclasses import dataclass, field

from prometheus_client.parser import text_string_to_metric_families

from pipeline.observability import specs

Labels = tuple[tuple[str, str], ...]

# The series the demo reads, by their names in the table of metric specs.
CONSUMED = specs.EVENTS_CONSUMED.name
PRODUCED = specs.EVENTS_PRODUCED.name
REJECTED = specs.EVENTS_REJECTED.name
LAG = specs.CONSUMER_LAG.name
LATENCY = specs.END_TO_END_LATENCY.name
TRANSACTIONS = specs.TRANSACTIONS.name
INFO = specs.WORKER_INFO.name


@dataclass(frozen=True)
class Scrape:
    """One scrape: every sample by metric sample name and label set, and when it was taken."""

    at: float
    samples: dict[str, dict[Labels, float]]

    def total(self, name: str, **match: str) -> float:
        """Sum of the samples of `name` whose labels include `match` (0 if none)."""
        series = self.samples.get(name, {})
        wanted = set(match.items())
        return sum(v for labels, v in series.items() if wanted <= set(labels) and not math.isnan(v))

    def by_label(self, name: str, label: str) -> dict[str, float]:
        """Samples of `name` keyed by the value of `label`."""
        out: dict[str, float] = {}
        for labels, value in self.samples.get(name, {}).items():
            key = dict(labels).get(label)
            if key is not None:
                out[key] = out.get(key, 0.0) + value
        return out

    def buckets(self, name: str, **match: str) -> list[tuple[float, float]]:
        """Cumulative (upper bound, count) pairs of histogram `name`, sorted by bound."""
        found: dict[float, float] = {}
        wanted = set(match.items())
        for labels, value in self.samples.get(f"{name}_bucket", {}).items():
            d = dict(labels)
            if wanted <= set(labels) and "le" in d:
                bound = float(d["le"])
                found[bound] = found.get(bound, 0.0) + value
        return sorted(found.items())


def parse(text: str, at: float | None = None) -> Scrape:
    """A Scrape from Prometheus text exposition format."""
    samples: dict[str, dict[Labels, float]] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            samples.setdefault(s.name, {})[tuple(sorted(s.labels.items()))] = s.value
    return Scrape(time.monotonic() if at is None else at, samples)


def scrape(url: str, timeout: float = 2.0) -> Scrape:
    """GET `url` and parse it; OSError if the endpoint does not answer."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return parse(response.read().decode("utf-8"))


def quantile(q: float, deltas: list[tuple[float, float]]) -> float | None:
    """Like PromQL histogram_quantile: linear interpolation inside the bucket holding rank q.

    `deltas` are cumulative (bound, count) pairs; None without observations; the highest
    finite bound when the rank falls in the +Inf bucket.
    """
    if not deltas or deltas[-1][1] <= 0:
        return None
    rank = q * deltas[-1][1]
    lower, below = 0.0, 0.0
    for bound, count in deltas:
        if count >= rank:
            if math.isinf(bound):
                return lower
            if count == below:
                return bound
            return lower + (bound - lower) * (rank - below) / (count - below)
        lower, below = bound, count
    return lower


@dataclass
class Window:
    """The last scrapes; rates and latency quantiles over the last `seconds`."""

    seconds: float = 5.0
    scrapes: deque[Scrape] = field(default_factory=lambda: deque(maxlen=600))

    def add(self, s: Scrape) -> None:
        self.scrapes.append(s)

    @property
    def last(self) -> Scrape | None:
        return self.scrapes[-1] if self.scrapes else None

    def _base(self) -> Scrape | None:
        if len(self.scrapes) < 2:
            return None
        newest = self.scrapes[-1]
        base = self.scrapes[0]
        for s in reversed(self.scrapes):
            base = s
            if newest.at - s.at >= self.seconds:
                break
        return base if base is not newest else None

    def rate(self, name: str, **match: str) -> float:
        """Per-second increase of counter `name` over the window (0 until two scrapes)."""
        base, newest = self._base(), self.last
        if base is None or newest is None or newest.at <= base.at:
            return 0.0
        return max(0.0, newest.total(name, **match) - base.total(name, **match)) / (
            newest.at - base.at
        )

    def latency(self, q: float, clock: str = "record_time") -> float | None:
        """Quantile q of the end-to-end latency observed during the window."""
        base, newest = self._base(), self.last
        if base is None or newest is None:
            return None
        old = dict(base.buckets(LATENCY, clock=clock))
        deltas = [(b, c - old.get(b, 0.0)) for b, c in newest.buckets(LATENCY, clock=clock)]
        return quantile(q, deltas)

    def overall_latency(self, q: float, clock: str = "record_time") -> float | None:
        """Quantile q over everything the worker observed."""
        newest = self.last
        return quantile(q, newest.buckets(LATENCY, clock=clock)) if newest else None
