"""promtool 3.16.0 checks the Prometheus configuration and rules, and runs their unit tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.ops.prom_tool import BUILD_SCRIPT, PROM_DIR, RULE_FILES, promtool


def test_promtool_checks_the_configuration_and_the_rules() -> None:
    done = promtool("check", "config", str(PROM_DIR / "prometheus.yml"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS: 2 rule files found" in done.stdout
    done = promtool("check", "rules", "--lint=all", "--lint-fatal", *map(str, RULE_FILES))
    assert done.returncode == 0, done.stdout + done.stderr


def test_promtool_runs_the_rule_unit_tests() -> None:
    tests = sorted((PROM_DIR / "tests").glob("*.test.yml"))
    assert [t.name for t in tests] == ["alerts.test.yml", "recording.test.yml"]
    done = promtool("test", "rules", *map(str, tests))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("SUCCESS") == 2


def test_a_wrong_expectation_fails_the_unit_tests(tmp_path: Path) -> None:
    """The unit tests hold: one expected value changed, promtool fails and names the alert."""
    text = (PROM_DIR / "tests" / "alerts.test.yml").read_text()
    assert text.count("250000 records behind") == 1
    broken = tmp_path / "alerts.test.yml"
    broken.write_text(
        text.replace("250000 records behind", "250001 records behind").replace(
            "../alerts.yml", str(PROM_DIR / "alerts.yml")
        )
    )
    done = promtool("test", "rules", str(broken))
    assert done.returncode != 0
    assert "AnonymizerLagGrowing" in done.stdout + done.stderr


def test_without_go_the_build_says_why(tmp_path: Path) -> None:
    """What the tests report when they skip: the build script's one line about Go."""
    done = subprocess.run(
        ["bash", str(BUILD_SCRIPT)],
        env={"PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": str(tmp_path), "GO": "/nonexistent/go"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("error: Go is not installed (/nonexistent/go is not executable)")
    assert "ANONYMIZER_PROMETHEUS_BIN" in done.stderr
