"""Usage mistakes are UsageErrors, reported the way argparse reports its own: the line
`anonymizer <command>: error: ...` on stderr, exit 2. And `--runtime` names the worker's stream
runtime, with `--engine` its deprecated alias that warns once."""

from __future__ import annotations

import base64
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest

from pipeline.cli.common import runtime_choice
from pipeline.cli.main import build_parser, main
from pipeline.cli.worker import RUNTIMES
from pipeline.config.worker import Runtime, load_worker_settings
from pipeline.errors import UsageError

KEY = "k1:" + base64.b64encode(bytes(range(32))).decode()

pytestmark = pytest.mark.usefixtures("clean_env")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["sample", "--count", "-1"], "--count must be >= 0"),
        (["sample", "--count", "1", "--garbage", "2"], "garbage"),
        (["anonymize", "-i", "-", "-r", "-", "--batch-size", "0"], "--batch-size must be at least 1"),
        (["keys", "rotate", "--id", "k2", "--keep", "1"], "--keep must be at least 2"),
        (["keys", "rotate", "--id", "k1"], "key id 'k1' is already in the ring"),
        (["generate", "--rate", "-1"], "--rate must be >= 0"),
        (["demo", "--rate", "-1"], "--rate must be >= 0"),
        (["inspect", "--from", "yesterday"], "--from: not a time: 'yesterday'"),
        (["inspect", "--from", "2026-01-02", "--to", "2026-01-01"], "--to must be after --from"),
    ],
)  # fmt: skip
def test_usage_mistakes_are_reported_like_argparse_does(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("ANONYMIZER_KEYS", KEY)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(f"anonymizer {argv[0]}: error: ") and message in err[-1], err


def test_every_mistake_gets_its_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--rate", "-1", "--garbage", "2"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "anonymizer demo: error: --rate must be >= 0",
        "anonymizer demo: error: --garbage must be a fraction between 0 and 1",
    ]


def test_the_same_format_as_argparse_in_a_real_process() -> None:
    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "pipeline.cli.main", "sample", *argv]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)

    ours, theirs = run("--count", "-1"), run("--count", "many")
    assert ours.returncode == theirs.returncode == 2
    assert ours.stderr == "anonymizer sample: error: --count must be >= 0\n"
    assert theirs.stderr.splitlines()[-1].startswith("anonymizer sample: error: argument --count")
    assert "Traceback" not in ours.stderr + theirs.stderr


def _worker_args(*argv: str):
    return build_parser("worker").parse_args(["worker", *argv])


def test_runtime_names_match_the_setting() -> None:
    assert set(RUNTIMES) == set(get_args(Runtime))


def test_runtime_flag_and_its_deprecated_alias(caplog: pytest.LogCaptureFixture) -> None:
    from pipeline.cli import common

    common._warn_deprecated_engine_flag.cache_clear()
    assert runtime_choice(_worker_args("--runtime", "faust")) == "faust"
    assert runtime_choice(_worker_args()) is None  # the setting's sources decide
    assert not caplog.records
    with caplog.at_level(logging.WARNING, logger="pipeline.cli.common"):
        assert runtime_choice(_worker_args("--engine", "faust")) == "faust"
        assert runtime_choice(_worker_args("--engine", "faust", "--runtime", "faust")) == "faust"
    warnings = [r.getMessage() for r in caplog.records]
    assert warnings == [
        "--engine is deprecated: use --runtime (the stream runtime: confluent or faust)"
    ]
    with pytest.raises(UsageError):
        runtime_choice(_worker_args("--engine", "faust", "--runtime", "confluent"))


def test_runtime_setting_sources(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert load_worker_settings().runtime == "confluent"
    monkeypatch.setenv("ANONYMIZER_RUNTIME", "faust")
    assert load_worker_settings().runtime == "faust"
    assert load_worker_settings(runtime="confluent").runtime == "confluent"


def test_the_deprecated_flag_still_runs_the_worker_with_a_warning(tmp_path: Path) -> None:
    """A real worker process given --engine: the warning, then start-up goes on (to the
    configuration error of a missing key ring, before any broker is needed)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ANONYMIZER_")}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", "worker", "--engine", "faust"],
        env=clean, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.count("--engine is deprecated: use --runtime") == 1
    assert "anonymizer worker: configuration error: " in done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", "worker", "--engine", "faust", "--runtime",
         "confluent"],
        env=clean, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        "anonymizer worker: error: --engine is the deprecated name of --runtime: give only --runtime"
    )
