"""The stages perf/bench_worker.py measures: topics, the worker subprocess, the passthrough, the engine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import psutil
from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient
from kafka_stages import LatencyProbe, count_committed  # perf/, beside this file

from pipeline.cli.gc_tuning import tune_gc
from pipeline.config.kafka import KafkaSettings, load_kafka_settings
from pipeline.config.worker import WorkerSettings
from pipeline.core import Engine
from pipeline.dev.demo.metrics import PRODUCED, REJECTED, parse
from pipeline.dev.generate import produce_traffic
from pipeline.kafka.broker import free_port
from pipeline.kafka.topics import apply, load_topics, plan
from pipeline.secrets.ephemeral import EphemeralDays

BATCH = WorkerSettings.model_fields["batch_size"].default  # bench_worker --batch-size sets it


def topics_for(bootstrap: str, tag: str, raw: str | None = None) -> KafkaSettings:
    """Settings with this run's own output topics (and group), created as declared."""
    settings = load_kafka_settings(
        bootstrap_servers=bootstrap,
        raw_topic=raw or f"bench.raw.{tag}",
        anonymized_topic=f"bench.anonymized.{tag}",
        dead_letter_topic=f"bench.dead-letter.{tag}",
        group_id=f"bench.{tag}",
        topic_replication_factor=1,  # one embedded broker
    )
    admin = AdminClient(settings.admin_config())
    apply(admin, plan(admin, load_topics(settings=settings)))
    return settings


def preproduce(settings: KafkaSettings, payloads: list[bytes]) -> None:
    producer = Producer(settings.producer_config(**{"linger.ms": 20}))
    for payload in payloads:
        while True:
            try:
                producer.produce(settings.raw_topic, payload)
                break
            except BufferError:
                producer.poll(0.05)
        producer.poll(0)
    if producer.flush(60):
        raise SystemExit("pre-producing the events failed")


def warm_up(settings: KafkaSettings) -> None:
    """Make the broker create its internal topics (__consumer_offsets, __transaction_state)
    now: a production cluster has them, and the first stage timed should not pay for them."""
    consumer = Consumer(settings.consumer_config(group_id=f"warm-up-{uuid.uuid4().hex[:6]}"))
    assigned: list[bool] = []
    consumer.subscribe([settings.raw_topic], on_assign=lambda c, p: assigned.append(True))
    deadline = time.monotonic() + 60
    while not assigned and time.monotonic() < deadline:
        consumer.poll(0.1)
    consumer.close()
    producer = Producer(
        settings.producer_config(transactional_id=f"warm-up-{uuid.uuid4().hex[:6]}")
    )
    producer.init_transactions(60)


def worker_env(
    settings: KafkaSettings, keys: str, extra: dict[str, str] | None = None
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANONYMIZER_")}
    env.update(
        ANONYMIZER_KEYS=keys,
        ANONYMIZER_BOOTSTRAP_SERVERS=settings.bootstrap_servers,
        ANONYMIZER_RAW_TOPIC=settings.raw_topic,
        ANONYMIZER_ANONYMIZED_TOPIC=settings.anonymized_topic,
        ANONYMIZER_DEAD_LETTER_TOPIC=settings.dead_letter_topic,
        ANONYMIZER_GROUP_ID=settings.group_id,
        ANONYMIZER_BATCH_SIZE=str(BATCH),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra or {})  # e.g. ANONYMIZER_PROFILE; an empty ANONYMIZER_BATCH_SIZE unsets it
    return {k: v for k, v in env.items() if v != ""}


class Worker:
    """`anonymizer worker` as a subprocess, its RSS sampled, its metrics read."""

    def __init__(
        self,
        engine: str,
        settings: KafkaSettings,
        keys: str,
        log: Path,
        env: dict[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/metrics"
        cmd = [sys.executable, "-m", "pipeline.cli.main", "worker", "--runtime", engine,
               "--metrics-port", str(self.port), "--instance-id", f"bench-{uuid.uuid4().hex[:6]}",
               "--bootstrap-servers", settings.bootstrap_servers]  # fmt: skip
        self.log = log
        self.started = time.monotonic()
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(
                cmd, stdout=out, stderr=subprocess.STDOUT, env=worker_env(settings, keys, env)
            )
        self.peak_rss = 0
        self._ps = psutil.Process(self.proc.pid)
        self._halt = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while not self._halt.is_set() and self.proc.poll() is None:
            try:
                self.peak_rss = max(self.peak_rss, self._ps.memory_info().rss)
            except psutil.Error:
                return
            self._halt.wait(0.1)

    def done(self) -> float | None:
        """produced + rejected, from the worker's metrics (None while they do not answer)."""
        try:
            with urllib.request.urlopen(self.url, timeout=1) as r:
                s = parse(r.read().decode())
            return s.total(PRODUCED) + s.total(REJECTED)
        except OSError:
            return None

    def wait_for(self, count: int, timeout: float) -> tuple[float, float | None]:
        """Seconds from start to `count` outputs committed, and to the first output."""
        first = None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"worker exited {self.proc.returncode}:\n{self.tail()}")
            n = self.done()
            now = time.monotonic() - self.started
            if n and first is None:
                first = now
            if n is not None and n >= count:
                return now, first
            time.sleep(0.05)
        raise SystemExit(f"worker did not finish {count:,} in {timeout:.0f} s:\n{self.tail()}")

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])

    def stop(self) -> int:
        self._halt.set()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def engines_available() -> list[str]:
    out = subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", "worker", "--help"],
        capture_output=True, text=True, check=False,
    ).stdout  # fmt: skip
    return [e for e in ("confluent", "faust") if e in out]


