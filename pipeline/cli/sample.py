"""`anonymizer sample`: write synthetic raw events (JSONL, one payload per line)."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from typing import BinaryIO

from pipeline.dev.traffic import TrafficGenerator
from pipeline.errors import UsageError

_PROGRESS_EVERY = 100_000
_FILL = 0.98  # --days without a rate: aim the count at 98% of the span, so it rarely wraps


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `sample` command."""
    p = subparsers.add_parser(
        "sample",
        help="write deterministic synthetic raw web events (JSONL) for demos and benchmarks",
        description=(
            "Write N synthetic RawWebEvent v1 payloads, one per line (JSONL), including a "
            "fraction of deliberately broken ones. The same seed gives a byte-identical file. "
            "A summary (counts, garbage by kind, mean size, events/s) goes to stderr."
        ),
    )
    p.add_argument("--count", "-n", type=int, required=True, help="number of events to write")
    p.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    p.add_argument(
        "--garbage",
        type=float,
        default=0.05,
        help="fraction of broken payloads, 0..1 (default: 0.05)",
    )
    p.add_argument(
        "--output",
        "-o",
        default="-",
        help="output file, or '-' for stdout (default: -)",
    )
    p.add_argument("--sites", type=int, default=8, help="number of sites (default: 8)")
    p.add_argument(
        "--visitors", type=int, default=20_000, help="visitor population (default: 20000)"
    )
    p.add_argument(
        "--days",
        type=int,
        metavar="N",
        help="spread the events over N days, with the daily rhythm of Japanese traffic "
        "(session starts follow the hour of the day in JST; unless --events-per-second is "
        "given, the rate is --count over N days). Without it: 3 days at --events-per-second",
    )
    p.add_argument(
        "--start-ms",
        type=_start_ms,
        default=1_764_000_000_000,
        help="epoch ms of the first event, or `now` (default: 1764000000000, a fixed time so "
        "that a seed gives the same file; the worker and `anonymize --day-secrets store` reject "
        "events of days outside the personal-data window: use `now` for them)",
    )
    p.add_argument(
        "--events-per-second",
        type=float,
        help="mean event rate in event time, which wraps after the days (default: 1000, or "
        "--count spread over --days)",
    )
    p.add_argument("--quiet", "-q", action="store_true", help="no progress lines, summary only")
    p.set_defaults(func=run)


def _start_ms(text: str) -> int:
    """Epoch milliseconds, or `now`."""
    if text == "now":
        return int(time.time() * 1000)
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("epoch milliseconds or `now`") from None


def run(args: argparse.Namespace) -> int:
    """Generate and write the events; return the exit code."""
    if args.count < 0:
        raise UsageError("--count must be >= 0")
    days, rate = args.days or 3, args.events_per_second or 1000.0
    if args.days is not None and args.events_per_second is None:
        rate = max(args.count, 1) / (days * 86_400 * _FILL)
    try:
        gen = TrafficGenerator(
            args.seed,
            sites=args.sites,
            visitors=args.visitors,
            start_ms=args.start_ms,
            days=days,
            garbage=args.garbage,
            events_per_second=rate,
            diurnal=args.days is not None,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.output == "-":
        return _write(gen, args.count, sys.stdout.buffer, args.quiet)
    with open(args.output, "wb") as out:
        return _write(gen, args.count, out, args.quiet)


def _write(gen: TrafficGenerator, count: int, out: BinaryIO, quiet: bool) -> int:
    kinds: Counter[str] = Counter()
    total_bytes = 0
    start = time.perf_counter()
    gen_seconds = 0.0
    batch: list[bytes] = []
    events = gen.events(count)
    for n in range(1, count + 1):
        t0 = time.perf_counter()
        event = next(events)
        gen_seconds += time.perf_counter() - t0
        if event.garbage is not None:
            kinds[event.garbage] += 1
        total_bytes += len(event.payload)
        batch.append(event.payload)
        if len(batch) >= 1000:
            out.write(b"\n".join(batch) + b"\n")
            batch.clear()
        if not quiet and n % _PROGRESS_EVERY == 0:
            rate = n / (time.perf_counter() - start)
            print(f"sample: {n:,}/{count:,} events, {rate:,.0f} events/s", file=sys.stderr)
    if batch:
        out.write(b"\n".join(batch) + b"\n")
    out.flush()
    elapsed = time.perf_counter() - start
    _summary(count, kinds, total_bytes, elapsed, gen_seconds)
    return 0


def _summary(
    count: int, kinds: Counter[str], total_bytes: int, elapsed: float, gen_seconds: float
) -> None:
    garbage = sum(kinds.values())
    mean = total_bytes / count if count else 0.0
    by_kind = ", ".join(f"{k}={v}" for k, v in sorted(kinds.items())) or "none"
    print(
        f"sample: wrote {count:,} events ({count - garbage:,} valid, {garbage:,} garbage: {by_kind}); "
        f"mean size {mean:,.0f} B; {count / elapsed if elapsed else 0:,.0f} events/s written, "
        f"{count / gen_seconds if gen_seconds else 0:,.0f} events/s generated",
        file=sys.stderr,
    )
