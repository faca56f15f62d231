"""`anonymizer demo` end to end as a subprocess, not on a terminal: plain status lines, a
summary with anonymized events, exit 0, and no process left behind."""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import orjson
import psutil
import pytest

from pipeline.core.day_keys import day_of_key_id

pytestmark = pytest.mark.kafka


def _number(pattern: str, text: str) -> float:
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not in output:\n{text}"
    return float(match.group(1).replace(",", ""))


def _run_demo(
    args: list[str], during: Callable[[str], bool] | None = None, **env: str
) -> tuple[int, str, dict[int, float]]:
    """Run the demo; its exit code, output, and every descendant process seen (pid: created).
    `during(output so far)` is called every half second while it runs, until it returns True;
    then the demo gets Ctrl-C (SIGINT), as a user stops it."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ANONYMIZER_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli.main", "demo", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**clean, **env},
    )
    lines: list[bytes] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in iter(proc.stdout.readline, b""):
            lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    me = psutil.Process(proc.pid)
    children: dict[int, float] = {}  # pid -> create time, to tell a reused pid apart
    deadline = time.monotonic() + 240
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            for child in me.children(recursive=True):
                children.setdefault(child.pid, child.create_time())
        except psutil.NoSuchProcess:
            pass
        if during is not None and during(b"".join(lines).decode(errors="replace")):
            during = None
            proc.send_signal(signal.SIGINT)
        time.sleep(0.5)
    if proc.poll() is None:
        proc.kill()
    proc.wait(30)
    reader.join(30)
    return proc.returncode, b"".join(lines).decode(errors="replace"), children


def _left_behind(children: dict[int, float]) -> list[str]:
    time.sleep(1.0)
    left = []
    for pid, created in children.items():
        try:
            p = psutil.Process(pid)
            if p.create_time() == created and p.status() != psutil.STATUS_ZOMBIE:
                left.append(f"{pid} {p.name()} {p.cmdline()[:3]}")
        except psutil.NoSuchProcess:
            pass
    return left


class Readers:
    """Runs the commands the demo prints for reading its output, once records are out."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.results: dict[str, subprocess.CompletedProcess[str]] = {}

    def __call__(self, out: str) -> bool:
        export = re.search(r"^  export (ANONYMIZER_BOOTSTRAP_SERVERS=(\S+))$", out, re.M)
        if not export or not re.search(r"^demo +\d+ s: in .*out [\d,]+/s \([1-9]", out, re.M):
            return False
        env = {**os.environ, "ANONYMIZER_BOOTSTRAP_SERVERS": export.group(2)}
        running = {}
        for command in re.findall(r"^  (anonymizer (?:audit|heatmap|abtest) .*)$", out, re.M):
            args = [*shlex.split(command)[1:], "--quiet"]
            running[args[0]] = subprocess.Popen(
                [sys.executable, "-m", "pipeline.cli.main", *args], env=env, cwd=self.workdir,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
        for name, proc in running.items():  # all three at once, while the demo's broker runs
            stdout, stderr = proc.communicate(timeout=120)
            self.results[name] = subprocess.CompletedProcess(
                proc.args, proc.returncode, stdout, stderr
            )
        return True


def test_demo_runs_end_to_end_and_cleans_up(tmp_path: Path) -> None:
    readers = Readers(tmp_path)
    # Stopped by Ctrl-C once the readers, started when records are out, have finished; the
    # duration only bounds a demo whose readers never start.
    code, out, children = _run_demo(["--duration", "200", "--rate", "1000"], during=readers)
    assert code == 0, out
    # the broker (java) and the worker were children while it ran
    assert len(children) >= 2, out
    left = _left_behind(children)
    assert not left, f"processes left behind: {left}"
    assert "demo key, not for production" in out
    assert re.search(r"^demo +\d+ s: in ", out, re.M), out  # plain status lines, no live view
    assert "\x1b[" not in out  # no terminal control sequences
    summary = next(line for line in out.splitlines() if line.startswith("summary: generated"))
    generated = _number(r"summary: generated ([\d,]+)", summary)
    anonymized = _number(r"anonymized ([\d,]+)", summary)
    dead = _number(r"dead letters ([\d,]+)", summary)
    assert generated > 0 and anonymized > 0 and dead > 0
    assert anonymized + dead == generated, out
    assert "all accounted for: yes" in out

    raw_line = re.search(r"^sample raw event \(synthetic\): +(\{.*\})$", out, re.M)
    anon_line = re.search(r"^sample anonymized record: +(\{.*\})$", out, re.M)
    assert raw_line and anon_line, out
    raw, anon = orjson.loads(raw_line.group(1)), orjson.loads(anon_line.group(1))
    # Paired by the event_id pseudonym: same event, and no bit of the collector's id passes.
    assert (raw["site_id"], raw["event_type"]) == (anon["site_id"], anon["event_type"])
    assert anon["event_id"] != raw["event_id"] and raw["event_id"] not in anon_line.group(1)
    for personal in ("ip", "visitor_cookie", "session_id", "attributes", "forwarded_for"):
        assert personal not in anon
    for raw_value in (raw.get("ip"), raw.get("visitor_cookie"), raw.get("session_id")):
        assert raw_value is None or raw_value not in anon_line.group(1)  # each may be absent
    assert anon["visitor_key"]
    # made under the day secret of the event's day, from the store on the embedded broker
    assert day_of_key_id(anon["key_id"]) == raw["event_time"] // 86_400_000
    assert re.search(r"^day secrets: web\.events\.day-secrets on the embedded broker", out, re.M)

    # The consumers, as printed for another terminal, read the demo's topic while it runs.
    assert set(readers.results) == {"audit", "heatmap", "abtest"}, out
    activate = re.search(r"^  source (\S+/bin/activate)$", out, re.M)  # where `anonymizer` is
    assert activate and Path(activate.group(1)).is_file(), out
    audit, heatmap, abtest = (readers.results[c] for c in ("audit", "heatmap", "abtest"))
    assert audit.returncode in (0, 1) and "Audit of topic web.events.anonymized:" in audit.stdout
    assert heatmap.returncode == 0, heatmap.stderr
    assert "taps and clicks" in heatmap.stdout and (tmp_path / "heatmap.png").stat().st_size > 0
    assert abtest.returncode == 0, abtest.stderr
    assert "| control |" in abtest.stdout and "exp-hero-banner-2025q4" in abtest.stdout


def test_a_failing_worker_stops_the_demo_with_its_log() -> None:
    code, out, children = _run_demo(["--duration", "30"], ANONYMIZER_POLICY="/no/such/policy.toml")
    assert code == 1, out
    assert "worker log" in out and "policy" in out, out
    assert children, out  # the broker had started
    assert not _left_behind(children)
