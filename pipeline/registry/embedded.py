"""Apicurio Registry 3.0 (in-memory storage) run as a child `java` process on 127.0.0.1.

Its Confluent-compatible API lives under `/apis/ccompat/v7`: every Confluent client (the
worker's own client, confluent-kafka's `SchemaRegistryClient`, Kafka Connect, ClickHouse's
`AvroConfluent`) takes that URL as the registry's base URL. Storage is an in-memory H2
database: schemas and ids are gone when it stops (ids restart at 1).
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from pipeline.kafka.errors import BrokerStartError
from pipeline.kafka.java_service import HOST, JavaService, Launch
from pipeline.registry.dist import APICURIO_VERSION, ensure_registry, runner_jar

CCOMPAT = "/apis/ccompat/v7"
# Quick start-up on a small machine: 6-8 s to ready instead of 10-20 s with JVM defaults.
_JVM = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true"]


class RegistryStartError(BrokerStartError):
    """The embedded registry did not start; the message ends with the tail of its log."""


class EmbeddedRegistry(JavaService):
    """Apicurio Registry on 127.0.0.1 (a free port unless `port` is given).

    `compatibility` is the registry-wide default rule for subjects that set none (the worker
    sets its own subjects' level anyway). Its work directory is temporary, removed by `stop()`.
    On Linux the JVM gets SIGTERM when the thread that started it exits (PR_SET_PDEATHSIG):
    start it from a long-lived thread.
    """

    role: ClassVar[str] = "registry"
    label: ClassVar[str] = "Apicurio Registry"
    product: ClassVar[str] = f"Apicurio {APICURIO_VERSION}"
    dir_prefix: ClassVar[str] = "anonymizer-registry-"
    log_name: ClassVar[str] = "registry.log"  # Quarkus's console log (INFO)
    address_format: ClassVar[str] = "http://{host}:{port}" + CCOMPAT
    url = JavaService.address  # the Confluent-compatible base URL (`.../apis/ccompat/v7`)
    work_dir = JavaService.home
    start_error: ClassVar[type[BrokerStartError]] = RegistryStartError
    poll_seconds: ClassVar[float] = 0.2

    def __init__(
        self,
        port: int | None = None,
        heap: str = "256m",
        ready_timeout: float = 120.0,
        compatibility: str = "FULL",
    ) -> None:
        super().__init__(port, heap, ready_timeout)
        self.compatibility = compatibility

    def _command(self, java: str) -> Launch:
        """The distribution fetched (if needed) and the port checked: run its runner jar."""
        jar = runner_jar(ensure_registry())
        work_dir = self._prepare()
        cmd = [
            java, f"-Xmx{self.heap}", *_JVM,
            f"-Dquarkus.http.host={HOST}", f"-Dquarkus.http.port={self.port}",
            "-Dquarkus.http.access-log.enabled=false", "-Dquarkus.log.console.color=false",
            f"-Dapicurio.rules.global.compatibility={self.compatibility}",
            "-jar", str(jar),
        ]  # fmt: skip
        return Launch(cmd, output=self.log_file, cwd=work_dir)

    def answers(self, timeout: float = 1.0) -> bool:
        """True when `GET /subjects` answers 200."""
        try:
            with urllib.request.urlopen(f"{self.url}/subjects", timeout=timeout) as response:
                return bool(response.status == 200)
        except (OSError, urllib.error.URLError):
            return False

    def _probe(self) -> Callable[[], bool]:
        return self.answers

    def _log_tails(self) -> list[tuple[Path, int]]:
        return [(self.log_file, 25)]
