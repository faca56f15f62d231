"""promtool and prometheus 3.16.0 for the tests: built once by ops/lib/prometheus.sh (Go module
proxy, cached under ~/.cache/event-anonymizer/), like the broker's jars. Without Go the tests
that need them are skipped, saying so; under CI=true they fail instead."""

from __future__ import annotations

import os
import subprocess
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PROM_DIR = ROOT / "ops" / "prometheus"
RULE_FILES = (PROM_DIR / "alerts.yml", PROM_DIR / "recording.yml")
BUILD_SCRIPT = ROOT / "ops" / "lib" / "prometheus.sh"


@cache
def _build() -> tuple[Path | None, str]:
    """(directory of both binaries, "") or (None, why not); built at most once per session."""
    done = subprocess.run(
        ["bash", str(BUILD_SCRIPT)], capture_output=True, text=True, timeout=3600, check=False
    )
    if done.returncode == 0 and done.stdout.strip():
        return Path(done.stdout.strip().splitlines()[-1]), ""
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    return None, lines[-1] if lines else f"ops/lib/prometheus.sh exited {done.returncode}"


def tool(name: str) -> Path:
    """The path of `promtool` or `prometheus`, or skip the test (fail under CI=true) saying why
    they cannot be had."""
    directory, why = _build()
    if directory is None:
        message = (
            f"promtool and prometheus cannot be had, so this Prometheus test is skipped: {why}"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return directory / name


def promtool(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run promtool; the completed process (the caller checks the exit code)."""
    return subprocess.run(
        [str(tool("promtool")), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        check=False,
    )


def rules(path: Path) -> list[dict]:
    """Every rule of a rule file, across its groups."""
    return [rule for group in yaml.safe_load(path.read_text())["groups"] for rule in group["rules"]]


def recorded_names() -> list[str]:
    return [r["record"] for r in rules(PROM_DIR / "recording.yml")]
