"""helm for the chart tests: built once by ops/lib/helm.sh (Go module proxy, cached under
~/.cache/event-anonymizer/), like the broker's jars. Without Go the chart tests are skipped,
saying so; under CI=true they fail instead."""

from __future__ import annotations

import os
import subprocess
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "ops" / "helm" / "event-anonymizer"
EXAMPLE_VALUES = CHART / "ci" / "example-values.yaml"
BUILD_SCRIPT = ROOT / "ops" / "lib" / "helm.sh"


@cache
def _build() -> tuple[str | None, str]:
    """(path of helm, "") or (None, why not); the build runs at most once per session."""
    done = subprocess.run(
        ["bash", str(BUILD_SCRIPT)], capture_output=True, text=True, timeout=1800, check=False
    )
    if done.returncode == 0 and done.stdout.strip():
        return done.stdout.strip().splitlines()[-1], ""
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    return None, lines[-1] if lines else f"ops/lib/helm.sh exited {done.returncode}"


def helm_binary() -> str:
    """The path of helm, or skip the test (fail under CI=true) saying why it cannot be had."""
    path, why = _build()
    if path is None:
        message = f"helm cannot be had, so the chart is not linted or rendered: {why}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def helm(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run helm with a throw-away home (no repositories, no plugins, no cluster)."""
    home = Path(os.environ.get("TMPDIR", "/tmp")) / f"helm-home-{os.getpid()}"
    env = {
        **os.environ,
        "HELM_CONFIG_HOME": str(home / "config"),
        "HELM_CACHE_HOME": str(home / "cache"),
        "HELM_DATA_HOME": str(home / "data"),
        "KUBECONFIG": str(home / "no-kubeconfig"),
    }
    done = subprocess.run(
        [helm_binary(), *args], capture_output=True, text=True, timeout=120, env=env, check=False
    )
    if check and done.returncode != 0:
        raise AssertionError(f"helm {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return done
