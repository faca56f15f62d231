"""`anonymizer sample`: writes N JSONL lines and a summary on stderr."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli.main import main
from pipeline.dev.traffic import TrafficGenerator


def _run(argv: list[str]) -> int:
    return main(["sample", *argv])


def test_writes_n_lines_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "events.jsonl"
    assert _run(["--count", "3000", "--seed", "4", "--garbage", "0.3", "-o", str(out)]) == 0
    lines = out.read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 3001
    assert lines[:-1] == TrafficGenerator(4, garbage=0.3).payloads(3000)
    err = capsys.readouterr().err
    assert "wrote 3,000 events" in err and "mean size" in err and "events/s" in err
    assert "garbage" in err and "truncated=" in err


def test_writes_to_stdout() -> None:
    code = (
        "import sys, argparse; from pipeline.cli import sample; "
        "p = argparse.ArgumentParser(); sample.register(p.add_subparsers()); "
        "a = p.parse_args(sys.argv[1:]); sys.exit(a.func(a))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "sample", "--count", "500", "--garbage", "1", "-q"],
        capture_output=True,
        check=True,
    )
    assert proc.stdout.count(b"\n") == 500
    assert b"wrote 500 events" in proc.stderr


def test_zero_count_and_bad_arguments(tmp_path: Path) -> None:
    out = tmp_path / "empty.jsonl"
    assert _run(["--count", "0", "-o", str(out)]) == 0
    assert out.read_bytes() == b""
    assert _run(["--count", "10", "--garbage", "2", "-o", str(out)]) == 2
    assert _run(["--count", "-1", "-o", str(out)]) == 2


def test_help_mentions_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        _run(["--help"])
    text = capsys.readouterr().out
    for option in ("--count", "--seed", "--garbage", "--output", "--events-per-second"):
        assert option in text
