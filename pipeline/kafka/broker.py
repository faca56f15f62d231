"""A single-node Apache Kafka 4.1 broker (KRaft) run as a child `java` process."""

from __future__ import annotations

import atexit
import base64
import contextlib
import ctypes
import errno
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from types import TracebackType

from confluent_kafka.admin import AdminClient

from pipeline.errors import ConfigError
from pipeline.kafka.clientlog import CLIENT_LOG
from pipeline.kafka.errors import BrokerStartError
from pipeline.kafka.jars import KAFKA_VERSION, ensure_jars, java_executable

HOST = "127.0.0.1"
_PROBE_LOG = {"log_level": 2, "logger": CLIENT_LOG}  # the readiness probe's client: errors only
_LOG4J2 = """\
status = warn
shutdownHook = disable
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = {log}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.state.name = state.change.logger
logger.state.level = WARN
"""


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


def _kafka_uuid() -> str:
    """A cluster id in Kafka's format: 16 random bytes, URL-safe base64, no padding."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not text.startswith("-"):
            return text


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: SIGTERM the broker if the Python process that started it dies."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _initial_heap(heap: str) -> str:
    """256m, or the maximum heap if that is smaller (the JVM refuses Xms > Xmx)."""
    match = re.fullmatch(r"(\d+)([kmg]?)", heap.lower())
    if not match:
        raise ConfigError(f"heap {heap!r} is not a JVM size such as 512m or 1g")
    scale = {"": 1 / 2**20, "k": 1 / 1024, "m": 1, "g": 1024}[match.group(2)]
    return heap if int(match.group(1)) * scale < 256 else "256m"


def _tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class EmbeddedBroker:
    """Kafka 4.1 in KRaft mode (broker and controller in one JVM) on 127.0.0.1.

    Without `data_dir` the data lives in a temporary directory removed by `stop()`; with it,
    storage is formatted on the first start only, so a later start keeps topics and records.
    On Linux the JVM gets SIGTERM when the *thread* that started it exits (PR_SET_PDEATHSIG,
    so no broker outlives a killed test run): start it from a long-lived thread.
    """

    def __init__(
        self,
        port: int | None = None,
        data_dir: Path | None = None,
        heap: str = "512m",
        ready_timeout: float = 90.0,
    ) -> None:
        self.port = port
        self.heap = heap
        self.ready_timeout = ready_timeout
        self._own_dir = data_dir is None
        self.data_dir = Path(data_dir).resolve() if data_dir else None
        self.controller_port: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._out: object | None = None

    @property
    def bootstrap(self) -> str:
        """`host:port` for clients' `bootstrap.servers`."""
        if self.port is None:
            raise RuntimeError("broker not started")
        return f"{HOST}:{self.port}"

    @property
    def pid(self) -> int | None:
        """The `java` process id while running."""
        return self._proc.pid if self._proc and self._proc.poll() is None else None

    @property
    def log_file(self) -> Path:
        """The broker's log4j log (INFO)."""
        return self._dir / "broker.log"

    @property
    def running(self) -> bool:
        return self.pid is not None

    @property
    def _dir(self) -> Path:
        if self.data_dir is None:
            raise RuntimeError("broker not started")
        return self.data_dir

    def start(self) -> EmbeddedBroker:
        """Format storage if needed, launch the JVM and wait until the broker answers."""
        if self.running:
            return self
        java = java_executable()
        libs = ensure_jars()
        if self.port is None:
            self.port = free_port()
        check_port_free(self.port)
        if self.controller_port is None or self.controller_port == self.port:
            self.controller_port = free_port()
        if self.data_dir is None:
            self.data_dir = Path(tempfile.mkdtemp(prefix="anonymizer-kafka-"))
        self.data_dir.mkdir(parents=True, exist_ok=True)
        props = self._write_config()
        classpath = f"{libs}/*"
        log4j = f"-Dlog4j2.configurationFile={self._dir / 'log4j2.properties'}"
        if not (self._dir / "kraft" / "meta.properties").exists():
            self._format(java, classpath, log4j, props)
        cmd = [
            java, f"-Xmx{self.heap}", f"-Xms{_initial_heap(self.heap)}", "-XX:+UseSerialGC",
            "-Djava.awt.headless=true",
            log4j, "-cp", classpath, "kafka.Kafka", str(props),
        ]  # fmt: skip
        out = open(self._dir / "broker.out", "ab")  # noqa: SIM115 - closed in _stop_process
        self._out = out
        self._proc = subprocess.Popen(
            cmd,
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

    def _write_config(self) -> Path:
        d = self._dir
        (d / "log4j2.properties").write_text(_LOG4J2.format(log=d / "broker.log"))
        settings = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@{HOST}:{self.controller_port}",
            "listeners": f"PLAINTEXT://{HOST}:{self.port},CONTROLLER://{HOST}:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://{HOST}:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": str(d / "kraft"),
            "num.partitions": "6",
            "default.replication.factor": "1",
            "min.insync.replicas": "1",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "6",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "transaction.state.log.num.partitions": "4",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            "group.min.session.timeout.ms": "1000",
            "auto.create.topics.enable": "false",
            "log.segment.bytes": str(64 * 1024 * 1024),
            "log.retention.check.interval.ms": "60000",
            "log.cleaner.backoff.ms": "1000",  # compacted topics (day secrets) cleaned promptly
        }
        path = d / "server.properties"
        path.write_text("".join(f"{k}={v}\n" for k, v in settings.items()))
        return path

    def _format(self, java: str, classpath: str, log4j: str, props: Path) -> None:
        cmd = [java, log4j, "-cp", classpath, "kafka.tools.StorageTool", "format",
               "-t", _kafka_uuid(), "-c", str(props)]  # fmt: skip
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if out.returncode != 0:
            raise BrokerStartError(
                f"formatting Kafka storage in {self._dir} failed:\n{out.stdout}{out.stderr}"
            )

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.ready_timeout
        admin: AdminClient | None = None
        while time.monotonic() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                code = self._proc.returncode if self._proc else None
                raise BrokerStartError(f"Kafka exited with code {code} on start.{self._logs()}")
            if admin is None:
                try:
                    socket.create_connection((HOST, self.port), timeout=0.5).close()
                except OSError:
                    time.sleep(0.1)
                    continue
                admin = AdminClient({"bootstrap.servers": self.bootstrap, **_PROBE_LOG})
            try:
                if admin.list_topics(timeout=1).brokers:
                    return
            except Exception:  # KafkaException while the broker comes up
                time.sleep(0.1)
        raise BrokerStartError(
            f"Kafka on {self.bootstrap} not ready after {self.ready_timeout:.0f} s.{self._logs()}"
        )

    def _logs(self) -> str:
        return (
            f"\n--- {self.log_file} (tail) ---\n{_tail(self.log_file)}"
            f"\n--- {self._dir / 'broker.out'} (tail) ---\n{_tail(self._dir / 'broker.out', 10)}"
        )

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
        """SIGTERM the broker, SIGKILL after `timeout` s; remove a temporary data dir."""
        self._stop_process(timeout)
        atexit.unregister(self.stop)
        if self._own_dir and self.data_dir is not None:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            self.data_dir = None

    def restart(self) -> EmbeddedBroker:
        """Stop and start again on the same port with the same data (even a temporary dir)."""
        self._stop_process()
        return self.start()

    def __enter__(self) -> EmbeddedBroker:
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
        return f"<EmbeddedBroker Kafka {KAFKA_VERSION} {HOST}:{port} {state}>"
