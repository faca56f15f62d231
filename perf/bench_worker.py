"""Benchmark: the streaming worker end to end, beside the floor and the ceiling around it.

One run, one embedded broker, the same generated events (default 200,000, ~1 KB, 5% garbage)
produced once to a raw topic, then side by side:
  worker/<engine>       `anonymizer worker` as a subprocess: events/s from process start to the
                        last committed output (its metrics; then checked with a read_committed
                        count of both output topics); steady rate from its first output; peak RSS
  passthrough/alo       plain confluent-kafka consume(batch) -> produce, commit after each batch
  passthrough/eos       the same, one transaction per batch (offsets in the transaction)
  engine alone          Engine.process in batches of the same size, in-process, no Kafka
then the end-to-end latency (raw record timestamp -> output visible to a read_committed consumer)
while producing at half the worker's measured rate for --latency-seconds.

    python perf/bench_worker.py [--events 200000] [--engines confluent,faust] [--latency-seconds 20]
"""

from __future__ import annotations

import argparse
import base64
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
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient

from pipeline.core import Engine
from pipeline.core.keys import KeyRing
from pipeline.demo.metrics import PRODUCED, REJECTED, parse
from pipeline.generate import produce_traffic
from pipeline.kafka.broker import EmbeddedBroker, free_port
from pipeline.kafka.config import KafkaSettings, load_kafka_settings
from pipeline.kafka.topics import apply, load_topics, plan
from pipeline.runtime import tune_gc
from pipeline.traffic import GeneratedEvent, TrafficGenerator
from pipeline.worker.settings import WorkerSettings

TARGET_RATE = 25_000
TARGET_RATIO = 0.60
TARGET_RSS_MB = 300
BATCH = WorkerSettings.model_fields["batch_size"].default  # --batch-size changes it


