"""A single-node Apache Kafka 4.1 broker (KRaft) run as a child `java` process."""

from __future__ import annotations

import base64
import re
import socket
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from confluent_kafka.admin import AdminClient

from pipeline.errors import ConfigError
from pipeline.kafka.clientlog import CLIENT_LOG
from pipeline.kafka.errors import BrokerStartError
from pipeline.kafka.jars import KAFKA_VERSION, ensure_jars
from pipeline.kafka.java_service import HOST, JavaService, Launch, free_port

__all__ = ["HOST", "EmbeddedBroker", "free_port"]  # free_port: for the tests and the demo
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


def _kafka_uuid() -> str:
    """A cluster id in Kafka's format: 16 random bytes, URL-safe base64, no padding."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not text.startswith("-"):
            return text


def _initial_heap(heap: str) -> str:
    """256m, or the maximum heap if that is smaller (the JVM refuses Xms > Xmx)."""
    match = re.fullmatch(r"(\d+)([kmg]?)", heap.lower())
    if not match:
        raise ConfigError(f"heap {heap!r} is not a JVM size such as 512m or 1g")
    scale = {"": 1 / 2**20, "k": 1 / 1024, "m": 1, "g": 1024}[match.group(2)]
    return heap if int(match.group(1)) * scale < 256 else "256m"


class EmbeddedBroker(JavaService):
    """Kafka 4.1 in KRaft mode (broker and controller in one JVM) on 127.0.0.1.

    Without `data_dir` the data lives in a temporary directory removed by `stop()`; with it,
    storage is formatted on the first start only, so a later start keeps topics and records.
    On Linux the JVM gets SIGTERM when the *thread* that started it exits (PR_SET_PDEATHSIG,
    so no broker outlives a killed test run): start it from a long-lived thread.
    """

    role: ClassVar[str] = "broker"
    label: ClassVar[str] = "Kafka"
    product: ClassVar[str] = f"Kafka {KAFKA_VERSION}"
    dir_prefix: ClassVar[str] = "anonymizer-kafka-"
    log_name: ClassVar[str] = "broker.log"  # log4j's (INFO); the JVM's output is in broker.out
    address_format: ClassVar[str] = "{host}:{port}"
    bootstrap = JavaService.address  # `host:port` for clients' `bootstrap.servers`
    data_dir = JavaService.home

    def __init__(
        self,
        port: int | None = None,
        data_dir: Path | None = None,
        heap: str = "512m",
        ready_timeout: float = 90.0,
    ) -> None:
        super().__init__(port, heap, ready_timeout, home=data_dir)
        self.controller_port: int | None = None

    def _command(self, java: str) -> Launch:
        """The jars fetched, the port checked, the configuration written, storage formatted
        (on the first start only): run `kafka.Kafka`."""
        libs = ensure_jars()
        d = self._prepare()
        if self.controller_port is None or self.controller_port == self.port:
            self.controller_port = free_port()
        props = self._write_config()
        classpath = f"{libs}/*"
        log4j = f"-Dlog4j2.configurationFile={d / 'log4j2.properties'}"
        if not (d / "kraft" / "meta.properties").exists():
            self._format(java, classpath, log4j, props)
        cmd = [
            java, f"-Xmx{self.heap}", f"-Xms{_initial_heap(self.heap)}", "-XX:+UseSerialGC",
            "-Djava.awt.headless=true",
            log4j, "-cp", classpath, "kafka.Kafka", str(props),
        ]  # fmt: skip
        return Launch(cmd, output=d / "broker.out")

    def _write_config(self) -> Path:
        d = self._dir
        (d / "log4j2.properties").write_text(_LOG4J2.format(log=self.log_file))
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

    def _probe(self) -> Callable[[], bool]:
        """Ready once a metadata request lists a broker (the client made once the port opens)."""
        admin: AdminClient | None = None

        def ready() -> bool:
            nonlocal admin
            if admin is None:
                try:
                    socket.create_connection((HOST, self.port), timeout=0.5).close()
                except OSError:
                    return False
                admin = AdminClient({"bootstrap.servers": self.bootstrap, **_PROBE_LOG})
            try:
                return bool(admin.list_topics(timeout=1).brokers)
            except Exception:  # KafkaException while the broker comes up
                return False

        return ready

    def _log_tails(self) -> list[tuple[Path, int]]:
        return [(self.log_file, 25), (self._dir / "broker.out", 10)]

    def restart(self) -> EmbeddedBroker:
        """Stop and start again on the same port with the same data (even a temporary dir)."""
        self._stop_process()
        return self.start()
