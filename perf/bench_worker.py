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

    python perf/bench_worker.py [--events 200000] [--runtimes confluent,faust] [--latency-seconds 20]
"""

from __future__ import annotations

import argparse
import base64
import os
import sys
import time
from pathlib import Path

import worker_stages  # perf/, beside this file
from kafka_stages import passthrough_main
from worker_stages import (
    engine_alone,
    engines_available,
    latency,
    preproduce,
    run_passthrough,
    run_worker,
    topics_for,
    warm_up,
)

from pipeline.dev.traffic import TrafficGenerator
from pipeline.kafka.broker import EmbeddedBroker

TARGET_RATE = 25_000
TARGET_RATIO = 0.60
TARGET_RSS_MB = 300


def verdict(label: str, ok: bool, value: str) -> str:
    return f"{'met    ' if ok else 'NOT met'}  {label}{f': {value}' if value else ''}"


def fmt(value: float | None, spec: str = ",.0f") -> str:
    return "-" if value is None else format(value, spec)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument(
        "--batch-size",
        type=int,
        default=worker_stages.BATCH,
        help=f"records per batch everywhere (default {worker_stages.BATCH})",
    )
    parser.add_argument("--runtimes", default=None, help="default: every runtime the worker has")
    parser.add_argument("--latency-seconds", type=float, default=20.0, help="0 to skip")
    parser.add_argument("--child-passthrough", choices=("alo", "eos"), help=argparse.SUPPRESS)
    parser.add_argument("--bootstrap", help=argparse.SUPPRESS)
    parser.add_argument("--raw", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--group", help=argparse.SUPPRESS)
    args = parser.parse_args()
    worker_stages.BATCH = args.batch_size
    if args.child_passthrough:
        return passthrough_main(args.child_passthrough, args.bootstrap, args.raw, args.out,
                                args.group, args.events, worker_stages.BATCH)  # fmt: skip

    n = args.events
    keys = "bench:" + base64.b64encode(os.urandom(32)).decode()
    available = engines_available()
    wanted = args.runtimes.split(",") if args.runtimes else available
    skipped = [e for e in wanted if e not in available]
    engines = [e for e in wanted if e in available]
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; broker on the same")
    print(f"generating {n:,} events (~1 KB, 5% garbage, repeat visitors)...")
    # Event times from an hour ago: inside the personal-data window, whose days have secrets.
    start_ms = int(time.time() * 1000) - 3_600_000
    payloads = TrafficGenerator(seed=42, garbage=0.05, start_ms=start_ms).payloads(n)
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
            print(f"worker --runtime {engine} ...", flush=True)
            rows.append(run_worker(engine, bootstrap, raw, n, keys, logs / f"worker-{engine}.log"))
        for mode in ("alo", "eos"):
            print(f"passthrough {mode} ...", flush=True)
            rows.append(run_passthrough(mode, bootstrap, raw, n))
        print("engine alone ...", flush=True)
        alone = engine_alone(payloads, worker_stages.BATCH)
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
        print(f"worker/{e}: skipped (`anonymizer worker --runtime {e}` does not exist)")
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
