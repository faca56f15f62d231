"""Worker subprocesses for the integration tests: `anonymizer worker` with its log in a file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import psutil

from pipeline.config.kafka import KafkaSettings
from tests.worker.worker_helpers import KEYS, REPO, wait_until


def worker_env(settings: KafkaSettings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANONYMIZER_")}
    env.update(
        ANONYMIZER_BOOTSTRAP_SERVERS=settings.bootstrap_servers,
        ANONYMIZER_RAW_TOPIC=settings.raw_topic,
        ANONYMIZER_ANONYMIZED_TOPIC=settings.anonymized_topic,
        ANONYMIZER_DEAD_LETTER_TOPIC=settings.dead_letter_topic,
        ANONYMIZER_DAY_SECRETS_TOPIC=settings.day_secrets_topic,
        ANONYMIZER_REPLAY_WINDOW_HOURS=str(settings.replay_window_hours),
        ANONYMIZER_GROUP_ID=settings.group_id,
        ANONYMIZER_KEYS=KEYS,
        ANONYMIZER_SESSION_TIMEOUT_MS="3000",
        ANONYMIZER_HEARTBEAT_INTERVAL_MS="500",
        ANONYMIZER_METRICS_PORT="0",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


class WorkerProcess:
    """`python -m pipeline.cli.main worker ...` as a child process, its log in a file."""

    def __init__(self, env: dict[str, str], log: Path, *args: str) -> None:
        self.log = log
        self._out = log.open("ab")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli.main", "worker", *args],
            env=env,
            cwd=REPO,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_log(self, needle: str, timeout: float = 60) -> None:
        wait_until(lambda: needle in self.text(), timeout, f"{needle!r} in {self.log.name}",
                   check=self._check_alive)  # fmt: skip

    def _check_alive(self) -> None:
        assert self.alive(), f"worker exited {self.proc.returncode}:\n{self.text()[-3000:]}"

    def terminate(self, timeout: float = 30) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.wait(timeout)

    def kill(self) -> None:
        self.proc.kill()
        self.wait(10)

    def wait(self, timeout: float) -> int:
        try:
            return self.proc.wait(timeout)
        finally:
            self._out.close()

    def stop(self) -> None:
        """Cleanup: SIGKILL if still running."""
        if self.alive():
            self.proc.kill()
            self.proc.wait(10)
        self._out.close()

    def rss_bytes(self) -> int:
        return psutil.Process(self.pid).memory_info().rss


def stop_all(workers: Sequence[WorkerProcess]) -> None:
    for w in workers:
        w.stop()
