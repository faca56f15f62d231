"""Deterministic synthetic raw web traffic (RawWebEvent v1 payloads and garbage) for demos,
tests and benchmarks. Pure: no I/O; the `anonymizer sample` command writes it out."""

from pipeline.dev.traffic.events import GeneratedEvent, TrafficGenerator
from pipeline.dev.traffic.garbage import EXPECTED_REASONS, KINDS

__all__ = ["EXPECTED_REASONS", "KINDS", "GeneratedEvent", "TrafficGenerator"]