def topics_for(bootstrap: str, tag: str, raw: str | None = None) -> KafkaSettings:
    """Settings with this run's own output topics (and group), created as declared."""
    settings = load_kafka_settings(
        bootstrap_servers=bootstrap,
        raw_topic=raw or f"bench.raw.{tag}",
        anonymized_topic=f"bench.anonymized.{tag}",
        dead_letter_topic=f"bench.dead-letter.{tag}",
        group_id=f"bench.{tag}",
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


def worker_env(settings: KafkaSettings, keys: str) -> dict[str, str]:
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
    return env


class Worker:
    """`anonymizer worker` as a subprocess, its RSS sampled, its metrics read."""

    def __init__(self, engine: str, settings: KafkaSettings, keys: str, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/metrics"
        cmd = [sys.executable, "-m", "pipeline.cli.main", "worker", "--engine", engine,
               "--metrics-port", str(self.port), "--instance-id", f"bench-{uuid.uuid4().hex[:6]}",
               "--bootstrap-servers", settings.bootstrap_servers]  # fmt: skip
        self.log = log
        self.started = time.monotonic()
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(
                cmd, stdout=out, stderr=subprocess.STDOUT, env=worker_env(settings, keys)
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


def run_worker(engine: str, bootstrap: str, raw: str, n: int, keys: str, log: Path) -> dict:
    settings = topics_for(bootstrap, f"{engine}.{uuid.uuid4().hex[:6]}", raw=raw)
    worker = Worker(engine, settings, keys, log)
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
        [sys.executable, __file__, "--child-passthrough", mode, "--bootstrap", bootstrap,
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
        probe = LatencyProbe(settings)
        probe.start()
        summary = produce_traffic(
            settings, rate=rate, duration=seconds, seed=7, on_event=probe.sent,
            producer_extra={"log_level": 3},
        )  # fmt: skip
        probe.finish(expected_at_most=summary.sent, timeout=30)
    finally:
        worker.stop()
    return summary, probe


def count_committed(settings: KafkaSettings, topic: str, idle: float = 3.0) -> int:
    """Records of `topic` a read_committed consumer sees (reads until `idle` s of silence)."""
    consumer = Consumer(settings.consumer_config(
        group_id=f"bench-count-{uuid.uuid4().hex[:6]}", **{"fetch.wait.max.ms": 50}))  # fmt: skip
    parts = consumer.list_topics(topic, timeout=10).topics[topic].partitions
    consumer.assign([TopicPartition(topic, p, 0) for p in parts])
    count, quiet_since = 0, time.monotonic()
    while time.monotonic() - quiet_since < idle:
        batch = consumer.consume(5000, timeout=0.5)
        got = sum(1 for m in batch if m.error() is None)
        if got:
            count += got
            quiet_since = time.monotonic()
    consumer.close()
    return count


def engine_alone(payloads: list[bytes], keys: str, batch: int, rounds: int = 2) -> float:
    """Events/s of Engine.process in batches, in this process (best of `rounds`)."""
    engine = Engine(KeyRing.parse(keys))
    tune_gc()
    best = 0.0
    for _ in range(rounds):
        started = time.perf_counter()
        for i in range(0, len(payloads), batch):
            engine.process(payloads[i : i + batch])
        best = max(best, len(payloads) / (time.perf_counter() - started))
    return best


def passthrough_main(mode: str, bootstrap: str, raw: str, out: str, group: str, n: int,
                     batch: int) -> int:  # fmt: skip
    """Child process: consume(batch) -> produce, no work; commit per batch (alo) or one
    transaction per batch (eos). Prints JSON: first/end times (monotonic), peak RSS."""
    settings = load_kafka_settings(bootstrap_servers=bootstrap, group_id=group)
    consumer = Consumer(settings.consumer_config())
    tid = f"bench-pass-{uuid.uuid4().hex[:6]}" if mode == "eos" else None
    producer = Producer(settings.producer_config(transactional_id=tid))
    if tid:
        producer.init_transactions(30)
    consumer.subscribe([raw])
    seen, first = 0, None
    while seen < n:
        msgs = [m for m in consumer.consume(batch, timeout=0.5) if m.error() is None]
        if not msgs:
            continue
        first = first or time.monotonic()
        if tid:
            producer.begin_transaction()
        for m in msgs:
            while True:
                try:
                    producer.produce(out, m.value(), m.key())
                    break
                except BufferError:
                    producer.poll(0.05)
        seen += len(msgs)
        if tid:
            producer.send_offsets_to_transaction(
                consumer.position(consumer.assignment()), consumer.consumer_group_metadata(), 30
            )
            producer.commit_transaction(30)
        else:
            producer.flush(30)  # at least once: outputs acknowledged before the offsets
            consumer.commit(offsets=consumer.position(consumer.assignment()), asynchronous=False)
    end = time.monotonic()
    consumer.close()
    status = Path("/proc/self/status").read_text().splitlines()
    rss = int(next(line.split()[1] for line in status if line.startswith("VmHWM:"))) / 1024
    print(json.dumps({"first": first, "end": end, "rss_mb": rss}))
    return 0


class LatencyProbe(threading.Thread):
    """Remembers when each event was produced (by event_id) and reads the anonymized topic
    read_committed: latency = seen - produced. The event_id is the Avro body's first field."""

    def __init__(self, settings: KafkaSettings) -> None:
        super().__init__(daemon=True)
        self.settings = settings
        self.produced: dict[bytes, float] = {}
        self.latencies: list[float] = []
        self._halt = threading.Event()

    def sent(self, event: GeneratedEvent) -> None:
        if event.garbage is None and event.payload.startswith(b'{"event_id":"'):
            self.produced[event.payload[13:49]] = time.time()

    @property
    def count(self) -> int:
        return len(self.latencies)

    def run(self) -> None:
        topic = self.settings.anonymized_topic
        consumer = Consumer(self.settings.consumer_config(
            group_id=f"bench-latency-{uuid.uuid4().hex[:6]}", **{"fetch.wait.max.ms": 10}))  # fmt: skip
        parts = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        consumer.assign([TopicPartition(topic, p, 0) for p in parts])
        while not self._halt.is_set():
            msgs = consumer.consume(1000, timeout=0.1)
            now = time.time()
            for m in msgs:
                value = m.value()
                if m.error() is None and value and value[10] == 72:  # zigzag 36: a UUID string
                    t = self.produced.get(value[11:47])
                    if t is not None:
                        self.latencies.append(now - t)
        consumer.close()

    def finish(self, expected_at_most: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last, since = -1, time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - since < 3:
            if self.count != last:
                last, since = self.count, time.monotonic()
            time.sleep(0.2)
        self._halt.set()
        self.join(10)

    def quantile(self, q: float) -> float | None:
        data = sorted(self.latencies)
        return data[min(len(data) - 1, int(q * len(data)))] if data else None


def verdict(label: str, ok: bool, value: str) -> str:
    return f"{'met    ' if ok else 'NOT met'}  {label}{f': {value}' if value else ''}"


def fmt(value: float | None, spec: str = ",.0f") -> str:
    return "-" if value is None else format(value, spec)


def main() -> int:
    global BATCH
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument(
        "--batch-size",
        type=int,
        default=BATCH,
        help=f"records per batch everywhere (default {BATCH})",
    )
    parser.add_argument("--engines", default=None, help="default: every engine the worker has")
    parser.add_argument("--latency-seconds", type=float, default=20.0, help="0 to skip")
    parser.add_argument("--child-passthrough", choices=("alo", "eos"), help=argparse.SUPPRESS)
    parser.add_argument("--bootstrap", help=argparse.SUPPRESS)
    parser.add_argument("--raw", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--group", help=argparse.SUPPRESS)
    args = parser.parse_args()
    BATCH = args.batch_size
    if args.child_passthrough:
        return passthrough_main(args.child_passthrough, args.bootstrap, args.raw, args.out,
                                args.group, args.events, BATCH)  # fmt: skip

    n = args.events
    keys = "bench:" + base64.b64encode(os.urandom(32)).decode()
    available = engines_available()
    wanted = args.engines.split(",") if args.engines else available
    skipped = [e for e in wanted if e not in available]
    engines = [e for e in wanted if e in available]
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; broker on the same")
    print(f"generating {n:,} events (~1 KB, 5% garbage, repeat visitors)...")
    payloads = TrafficGenerator(seed=42, garbage=0.05).payloads(n)
    mean = sum(map(len, payloads)) / len(payloads)
    logs = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-worker-{os.getpid()}"
    logs.mkdir(exist_ok=True)
    with EmbeddedBroker(heap="1g") as broker:
        bootstrap = broker.bootstrap
        raw_settings = topics_for(bootstrap, "input")
        raw = raw_settings.raw_topic
        print(f"producing them to {raw} ({mean:,.0f} bytes mean)...")
        preproduce(raw_settings, payloads)
        warm_up(raw_settings)
        rows = []
        for engine in engines:
            print(f"worker --engine {engine} ...", flush=True)
            rows.append(run_worker(engine, bootstrap, raw, n, keys, logs / f"worker-{engine}.log"))
        for mode in ("alo", "eos"):
            print(f"passthrough {mode} ...", flush=True)
            rows.append(run_passthrough(mode, bootstrap, raw, n))
        print("engine alone ...", flush=True)
        alone = engine_alone(payloads, keys, BATCH)
        rows.append({"name": "engine alone (in-process)", "rate": alone, "steady": None,
                     "seconds": n / alone, "rss_mb": None, "records": None, "dead": None,
                     "exit": 0, "exact": True})  # fmt: skip
        default = rows[0] if engines and engines[0] == "confluent" else None
        lat = None
        if default and args.latency_seconds > 0:
            half = default["rate"] / 2
            print(f"latency at {half:,.0f} events/s for {args.latency_seconds:.0f} s ...")
            lat = latency(bootstrap, "confluent", half, args.latency_seconds, keys,
                          logs / "worker-latency.log")  # fmt: skip

    print()
    print(f"{'stage':28} {'ev/s (from start)':>18} {'ev/s (steady)':>14} {'seconds':>8} "
          f"{'peak RSS':>9}  {'outputs (read_committed)':>26}")  # fmt: skip
    for r in rows:
        outputs = "" if r["records"] is None else (
            f"{r['records']:,} + {r['dead']:,} dead {'ok' if r['exact'] else 'MISMATCH'}"
        )  # fmt: skip
        rss = "-" if r["rss_mb"] is None else f"{r['rss_mb']:,.0f} MB"
        print(f"{r['name']:28} {fmt(r['rate']):>18} {fmt(r['steady']):>14} "
              f"{r['seconds']:>8.1f} {rss:>9}  {outputs:>26}")  # fmt: skip
    for e in skipped:
        print(f"worker/{e}: skipped (`anonymizer worker --engine {e}` does not exist)")
    print()
    for r in rows:
        if r["name"].startswith("worker/"):
            for other in rows:
                if other is not r and not other["name"].startswith("worker/"):
                    print(f"{r['name']} / {other['name']}: {r['rate'] / other['rate']:.0%}")
    if lat is not None:
        summary, probe = lat
        p50, p99 = probe.quantile(0.5), probe.quantile(0.99)
        print(f"latency at {summary.rate:,.0f} events/s produced for {summary.elapsed:.0f} s "
              f"({probe.count:,} outputs seen): p50 {fmt(p50 and p50 * 1000)} ms, "
              f"p99 {fmt(p99 and p99 * 1000)} ms")  # fmt: skip
    if default:
        print()
        print(verdict(f"worker/confluent >= {TARGET_RATE:,} events/s",
                      default["rate"] >= TARGET_RATE, f"{default['rate']:,.0f}"))  # fmt: skip
        ratio = default["rate"] / alone
        print(verdict(f"worker/confluent >= {TARGET_RATIO:.0%} of the engine alone",
                      ratio >= TARGET_RATIO, f"{ratio:.0%}"))  # fmt: skip
        print(verdict(f"worker/confluent peak RSS < {TARGET_RSS_MB} MB",
                      default["rss_mb"] < TARGET_RSS_MB, f"{default['rss_mb']:,.0f} MB"))  # fmt: skip
        print(verdict("every input committed exactly once (records + dead letters == input)",
                      all(r["exact"] for r in rows), ""))  # fmt: skip
    print(f"(worker logs in {logs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
