"""Every command that needs the master key ring reads it one way: --keys-file, else
$ANONYMIZER_KEYS, with one message when neither is there. A keys file works without
ANONYMIZER_KEYS, and a bad one is exit 2 with the file's error before any Kafka connection."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli.main import main
from pipeline.config.engine import NO_KEYS
from pipeline.core.keys import KeyRing

SECRET = base64.b64encode(bytes(range(32))).decode()
RING = f"f1:{SECRET}"
SHORT = base64.b64encode(b"too-short-secret").decode()
CLOSED = ["--bootstrap-servers", "127.0.0.1:1"]  # nothing listens on port 1
OUT = ["-o", "{tmp}/o", "-r", "{tmp}/r"]
# The commands that need the ring and reach Kafka: the ring is read before any connection.
KAFKA_COMMANDS = {
    "keys status": ["keys", "status"],
    "dead-letters redrive": ["dead-letters", "redrive"],
    "replay": ["replay", "--from", "2026-12-01T00:00Z", *OUT],
    "anonymize store": ["anonymize", "-i", "{tmp}/raw.jsonl", *OUT, "--day-secrets", "store"],
}


pytestmark = pytest.mark.usefixtures("clean_env")


@pytest.fixture
def keys_file(tmp_path: Path) -> Path:
    path = tmp_path / "keys"
    path.write_text(RING + "\n")
    return path


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad-keys"
    path.write_text(f"k1:{SHORT}")
    return path


def _args(args: list[str], tmp_path: Path) -> list[str]:
    (tmp_path / "raw.jsonl").write_text("{}\n")
    return [a.replace("{tmp}", str(tmp_path)) for a in args]


def test_keys_check_reads_the_file(keys_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "check", "--keys-file", str(keys_file)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("f1\tactive\t32 bytes") and SECRET not in out


def test_keys_rotate_reads_the_file(keys_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "rotate", "--id", "f2", "--keys-file", str(keys_file)]) == 0
    ring = KeyRing.parse(capsys.readouterr().out.strip())
    assert ring.ids == ("f2", "f1") and ring.get("f1").secret == bytes(range(32))


def test_the_file_wins_over_the_environment(
    keys_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ANONYMIZER_KEYS", "env1:" + base64.b64encode(bytes(40)).decode())
    assert main(["keys", "check", "--keys-file", str(keys_file)]) == 0
    assert capsys.readouterr().out.startswith("f1\t")


def test_neither_file_nor_environment_is_one_message(capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["keys", "check"], ["keys", "rotate", "--id", "x"]):
        assert main(command) == 2
        assert capsys.readouterr().err.strip().endswith(NO_KEYS)


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (None, "cannot read keys file"),
        ("", "is empty"),
        ("nocolon", "entry 1 is not of the form ID:BASE64"),
        (f"k1:{SHORT}", "at least 32 random bytes"),
    ],
)
def test_a_bad_file_is_named(
    tmp_path: Path, content: str | None, error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "keys"
    if content is not None:
        path.write_text(content)
    assert main(["keys", "check", "--keys-file", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"keys file {path}" in err and error in err and SHORT not in err


def test_anonymize_reads_the_file(tmp_path: Path, keys_file: Path) -> None:
    args = _args(["anonymize", "-i", "{tmp}/raw.jsonl", *OUT, "-q"], tmp_path)
    assert main([*args, "--keys-file", str(keys_file)]) == 0
    assert (tmp_path / "r").read_text().count("\n") == 1  # `{}` is a dead letter


@pytest.mark.parametrize("name", sorted(KAFKA_COMMANDS))
def test_kafka_commands_read_a_bad_file_before_connecting(
    name: str, tmp_path: Path, bad_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _args(KAFKA_COMMANDS[name], tmp_path) + CLOSED + ["--keys-file", str(bad_file)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "configuration error" in err and f"keys file {bad_file}: key 'k1' has 16 bytes" in err
    assert "unreachable" not in err and SHORT not in err


def test_the_worker_reads_a_bad_file_before_connecting(bad_file: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANONYMIZER_")}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", "worker", "--metrics-port", "0", *CLOSED,
         "--keys-file", str(bad_file)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr[-2000:]
    assert f"keys file {bad_file}: key 'k1' has 16 bytes" in done.stderr
    assert "unreachable" not in done.stderr and SHORT not in done.stderr


def test_the_demo_reads_the_file(
    keys_file: Path, bad_file: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    import pipeline.dev.demo.run as demo_run

    seen: list[str | None] = []
    monkeypatch.setattr(demo_run, "_run", lambda _opts, _console, keys, *_: seen.append(keys))
    assert main(["demo", "--duration", "1", "--keys-file", str(keys_file)]) == 0
    assert seen == [RING]
    assert main(["demo", "--duration", "1", "--keys-file", str(bad_file)]) == 2
    assert f"keys file {bad_file}" in capsys.readouterr().err and len(seen) == 1
    env, notes = demo_run._environment("127.0.0.1:1", RING)
    assert env["ANONYMIZER_KEYS"] == RING and notes == []
