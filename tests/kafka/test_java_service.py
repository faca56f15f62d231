"""The shared start/stop of the embedded Java services, with a Python child instead of a JVM:
the errors name the service and end with its log, and a failed start leaves nothing behind."""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

import pytest

from pipeline.errors import ConfigError
from pipeline.kafka import java_service
from pipeline.kafka.errors import BrokerStartError
from pipeline.kafka.java_service import JavaService, Launch, free_port


class _Child(JavaService):
    """`python -c SCRIPT` in place of `java`; ready once `ready` is in its log."""

    role: ClassVar[str] = "child"
    label: ClassVar[str] = "Child"
    product: ClassVar[str] = "Child 1.0"
    dir_prefix: ClassVar[str] = "anonymizer-child-"
    log_name: ClassVar[str] = "child.log"
    address_format: ClassVar[str] = "{host}:{port}"

    def __init__(self, script: str, ready_timeout: float = 10.0) -> None:
        super().__init__(None, "64m", ready_timeout)
        self.script = script

    def _command(self, java: str) -> Launch:
        self._prepare()
        return Launch([java, "-u", "-c", self.script], output=self.log_file, cwd=self.home)

    def _probe(self) -> Callable[[], bool]:
        return lambda: "ready" in self.log_file.read_text()

    def _log_tails(self) -> list[tuple[Path, int]]:
        return [(self.log_file, 2)]


@pytest.fixture(autouse=True)
def _python_for_java(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(java_service, "java_executable", lambda: sys.executable)


def test_start_and_stop_remove_the_temporary_directory() -> None:
    with _Child("import time; print('ready'); time.sleep(60)") as child:
        assert child.running and child.home is not None and child.home.is_dir()
        home = child.home
        assert repr(child) == f"<_Child Child 1.0 127.0.0.1:{child.port} pid {child.pid}>"
    assert not child.running and child.home is None and not home.exists()


def test_a_child_that_exits_is_a_start_error_with_its_log() -> None:
    child = _Child("print('one'); print('two'); print('three'); raise SystemExit(3)")
    with pytest.raises(BrokerStartError) as caught:
        child.start()
    assert str(caught.value).startswith("Child exited with code 3 on start.\n--- ")
    assert str(caught.value).endswith("child.log (tail) ---\ntwo\nthree")
    assert child.home is None and not child.running


def test_a_child_that_never_answers_times_out() -> None:
    child = _Child("import time; time.sleep(60)", ready_timeout=0.5)
    with pytest.raises(BrokerStartError, match=r"^Child on 127\.0\.0\.1:\d+ not ready after 0 s\."):
        child.start()
    assert child.pid is None


def test_not_started_and_port_in_use() -> None:
    child = _Child("pass")
    with pytest.raises(RuntimeError, match=r"^child not started$"):
        _ = child.log_file
    child.port = port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        with pytest.raises(ConfigError, match=f"^port {port} is already in use$"):
            child.start()
