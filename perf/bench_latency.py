"""Benchmark: end-to-end latency of the worker at a quarter, half and three quarters of its
capacity, for each batching profile, side by side in one run.

One embedded broker on this machine. First each profile's capacity: `anonymizer worker` drains a
backlog of --events generated events (steady events/s from its first output, as
perf/bench_worker.py measures it). Capacity is the `throughput` profile's steady rate. Then for
each load (a fraction of that capacity) and each profile, a fresh worker with its own output
topics gets pre-generated events at that rate for --seconds; a read_committed reader finds each
event's anonymized record. Latency = when the reader got the record - when the event was handed
to the producer (so the producer's linger, the broker, the worker's batching, its transaction
and the reader's fetch are all in it). The first --warmup seconds of each run are not counted.

    python perf/bench_latency.py [--events 200000] [--seconds 20] [--loads 0.25,0.5,0.75]
                                 [--profiles throughput,latency]
"""

from __future__ import annotations

import argparse
import base64
import os
import sys
import time
from pathlib import Path

from latency_stages import LoadResult, PacedLoad
from worker_stages import (  # perf/, beside this file
    Worker,
    preproduce,
    run_worker,
    topics_for,
    warm_up,
)

from pipeline.config.worker import PROFILES
from pipeline.dev.traffic import TrafficGenerator
from pipeline.kafka.broker import EmbeddedBroker


def profile_env(profile: str) -> dict[str, str]:
    """The worker's environment for a profile: ANONYMIZER_PROFILE, and no batch size of ours."""
    return {"ANONYMIZER_PROFILE": profile, "ANONYMIZER_BATCH_SIZE": ""}


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:,.0f}"


def steady_run(bootstrap: str, profile: str, rate: float, args: argparse.Namespace,
               keys: str, log: Path) -> LoadResult:  # fmt: skip
    settings = topics_for(bootstrap, f"lat.{profile}.{int(rate)}.{os.urandom(3).hex()}")
    load = PacedLoad(settings, keys, rate, args.seconds)  # generated before the worker starts
    worker = Worker("confluent", settings, keys, log, profile_env(profile))
    try:
        deadline = time.monotonic() + 60
        while worker.done() is None:
            if worker.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"worker did not start:\n{worker.tail()}")
            time.sleep(0.2)
        time.sleep(2.0)  # joined the group, partitions assigned
        return load.run(args.warmup, worker.url)
    finally:
        worker.stop()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=200_000, help="backlog for capacity")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each load")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds not counted")
    parser.add_argument("--loads", default="0.25,0.5,0.75", help="fractions of capacity")
    parser.add_argument("--profiles", default=",".join(PROFILES))
    parser.add_argument("--capacity", type=float, help="events/s: skip measuring it")
    args = parser.parse_args()
    profiles = args.profiles.split(",")
    unknown = [p for p in profiles if p not in PROFILES]
    if unknown:
        parser.error(f"unknown profile(s) {', '.join(unknown)}; known: {', '.join(PROFILES)}")
    loads = [float(x) for x in args.loads.split(",")]
    keys = "bench:" + base64.b64encode(os.urandom(32)).decode()
    logs = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-latency-{os.getpid()}"
    logs.mkdir(exist_ok=True)
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; broker on the same")
    for name in profiles:
        print(f"profile {name}: {', '.join(f'{k} {v}' for k, v in PROFILES[name].items())}")
    capacity: dict[str, dict] = {}
    results: list[tuple[float, str, LoadResult]] = []
    with EmbeddedBroker(heap="1g") as broker:
        bootstrap = broker.bootstrap
        raw_settings = topics_for(bootstrap, "input")
        warm_up(raw_settings)
        if args.capacity is None:
            start_ms = int(time.time() * 1000) - 3_600_000  # inside the window
            traffic = TrafficGenerator(seed=42, garbage=0.05, start_ms=start_ms)
            # Exact-size copies: orjson's bytes keep a 16 KiB buffer each (3 GB for 200,000).
            payloads = [bytes(memoryview(p)) for p in traffic.payloads(args.events)]
            print(f"producing {args.events:,} events for the capacity runs...", flush=True)
            preproduce(raw_settings, payloads)
            for name in profiles:
                print(f"capacity, profile {name} ...", flush=True)
                capacity[name] = run_worker(
                    "confluent", bootstrap, raw_settings.raw_topic, args.events, keys,
                    logs / f"capacity-{name}.log", profile_env(name),
                )  # fmt: skip
            ref = capacity.get("throughput") or capacity[profiles[0]]
            full = ref["steady"] or ref["rate"]
        else:
            full = args.capacity
        for fraction in loads:
            for name in profiles:
                rate = full * fraction
                print(f"{fraction:.0%} of capacity ({rate:,.0f} events/s), profile {name} ...",
                      flush=True)  # fmt: skip
                log = logs / f"latency-{name}-{fraction}.log"
                results.append((fraction, name, steady_run(bootstrap, name, rate, args, keys, log)))

    print()
    if capacity:
        print(f"{'capacity':12} {'ev/s (from start)':>18} {'ev/s (steady)':>14} "
              f"{'peak RSS':>9}  outputs")  # fmt: skip
        for name, r in capacity.items():
            print(f"{name:12} {r['rate']:>18,.0f} {r['steady'] or 0:>14,.0f} "
                  f"{r['rss_mb']:>6,.0f} MB  {'exact' if r['exact'] else 'MISMATCH'}")  # fmt: skip
    print(
        f"capacity (100%): {full:,.0f} events/s; latencies in ms, over {args.seconds:g} s "
        f"less {args.warmup:g} s of warm-up per row"
    )
    print()
    print(f"{'load':>5} {'profile':11} {'ev/s held':>10} {'p50':>6} {'p90':>6} {'p99':>6} "
          f"{'max':>6} {'seen':>15} {'batch':>7} {'tx/s':>5}")  # fmt: skip
    for fraction, name, r in results:
        seen = f"{r.seen:,}/{r.expected:,}"
        batch = "-" if r.batches is None else f"{r.batches:,.0f}"
        per_s = "-" if r.commits_per_s is None else f"{r.commits_per_s:.0f}"
        print(f"{fraction:>5.0%} {name:11} {r.rate:>10,.0f} {ms(r.quantile(0.5)):>6} "
              f"{ms(r.quantile(0.9)):>6} {ms(r.quantile(0.99)):>6} {ms(r.quantile(1.0)):>6} "
              f"{seen:>15} {batch:>7} {per_s:>5}")  # fmt: skip
    print(f"(worker logs in {logs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
