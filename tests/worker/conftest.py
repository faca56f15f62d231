"""Fixtures of the worker tests: topics under unique names, started workers stopped at the end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.config.kafka import KafkaSettings
from tests.worker.processes import WorkerProcess, stop_all, worker_env


class Workers:
    """Starts worker subprocesses for one test; every one is killed at teardown."""

    def __init__(self, settings: KafkaSettings, tmp_path: Path) -> None:
        self.settings, self.tmp_path = settings, tmp_path
        self.started: list[WorkerProcess] = []

    def start(self, instance: str, *args: str, **env: str) -> WorkerProcess:
        log = self.tmp_path / f"worker-{instance}-{len(self.started)}.log"
        w = WorkerProcess(worker_env(self.settings, **env), log, "--instance-id", instance, *args)
        self.started.append(w)
        return w


@pytest.fixture
def workers(kafka_topics: KafkaSettings, tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(kafka_topics, tmp_path)
    try:
        yield pool
    finally:
        stop_all(pool.started)