def run_worker(
    engine: str,
    bootstrap: str,
    raw: str,
    n: int,
    keys: str,
    log: Path,
    env: dict[str, str] | None = None,
) -> dict:
    settings = topics_for(bootstrap, f"{engine}.{uuid.uuid4().hex[:6]}", raw=raw)
    worker = Worker(engine, settings, keys, log, env)
    try:
        seconds, first = worker.wait_for(n, timeout=max(600, n / 500))
    finally:
        code = worker.stop()
    records = count_committed(settings, settings.anonymized_topic)
    dead = count_committed(settings, settings.dead_letter_topic)
    steady = n / (seconds - first) if first is not None and seconds > first else None
    return {
        "name": f"worker/{engine}", "rate": n / seconds, "steady": steady, "seconds": seconds,
        "rss_mb": worker.peak_rss / 2**20, "records": records, "dead": dead, "exit": code,
        "exact": records + dead == n,
    }  # fmt: skip


def run_passthrough(mode: str, bootstrap: str, raw: str, n: int) -> dict:
    tag = f"pass.{mode}.{uuid.uuid4().hex[:6]}"
    settings = topics_for(bootstrap, tag, raw=raw)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("bench_worker.py")), "--child-passthrough", mode, "--bootstrap", bootstrap,
         "--raw", raw, "--out", settings.anonymized_topic, "--group", settings.group_id,
         "--events", str(n), "--batch-size", str(BATCH)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"passthrough {mode} failed:\n{done.stderr[-3000:]}")
    child = json.loads(done.stdout.strip().splitlines()[-1])
    steady = n / (child["end"] - child["first"]) if child["end"] > child["first"] else None
    out = count_committed(settings, settings.anonymized_topic)
    return {
        "name": f"passthrough/{mode}", "rate": n / seconds, "steady": steady, "seconds": seconds,
        "rss_mb": child["rss_mb"], "records": out, "dead": 0, "exit": 0, "exact": out == n,
    }  # fmt: skip


def latency(bootstrap: str, engine: str, rate: float, seconds: float, keys: str, log: Path):
    settings = topics_for(bootstrap, f"lat.{uuid.uuid4().hex[:6]}")
    worker = Worker(engine, settings, keys, log)
    try:
        while worker.done() is None:
            if worker.proc.poll() is not None:
                raise SystemExit(f"worker exited:\n{worker.tail()}")
            time.sleep(0.2)
        time.sleep(2.0)  # let it join the group and get its partitions
        probe = LatencyProbe(settings, keys)
        probe.start()
        summary = produce_traffic(
            settings, rate=rate, duration=seconds, seed=7, on_event=probe.sent,
            producer_extra={"log_level": 3},
        )  # fmt: skip
        probe.finish(expected_at_most=summary.sent, timeout=30)
    finally:
        worker.stop()
    return summary, probe


def engine_alone(payloads: list[bytes], batch: int, rounds: int = 2) -> float:
    """Events/s of Engine.process in batches, in this process (best of `rounds`), under random
    in-memory day keys (the worker's come from the store; the engine's work is the same)."""
    engine, days = Engine(), EphemeralDays()
    tune_gc()
    best = 0.0
    for _ in range(rounds):
        started = time.perf_counter()
        for i in range(0, len(payloads), batch):
            engine.process(payloads[i : i + batch], days)
        best = max(best, len(payloads) / (time.perf_counter() - started))
    return best
