"""The embedded Apicurio Registry: fetched with Maven once, on loopback, ready, refusing a taken
port; `anonymizer registry --fetch-only`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import psutil
import pytest

from pipeline.errors import ConfigError
from pipeline.registry.dist import APICURIO_VERSION, MARKER, ensure_registry, runner_jar
from pipeline.registry.embedded import EmbeddedRegistry

pytestmark = pytest.mark.registry
REPO = Path(__file__).resolve().parents[2]


def test_session_registry_answers_on_loopback_only(schema_registry: EmbeddedRegistry) -> None:
    assert schema_registry.running
    assert schema_registry.url == f"http://127.0.0.1:{schema_registry.port}/apis/ccompat/v7"
    with urllib.request.urlopen(f"{schema_registry.url}/subjects", timeout=5) as response:
        assert response.status == 200
        assert isinstance(json.loads(response.read()), list)
    listening = {
        c.laddr for c in psutil.Process(schema_registry.pid).net_connections("tcp")
        if c.status == psutil.CONN_LISTEN
    }  # fmt: skip
    assert listening, "the JVM listens on nothing"
    assert all(a.ip in ("127.0.0.1", "::ffff:127.0.0.1") for a in listening), listening
    assert {a.port for a in listening} == {schema_registry.port}  # no management port either


def test_port_in_use_is_a_config_error(schema_registry: EmbeddedRegistry) -> None:
    with pytest.raises(ConfigError, match=f"^port {schema_registry.port} is already in use$"):
        EmbeddedRegistry(port=schema_registry.port).start()


def _path_without(tmp_path: Path, tool: str) -> str:
    return os.pathsep.join(
        d for d in os.environ["PATH"].split(os.pathsep) if not (Path(d) / tool).exists()
    )


def test_cached_distribution_is_used_without_maven(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dist = ensure_registry()
    before = (dist / MARKER).stat().st_mtime_ns
    monkeypatch.setenv("PATH", _path_without(tmp_path, "mvn"))
    assert shutil.which("mvn") is None
    assert ensure_registry() == dist  # would fail with "mvn not found" if it fetched again
    assert (dist / MARKER).stat().st_mtime_ns == before
    assert runner_jar(dist).name == f"apicurio-registry-app-{APICURIO_VERSION}-runner.jar"


def test_missing_maven_for_a_new_cache_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", _path_without(tmp_path, "mvn"))
    monkeypatch.setenv("ANONYMIZER_REGISTRY_DIST", str(tmp_path / "apicurio"))
    out = subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", "registry", "--fetch-only"],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert out.returncode == 2
    assert "`mvn` not found" in out.stderr and "apt-get install maven" in out.stderr


def test_fetch_only_names_the_cached_distribution() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", "registry", "--fetch-only"],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert f"Apicurio Registry {APICURIO_VERSION} ready in {ensure_registry()}" in out.stdout
