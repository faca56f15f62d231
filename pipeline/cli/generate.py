"""`anonymizer generate`: produce synthetic raw events to the raw Kafka topic, paced."""

from __future__ import annotations

import argparse
import sys

from pipeline.config.kafka import load_kafka_settings
from pipeline.dev.generate import ProduceSummary, check_topic, produce_traffic
from pipeline.errors import UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `generate` command."""
    p = subparsers.add_parser(
        "generate",
        help="produce synthetic raw web events to the raw Kafka topic at a given rate",
        description=(
            "Produce TrafficGenerator events (realistic RawWebEvent v1 payloads and a fraction of "
            "garbage) to the raw topic with an idempotent producer, paced by a token bucket. "
            "Runs until --count or --duration is reached, or Ctrl-C (which flushes cleanly). "
            "Progress and a final summary go to stderr; exits 1 if any delivery failed."
        ),
    )
    p.add_argument(
        "--rate",
        type=float,
        default=5000.0,
        metavar="N",
        help="events per second (default: 5000; 0 = as fast as possible)",
    )
    limit = p.add_mutually_exclusive_group()
    limit.add_argument("--count", "-n", type=int, metavar="N", help="number of events to send")
    limit.add_argument(
        "--duration", type=float, metavar="S", help="seconds to run (default: until Ctrl-C)"
    )
    p.add_argument(
        "--garbage",
        type=float,
        default=0.05,
        metavar="FRACTION",
        help="fraction of broken payloads, 0..1 (default: 0.05)",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    p.add_argument(
        "--bootstrap-servers",
        metavar="HOST:PORT",
        help="Kafka to produce to (default: the ANONYMIZER_BOOTSTRAP_SERVERS setting)",
    )
    p.add_argument("--topic", help="topic to produce to (default: the raw topic setting)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress line, summary only")
    p.set_defaults(func=run)


def _check(args: argparse.Namespace) -> str | None:
    if args.rate < 0:
        return "--rate must be >= 0"
    if args.count is not None and args.count < 0:
        return "--count must be >= 0"
    if args.duration is not None and args.duration < 0:
        return "--duration must be >= 0"
    if not 0.0 <= args.garbage <= 1.0:
        return "--garbage must be a fraction between 0 and 1"
    return None


def run(args: argparse.Namespace) -> int:
    """Produce; print progress and the summary; 0 if every event was delivered."""
    problem = _check(args)
    if problem:
        raise UsageError(problem)
    overrides = {"bootstrap_servers": args.bootstrap_servers} if args.bootstrap_servers else {}
    settings = load_kafka_settings(**overrides)
    check_topic(settings, args.topic or settings.raw_topic)
    tty = sys.stderr.isatty()
    target = args.count

    def progress(s: ProduceSummary) -> None:
        if args.quiet or s.finished is not None:
            return
        of = f"/{target:,}" if target is not None else ""
        text = (
            f"generate: {s.attempted:,}{of} produced, {s.sent:,} acknowledged, "
            f"{s.rate:,.0f} events/s, {s.errors:,} errors"
        )
        print(("\r" + text + "   ") if tty else text, end="" if tty else "\n", file=sys.stderr)

    summary = produce_traffic(
        settings,
        count=args.count,
        rate=args.rate,
        garbage=args.garbage,
        seed=args.seed,
        on_progress=progress,
        duration=args.duration,
        topic=args.topic,
    )
    if tty and not args.quiet:
        print(file=sys.stderr)
    stopped = " (stopped by Ctrl-C)" if summary.interrupted else ""
    print(f"generate: to {summary.topic}: {summary.line()}{stopped}", file=sys.stderr)
    for message in summary.error_messages:
        print(f"generate: delivery error: {message}", file=sys.stderr)
    if summary.errors or summary.sent != summary.attempted:
        return 1
    return 0
