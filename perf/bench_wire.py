"""Benchmark: the two wire formats on the hot path, and reading them back.

The engine frames every record with a constant prefix, so the Confluent format (00 + 4-byte id)
must cost what single-object (C3 01 + 8-byte fingerprint) costs. Measured on one core (the
process is pinned), the same events, rounds interleaved, best round of each kept:
  engine/<format>   Engine.process in batches, and its encode step alone (perf_counter per step),
                    one engine whose encode step's prefix is swapped between runs
  decode/<format>   MessageDecoder.decode of the engine's records (the tools' reading path)

    python perf/bench_wire.py [--events 100000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import time

from pipeline.cli.gc_tuning import tune_gc
from pipeline.codec.schemas import ANONYMIZED
from pipeline.codec.wire import MessageDecoder, WireFormat, confluent_header
from pipeline.core import Engine
from pipeline.dev.traffic import TrafficGenerator
from pipeline.registry.startup import schema_text
from pipeline.secrets.ephemeral import EphemeralDays

BATCH = 2000
SCHEMA_ID = 7


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    tune_gc()
    payloads = TrafficGenerator(seed=1, garbage=0.05).payloads(args.events)
    batches = [payloads[i : i + BATCH] for i in range(0, len(payloads), BATCH)]
    days = EphemeralDays()
    # One engine, its encode step's prefix swapped between runs: the formats are compared on the
    # same instance and caches (separate engines differ by a few percent on their own: the
    # first one built ran 4-7% faster than an identical second one here).
    engine = Engine()
    encode_step = engine.steps[-1]
    headers = {
        "single-object": WireFormat.single_object().anonymized_header,
        "confluent": confluent_header(SCHEMA_ID),
    }
    values: dict[str, list[bytes]] = {name: [] for name in headers}
    best: dict[str, float] = {}
    for round_ in range(args.rounds):
        order = list(headers.items())
        for name, header in order if round_ % 2 else order[::-1]:  # alternated: no order bias
            encode_step.header = header
            encode = 0.0
            started = time.perf_counter()
            for batch in batches:
                result = engine.process(batch, days, timer=time.perf_counter)
                encode += result.step_seconds["encode"]
                if round_ == 0:
                    values[name].extend(r.value for r in result.records)
            total = time.perf_counter() - started
            for key, seconds in ((f"engine/{name}", total), (f"encode/{name}", encode)):
                best[key] = min(best.get(key, float("inf")), seconds)
    decoders = {
        "single-object": MessageDecoder(ANONYMIZED),
        "confluent": MessageDecoder(ANONYMIZED, lambda _id: schema_text(ANONYMIZED)),
    }
    for _ in range(args.rounds):
        for name, decoder in decoders.items():
            started = time.perf_counter()
            for value in values[name]:
                decoder.decode(value)
            key = f"decode/{name}"
            best[key] = min(best.get(key, float("inf")), time.perf_counter() - started)
    records = len(values["single-object"])
    assert records == len(values["confluent"])
    assert [v[10:] for v in values["single-object"]] == [v[5:] for v in values["confluent"]]
    print(f"{args.events:,} events, {records:,} records, best of {args.rounds} rounds, one core")
    for key, seconds in best.items():
        per = seconds / (records if key.startswith("decode") else args.events) * 1e6
        rate = (records if key.startswith("decode") else args.events) / seconds
        print(f"{key:24s} {rate:>10,.0f} /s  {per:6.2f} us")
    for step in ("engine", "encode", "decode"):
        ratio = best[f"{step}/confluent"] / best[f"{step}/single-object"]
        print(f"{step}: confluent / single-object time = {ratio:.3f}")


if __name__ == "__main__":
    main()
