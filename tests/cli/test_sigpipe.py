"""Every command that writes to stdout ends quietly with 141 (128 + SIGPIPE) when its reader has
gone away (`anonymizer ... | head`): no traceback, no 'Exception ignored', whether it writes with
print, a binary stream or rich (whose own handling would exit 1, `audit`'s 'limit crossed')."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli.main import main
from pipeline.config.kafka import KafkaSettings

REPO = Path(__file__).resolve().parents[2]


def broken_pipe_run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run `anonymizer ARGS` with stdout a pipe whose reader is closed before the command
    writes anything; (exit code, stderr)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli.main", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        cwd=REPO,
        env={**os.environ, **(env or {})},
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the interpreter has even started
    err = proc.stderr.read().decode()
    return proc.wait(120), err


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sample traffic and its anonymized output (ephemeral day secrets, no Kafka)."""
    d = tmp_path_factory.mktemp("sigpipe")
    assert main(["sample", "-n", "3000", "--seed", "3", "-o", str(d / "raw.jsonl"), "-q"]) == 0
    assert main(["anonymize", "-i", str(d / "raw.jsonl"), "-o", str(d / "out.jsonl"),
                 "-r", str(d / "rejects.jsonl")]) == 0  # fmt: skip
    return d


OFFLINE = {
    "policy": ["policy"],
    "keys generate": ["keys", "generate"],
    "config (rich tables)": ["config"],
    "schema list": ["schema", "list"],
    "sample to stdout": ["sample", "-n", "3000"],
    "anonymize, records to stdout": ["anonymize", "-i", "{d}/raw.jsonl", "-r", "{d}/r.jsonl"],
    "anonymize, dead letters to stdout": [
        "anonymize", "-i", "{d}/raw.jsonl", "-o", "{d}/o.jsonl", "-r", "-"
    ],
    "audit (rich report)": ["audit", "--input", "{d}/out.jsonl"],
    "abtest": ["abtest", "--input", "{d}/out.jsonl", "-e", "exp-hero-banner-2025q4"],
    "heatmap": ["heatmap", "--input", "{d}/out.jsonl", "--site", "site-0001", "--url-path",
                "/products/*", "-o", "{d}/h.png"],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(OFFLINE))
def test_offline_commands_end_quietly_on_a_broken_pipe(name: str, files: Path) -> None:
    args = [a.replace("{d}", str(files)) for a in OFFLINE[name]]
    code, err = broken_pipe_run(*args, env={"ANONYMIZER_KEYS": "k1:" + "A" * 43 + "="})
    assert code == 141, err
    assert "Traceback" not in err and "Exception ignored" not in err and "BrokenPipe" not in err


@pytest.mark.kafka
@pytest.mark.parametrize("args", [["topics", "plan"], ["lag", "--format", "prometheus"]])
def test_kafka_commands_end_quietly_on_a_broken_pipe(
    args: list[str], kafka_topics: KafkaSettings
) -> None:
    env = {
        "ANONYMIZER_BOOTSTRAP_SERVERS": kafka_topics.bootstrap_servers,
        "ANONYMIZER_RAW_TOPIC": kafka_topics.raw_topic,
        "ANONYMIZER_ANONYMIZED_TOPIC": kafka_topics.anonymized_topic,
        "ANONYMIZER_DEAD_LETTER_TOPIC": kafka_topics.dead_letter_topic,
        "ANONYMIZER_DAY_SECRETS_TOPIC": kafka_topics.day_secrets_topic,
        "ANONYMIZER_TOPIC_REPLICATION_FACTOR": "1",
    }
    code, err = broken_pipe_run(*args, env=env)
    assert code == 141, err
    assert "Traceback" not in err and "Exception ignored" not in err
