"""The worker as a child process: started with its own log file, watched, stopped cleanly."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pipeline.dev.demo.metrics import Scrape, scrape
from pipeline.errors import AnonymizerError
from pipeline.kafka.java_service import die_with_parent


def tail(path: Path, lines: int = 20) -> str:
    """The last `lines` lines of a log file (or a note that there is none)."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class ChildError(AnonymizerError):
    """A child process failed; the message ends with the tail of its log."""


class WorkerProcess:
    """`python -m pipeline.cli.main worker ...` with stdout and stderr to `log`."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path, metrics_port: int):
        self.args = args
        self.env = env
        self.log = log
        self.metrics_url = f"http://127.0.0.1:{metrics_port}/metrics"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> WorkerProcess:
        cmd = [sys.executable, "-m", "pipeline.cli.main", "worker", *self.args]
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                cmd,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env,
                start_new_session=True,  # Ctrl-C reaches the demo only; we SIGTERM the worker
                preexec_fn=die_with_parent if sys.platform == "linux" else None,
            )
        return self

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def exited(self) -> int | None:
        """The exit code if the worker has exited, else None."""
        return None if self.proc is None else self.proc.poll()

    def failure(self, what: str) -> ChildError:
        return ChildError(f"{what}\n--- worker log {self.log} (last lines) ---\n{tail(self.log)}")

    def wait_ready(self, timeout: float = 120.0) -> Scrape:
        """Wait until the metrics endpoint answers; ChildError if the worker exits first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            code = self.exited()
            if code is not None:
                raise self.failure(f"the worker exited with code {code} while starting")
            try:
                return scrape(self.metrics_url, timeout=1.0)
            except OSError:
                time.sleep(0.25)
        raise self.failure(f"the worker's metrics endpoint did not answer in {timeout:.0f} s")

    def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM, then SIGKILL after `timeout` s; the exit code."""
        proc = self.proc
        if proc is None:
            return None
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        return proc.returncode
