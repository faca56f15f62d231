"""Benchmark: the privacy engine alone vs. a JSON-to-Avro stage with no privacy work.

Everything is measured in one run, on the same events, on one core (the process is pinned):
  baseline/fastavro  orjson.loads, the output-shaped dict, fastavro.schemaless_writer
  baseline/compiled  msgspec typed decode, the output tuple, the project's compiled encoder
  engine             Engine.process in batches (decode, identity, validate, scrub, encode)
Rounds are interleaved and the best round of each is kept. Then (--rss-lines) the offline
mode streams a generated file of that many lines and its peak RSS is printed beside the RSS
of a run 10 times smaller: memory must stay flat.

    python perf/bench_core.py [--events 200000] [--rounds 3] [--rss-lines 1000000]
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

import fastavro
import msgspec
import orjson

from pipeline.cli.gc_tuning import tune_gc
from pipeline.codec.encoder import compile_encoder
from pipeline.codec.schemas import ANONYMIZED, load_schema
from pipeline.core import Engine
from pipeline.core.raw_event import RawWebEvent
from pipeline.dev.traffic import TrafficGenerator
from pipeline.secrets.ephemeral import EphemeralDays

TARGET_RATE = 50_000
TARGET_RATIO = 0.60
BATCH = 2000


def baseline_fastavro(schema: dict) -> Callable[[list[bytes]], int]:
    parsed = fastavro.parse_schema(schema)
    names = [f["name"] for f in schema["fields"]]
    constants = {"key_id": "k", "policy_version": "p", "geo_db": "g"}

    def run(payloads: list[bytes]) -> int:
        out = 0
        for payload in payloads:
            try:
                event = orjson.loads(payload)
                record = {n: event.get(n, constants.get(n)) for n in names}
                buf = io.BytesIO()
                fastavro.schemaless_writer(buf, parsed, record)
            except Exception:  # garbage: a real stage would dead-letter it
                continue
            out += 1
        return out

    return run


def baseline_compiled(schema: dict) -> Callable[[list[bytes]], int]:
    class Lenient(RawWebEvent, forbid_unknown_fields=False):
        """Unknown keys ignored: the baseline does no counting of dropped keys."""

    decoder = msgspec.json.Decoder(Lenient)
    encode = compile_encoder(schema, {"key_id": "k", "policy_version": "p", "geo_db": "g"})
    source = (
        "def project(e):\n    return ("
        + ", ".join(f"getattr(e, {f['name']!r}, None)" for f in schema["fields"])
        + ",)\n"
    )
    namespace: dict = {}
    exec(source, namespace)
    project = namespace["project"]

    def run(payloads: list[bytes]) -> int:
        out = 0
        for payload in payloads:
            try:
                encode(project(decoder.decode(payload)))
            except Exception:
                continue
            out += 1
        return out

    return run


def engine_run(engine: Engine, days: EphemeralDays) -> Callable[[list[bytes]], int]:
    def run(payloads: list[bytes]) -> int:
        out = 0
        for start in range(0, len(payloads), BATCH):
            out += len(engine.process(payloads[start : start + BATCH], days).records)
        return out

    return run


def measure(fn: Callable[[list[bytes]], int], payloads: list[bytes]) -> tuple[float, int]:
    started = time.perf_counter()
    kept = fn(payloads)
    return len(payloads) / (time.perf_counter() - started), kept


def rss_of_offline_run(lines: int) -> tuple[int, float]:
    """Peak RSS (MB) and seconds of `anonymizer anonymize` over a generated file of `lines`
    (ephemeral day secrets, its default: no master key needed)."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "raw.jsonl")
        subprocess.run(
            [sys.executable, "-m", "pipeline.cli.main", "sample", "--count", str(lines),
             "--seed", "7", "--output", raw, "--quiet"],
            check=True,
        )  # fmt: skip
        # VmHWM, not ru_maxrss: the latter keeps the forking parent's peak across exec.
        script = (
            "import re, sys\n"
            "from pipeline.cli.main import main\n"
            "code = main(sys.argv[1:])\n"
            "status = open('/proc/self/status').read()\n"
            "print(re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1), file=sys.stderr)\n"
            "sys.exit(code)\n"
        )
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", script, "anonymize", "-i", raw, "-o", os.devnull,
             "-r", os.path.join(tmp, "rejects.jsonl"), "--quiet"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        return int(done.stderr.strip().splitlines()[-1]) // 1024, seconds


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rss-lines", type=int, default=1_000_000, help="0 to skip")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    schema = load_schema(ANONYMIZED)
    print(f"generating {args.events:,} events (about 1 KB, 5% garbage, repeat visitors)...")
    generated = list(TrafficGenerator(seed=42, garbage=0.05).events(args.events))
    payloads = [g.payload for g in generated]
    garbage = sum(1 for g in generated if g.garbage)
    mean = sum(map(len, payloads)) / len(payloads)
    print(f"  {len(payloads):,} events, {garbage:,} garbage, mean {mean:,.0f} bytes")

    engine, days = Engine(), EphemeralDays()  # a random key per day, as the worker's store
    tune_gc()
    stages = {
        "baseline/fastavro": baseline_fastavro(schema),
        "baseline/compiled": baseline_compiled(schema),
        "engine": engine_run(engine, days),
    }
    best: dict[str, tuple[float, int]] = {}
    for round_no in range(args.rounds):
        for name, fn in stages.items():
            rate, kept = measure(fn, payloads)
            if rate > best.get(name, (0.0, 0))[0]:
                best[name] = (rate, kept)
            print(f"  round {round_no + 1} {name:<18} {rate:>10,.0f} events/s  ({kept:,} encoded)")

    engine_rate = best["engine"][0]
    print("\nresults (best of rounds, one core):")
    for name, (rate, kept) in best.items():
        print(f"  {name:<18} {rate:>10,.0f} events/s  {1e6 / rate:6.1f} us/event  {kept:,} out")
    for name in ("baseline/fastavro", "baseline/compiled"):
        print(f"  engine / {name:<18} {engine_rate / best[name][0]:6.2f}")
    result = engine.process(payloads[:BATCH], days, timer=time.perf_counter)
    print("  engine step times on one batch (us/event): " + ", ".join(
        f"{k} {v * 1e6 / BATCH:.2f}" for k, v in result.step_seconds.items()))  # fmt: skip
    ok_rate = engine_rate >= TARGET_RATE
    ok_ratio = engine_rate / best["baseline/fastavro"][0] >= TARGET_RATIO
    print(f"  target >= {TARGET_RATE:,} events/s: {'met' if ok_rate else 'NOT met'}")
    print(f"  target >= {TARGET_RATIO:.0%} of the JSON-to-Avro baseline (fastavro): "
          f"{'met' if ok_ratio else 'NOT met'}")  # fmt: skip

    if args.rss_lines:
        small = max(args.rss_lines // 10, 1000)
        print(f"\nmemory: offline mode, streamed ({small:,} then {args.rss_lines:,} lines)...")
        for lines in (small, args.rss_lines):
            rss, seconds = rss_of_offline_run(lines)
            print(f"  {lines:>10,} lines: peak RSS {rss:,} MB, {seconds:.1f} s "
                  f"({lines / seconds:,.0f} lines/s incl. start-up)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
