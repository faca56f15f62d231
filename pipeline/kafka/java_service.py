"""A Java service (the embedded broker, the embedded registry) run as a child `java` process.

The shared part: ports on 127.0.0.1, the working directory, launching the JVM with its output
in a file, waiting until it answers (with the tail of its logs if it does not), and stopping it.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import errno
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, ClassVar, NamedTuple, Self

from pipeline.errors import ConfigError
from pipeline.kafka.errors import BrokerStartError
from pipeline.kafka.jars import java_executable

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def check_port_free(port: int) -> None:
    """Raise ConfigError if something already listens on 127.0.0.1:`port`."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ConfigError(f"port {port} is already in use") from exc
            raise ConfigError(f"cannot use port {port}: {exc.strerror}") from exc


def die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: SIGTERM this child (a JVM, the demo's worker) if the Python process that started it dies."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def tail(path: Path, lines: int = 25) -> str:
    """The last `lines` lines of a log file, or `(no log)`."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class Launch(NamedTuple):
    """How to launch the JVM: the command, the file its output goes to, where it runs."""

    cmd: list[str]
    output: Path
    cwd: Path | None = None


class JavaService:
    """One `java` child process serving on 127.0.0.1:`port`, its files in one directory.

    Without a directory given, a temporary one (`dir_prefix`) is made on start and removed by
    `stop()`. A subclass says what to run (`_command`, which calls `_prepare()`) and when the
    service answers (`_probe`). On Linux the JVM gets SIGTERM when the *thread* that started
    it exits (PR_SET_PDEATHSIG): start it from a long-lived thread.
    """

    role: ClassVar[str]  # "broker": in "broker not started"
    label: ClassVar[str]  # "Kafka": in the start errors
    product: ClassVar[str]  # "Kafka 4.1.1": in repr()
    dir_prefix: ClassVar[str]
    log_name: ClassVar[str]  # the service's own log, in its directory
    address_format: ClassVar[str]  # where clients reach it, from {host} and {port}
    start_error: ClassVar[type[BrokerStartError]] = BrokerStartError
    poll_seconds: ClassVar[float] = 0.1

    def __init__(
        self, port: int | None, heap: str, ready_timeout: float, home: Path | None = None
    ) -> None:
        self.port = port
        self.heap = heap
        self.ready_timeout = ready_timeout
        self._own_home = home is None
        self._home = Path(home).resolve() if home else None
        self._proc: subprocess.Popen[bytes] | None = None
        self._out: IO[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """The `java` process id while running."""
        return self._proc.pid if self._proc and self._proc.poll() is None else None

    @property
    def running(self) -> bool:
        return self.pid is not None

    @property
    def address(self) -> str:
        """Where clients reach the service (`address_format` filled in)."""
        return self.address_format.format(host=HOST, port=self._started_port)

    @property
    def home(self) -> Path | None:
        """The service's directory (None before the first start and once a temporary one is
        removed)."""
        return self._home

    @property
    def log_file(self) -> Path:
        """The service's own log (INFO)."""
        return self._dir / self.log_name

    @property
    def _started_port(self) -> int:
        if self.port is None:
            raise RuntimeError(f"{self.role} not started")
        return self.port

    @property
    def _dir(self) -> Path:
        if self._home is None:
            raise RuntimeError(f"{self.role} not started")
        return self._home

    def _prepare(self) -> Path:
        """Pick (or check) the port and make the directory; return the directory."""
        if self.port is None:
            self.port = free_port()
        check_port_free(self.port)
        if self._home is None:
            self._home = Path(tempfile.mkdtemp(prefix=self.dir_prefix))
        self._home.mkdir(parents=True, exist_ok=True)
        return self._home

    def start(self) -> Self:
        """Fetch what the JVM runs if needed, launch it and wait until the service answers."""
        if self.running:
            return self
        launch = self._command(java_executable())
        self._out = open(launch.output, "ab")  # noqa: SIM115 - closed in _stop_process
        self._proc = subprocess.Popen(
            launch.cmd,
            cwd=launch.cwd,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches us, not the JVM: we stop it with SIGTERM
            preexec_fn=die_with_parent,
        )
        atexit.register(self.stop)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _command(self, java: str) -> Launch:
        """Fetch and prepare what `java` runs (calling `_prepare()`); say how to launch it."""
        raise NotImplementedError

    def _probe(self) -> Callable[[], bool]:
        """A fresh readiness check for one start: True once the service answers."""
        raise NotImplementedError

    def _log_tails(self) -> list[tuple[Path, int]]:
        """The logs (and how many of their last lines) shown when the start fails."""
        raise NotImplementedError

    def _wait_ready(self) -> None:
        ready = self._probe()
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                code = self._proc.returncode if self._proc else None
                raise self.start_error(
                    f"{self.label} exited with code {code} on start.{self._logs()}"
                )
            if ready():
                return
            time.sleep(self.poll_seconds)
        raise self.start_error(
            f"{self.label} on {self.address} not ready after {self.ready_timeout:.0f} s."
            f"{self._logs()}"
        )

    def _logs(self) -> str:
        return "".join(f"\n--- {p} (tail) ---\n{tail(p, n)}" for p, n in self._log_tails())

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
            self._out.close()
            self._out = None

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM the JVM, SIGKILL after `timeout` s; remove a temporary directory."""
        self._stop_process(timeout)
        atexit.unregister(self.stop)
        if self._own_home and self._home is not None:
            shutil.rmtree(self._home, ignore_errors=True)
            self._home = None

    def __enter__(self) -> Self:
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
        return f"<{type(self).__name__} {self.product} {HOST}:{port} {state}>"
