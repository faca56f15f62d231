"""Apicurio Registry 3.0 (in-memory storage) run as a child `java` process on 127.0.0.1.

Its Confluent-compatible API lives under `/apis/ccompat/v7`: every Confluent client (the
worker's own client, confluent-kafka's `SchemaRegistryClient`, Kafka Connect, ClickHouse's
`AvroConfluent`) takes that URL as the registry's base URL. Storage is an in-memory H2
database: schemas and ids are gone when it stops (ids restart at 1).
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from pipeline.kafka.broker import HOST, _die_with_parent, _tail, check_port_free, free_port
from pipeline.kafka.errors import BrokerStartError
from pipeline.kafka.jars import java_executable
from pipeline.registry.dist import APICURIO_VERSION, ensure_registry, runner_jar

CCOMPAT = "/apis/ccompat/v7"
# Quick start-up on a small machine: 6-8 s to ready instead of 10-20 s with JVM defaults.
_JVM = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true"]


class RegistryStartError(BrokerStartError):
    """The embedded registry did not start; the message ends with the tail of its log."""


class EmbeddedRegistry:
    """Apicurio Registry on 127.0.0.1 (a free port unless `port` is given).

    `compatibility` is the registry-wide default rule for subjects that set none (the worker
    sets its own subjects' level anyway). On Linux the JVM gets SIGTERM when the thread that
    started it exits (PR_SET_PDEATHSIG): start it from a long-lived thread.
    """

    def __init__(
        self,
        port: int | None = None,
        heap: str = "256m",
        ready_timeout: float = 120.0,
        compatibility: str = "FULL",
    ) -> None:
        self.port = port
        self.heap = heap
        self.ready_timeout = ready_timeout
        self.compatibility = compatibility
        self.work_dir: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._out: object | None = None

    @property
    def url(self) -> str:
        """The Confluent-compatible base URL (`.../apis/ccompat/v7`)."""
        if self.port is None:
            raise RuntimeError("registry not started")
        return f"http://{HOST}:{self.port}{CCOMPAT}"

    @property
    def pid(self) -> int | None:
        """The `java` process id while running."""
        return self._proc.pid if self._proc and self._proc.poll() is None else None

    @property
    def running(self) -> bool:
        return self.pid is not None

    @property
    def log_file(self) -> Path:
        """Quarkus's console log (INFO)."""
        if self.work_dir is None:
            raise RuntimeError("registry not started")
        return self.work_dir / "registry.log"

    def start(self) -> EmbeddedRegistry:
        """Fetch the distribution if needed, launch the JVM and wait until the API answers."""
        if self.running:
            return self
        java = java_executable()
        jar = runner_jar(ensure_registry())
        if self.port is None:
            self.port = free_port()
        check_port_free(self.port)
        if self.work_dir is None:
            self.work_dir = Path(tempfile.mkdtemp(prefix="anonymizer-registry-"))
        cmd = [
            java, f"-Xmx{self.heap}", *_JVM,
            f"-Dquarkus.http.host={HOST}", f"-Dquarkus.http.port={self.port}",
            "-Dquarkus.http.access-log.enabled=false", "-Dquarkus.log.console.color=false",
            f"-Dapicurio.rules.global.compatibility={self.compatibility}",
            "-jar", str(jar),
        ]  # fmt: skip
        out = open(self.log_file, "ab")  # noqa: SIM115 - closed in _stop_process
        self._out = out
        self._proc = subprocess.Popen(
            cmd,
            cwd=self.work_dir,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches us, not the JVM: we stop it with SIGTERM
            preexec_fn=_die_with_parent,
        )
        atexit.register(self.stop)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def answers(self, timeout: float = 1.0) -> bool:
        """True when `GET /subjects` answers 200."""
        try:
            with urllib.request.urlopen(f"{self.url}/subjects", timeout=timeout) as response:
                return bool(response.status == 200)
        except (OSError, urllib.error.URLError):
            return False

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                code = self._proc.returncode if self._proc else None
                raise RegistryStartError(
                    f"Apicurio Registry exited with code {code} on start.{self._logs()}"
                )
            if self.answers():
                return
            time.sleep(0.2)
        raise RegistryStartError(
            f"Apicurio Registry on {self.url} not ready after {self.ready_timeout:.0f} s."
            f"{self._logs()}"
        )

    def _logs(self) -> str:
        return f"\n--- {self.log_file} (tail) ---\n{_tail(self.log_file)}"

    def _stop_process(self, timeout: float = 30.0) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._out is not None:
            self._out.close()  # type: ignore[attr-defined]
            self._out = None

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM the registry (SIGKILL after `timeout` s) and remove its work directory."""
        self._stop_process(timeout)
        atexit.unregister(self.stop)
        if self.work_dir is not None:
            shutil.rmtree(self.work_dir, ignore_errors=True)
            self.work_dir = None

    def __enter__(self) -> EmbeddedRegistry:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"pid {self.pid}" if self.running else "stopped"
        port = self.port if self.port is not None else "-"
        return f"<EmbeddedRegistry Apicurio {APICURIO_VERSION} {HOST}:{port} {state}>"
