"""Batching profiles: `throughput` (the default) and `latency` set batch_size and max_wait_ms
unless those are given; a worker on the latency profile commits no batch above its size."""

from __future__ import annotations

import pytest

from pipeline.config.worker import PROFILES, load_worker_settings
from pipeline.errors import ConfigError
from pipeline.kafka.broker import free_port
from tests.worker.metrics_helpers import metric_value, scrape
from tests.worker.worker_helpers import Raw, produce_raw, traffic, wait_drained, wait_until


def test_profiles_fill_batch_size_and_wait() -> None:
    default = load_worker_settings()
    assert default.profile == "throughput"
    assert (default.batch_size, default.max_wait_ms) == (10_000, 100)
    latency = load_worker_settings(profile="latency")
    expected = PROFILES["latency"]
    assert (latency.batch_size, latency.max_wait_ms) == (
        expected["batch_size"],
        expected["max_wait_ms"],
    )
    assert expected["batch_size"] < 10_000 and expected["max_wait_ms"] < 100
    assert latency.model_fields_set == {"profile"}  # the profile's values count as defaults


def test_explicit_settings_win_over_the_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_worker_settings(profile="latency", batch_size=7).batch_size == 7
    monkeypatch.setenv("ANONYMIZER_PROFILE", "latency")
    monkeypatch.setenv("ANONYMIZER_MAX_WAIT_MS", "33")
    settings = load_worker_settings()
    assert (settings.profile, settings.max_wait_ms) == ("latency", 33)
    assert settings.batch_size == PROFILES["latency"]["batch_size"]


def test_an_unknown_profile_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="profile: Input should be 'throughput' or 'latency'"):
        load_worker_settings(profile="fast")


@pytest.mark.kafka
def test_latency_profile_commits_no_batch_above_its_size(workers, kafka_topics) -> None:
    """A backlog six times the latency profile's batch size is drained in batches of at most
    that size (the worker's own batch-size histogram), every record accounted for."""
    size = PROFILES["latency"]["batch_size"]
    raw = produce_raw(kafka_topics, traffic(6 * size, garbage=0.05, seed=31), Raw())
    port = free_port()
    w = workers.start("a", "--profile", "latency", "--metrics-port", str(port))
    w.wait_for_log(f"batches of up to {size}", 60)
    wait_drained(kafka_topics, len(raw), 120)
    wait_until(lambda: _consumed(port) >= len(raw), 10, "scrape")
    text = scrape(port)
    batches = metric_value(text, "anonymizer_batch_size_count")
    assert metric_value(text, "anonymizer_batch_size_sum") == len(raw)
    assert batches >= 6
    assert metric_value(text, "anonymizer_batch_size_bucket", f'le="{float(size)}"') == batches
    assert w.terminate() == 0


def _consumed(port: int) -> float:
    try:
        return metric_value(scrape(port), "anonymizer_events_consumed_total")
    except (OSError, AssertionError):
        return -1
