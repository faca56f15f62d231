"""Broker jars: resolved once with Maven, cached, with clear errors when tools are missing."""

from __future__ import annotations

import logging
import os
import shutil
import threading
from pathlib import Path

import pytest

from pipeline.kafka.errors import ToolMissingError
from pipeline.kafka.jars import MARKER, ensure_jars, java_executable

pytestmark = pytest.mark.kafka


def _path_without(tmp_path: Path, *tools: str) -> str:
    """A PATH with python and the usual tools but none of `tools`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    return os.pathsep.join([str(bin_dir)] + [
        d for d in os.environ["PATH"].split(os.pathsep)
        if not any((Path(d) / t).exists() for t in tools)
    ])  # fmt: skip


def test_cached_jars_are_returned_without_maven(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    libs = ensure_jars()
    marker = libs / MARKER
    before = marker.stat().st_mtime_ns
    monkeypatch.setenv("PATH", _path_without(tmp_path, "mvn"))
    assert shutil.which("mvn") is None
    assert ensure_jars() == libs  # would fail with "mvn not found" if it tried Maven again
    assert marker.stat().st_mtime_ns == before
    assert len(list(libs.glob("kafka_2.13-4.1.1.jar"))) == 1
    assert (libs / "log4j-slf4j-impl-2.24.3.jar").is_file()


def test_concurrent_first_calls_resolve_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("ANONYMIZER_KAFKA_LIBS", str(tmp_path / "libs"))
    caplog.set_level(logging.INFO, logger="pipeline.kafka.jars")
    results: list[Path] = []
    threads = [threading.Thread(target=lambda: results.append(ensure_jars())) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [tmp_path / "libs"] * 3
    resolving = [r for r in caplog.records if "resolving" in r.getMessage()]
    assert len(resolving) == 1
    assert (tmp_path / "libs" / MARKER).is_file()
    assert len(list((tmp_path / "libs").glob("*.jar"))) > 40


def test_missing_maven_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", _path_without(tmp_path, "mvn"))
    with pytest.raises(ToolMissingError, match="Maven is needed"):
        ensure_jars(tmp_path / "libs")


def test_missing_java_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", _path_without(tmp_path, "java"))
    with pytest.raises(ToolMissingError, match=r"Java 17 or newer is needed.*apt-get install"):
        java_executable()


def test_old_java_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "bin" / "java"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'java version \"1.8.0_292\"' >&2\n")
    fake.chmod(0o755)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", _path_without(tmp_path, "java"))
    with pytest.raises(ToolMissingError, match=r"is Java 8\. Java 17 or newer"):
        java_executable()
