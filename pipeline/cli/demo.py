"""`anonymizer demo`: the whole pipeline live on this machine, with figures."""

from __future__ import annotations

import argparse
import os

from pipeline.cli.common import add_keys_file, add_runtime_options, runtime_choice
from pipeline.dev.demo.run import DemoOptions, run_demo
from pipeline.errors import UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `demo` command."""
    p = subparsers.add_parser(
        "demo",
        help="run the live demo: embedded broker, topics, traffic, worker and live figures",
        description=(
            "Start an embedded Kafka broker (temporary data), create the topics, produce "
            "synthetic traffic, run the worker as a child process and show live figures from "
            "its metrics: events/s in and out, dead letters by reason, consumer lag, end-to-end "
            "latency, and a raw event beside its anonymized record. Runs until Ctrl-C or "
            "--duration, then stops everything and prints a summary. Without --keys-file or "
            "ANONYMIZER_KEYS a random demo key is used. When the output is not a terminal, a plain status line is "
            "printed every few seconds instead of the live view."
        ),
    )
    p.add_argument(
        "--rate",
        type=float,
        default=5000.0,
        metavar="N",
        help="generated events per second (default: 5000; 0 = as fast as possible)",
    )
    add_runtime_options(p, "the worker's stream runtime around the privacy engine (default: "
                        "confluent)")  # fmt: skip
    p.add_argument(
        "--duration", type=float, metavar="S", help="seconds to run (default: until Ctrl-C)"
    )
    p.add_argument(
        "--port", type=int, metavar="P", help="the broker's client port (default: a free port)"
    )
    p.add_argument(
        "--metrics-port",
        type=int,
        metavar="P",
        help="the worker's Prometheus port (default: a free port)",
    )
    p.add_argument("--batch-size", type=int, metavar="N", help="the worker's batch size")
    p.add_argument(
        "--garbage",
        type=float,
        default=0.05,
        metavar="FRACTION",
        help="fraction of broken payloads (default: 0.05)",
    )
    p.add_argument("--seed", type=int, default=0, help="traffic random seed (default: 0)")
    p.add_argument(
        "--wire-format",
        choices=("single-object", "confluent"),
        help="the worker's output framing (default $ANONYMIZER_WIRE_FORMAT, else single-object); "
        "confluent starts an embedded Apicurio schema registry beside the broker and shows its "
        "subjects",
    )
    add_keys_file(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check the options, then run the demo."""
    problems = []
    if args.rate < 0:
        problems.append("--rate must be >= 0")
    if args.duration is not None and args.duration <= 0:
        problems.append("--duration must be > 0")
    if not 0.0 <= args.garbage <= 1.0:
        problems.append("--garbage must be a fraction between 0 and 1")
    for name in ("port", "metrics_port"):
        value = getattr(args, name)
        if value is not None and not 1 <= value <= 65535:
            problems.append(f"--{name.replace('_', '-')} must be a port number (1-65535)")
    wire_format = args.wire_format or os.environ.get("ANONYMIZER_WIRE_FORMAT") or "single-object"
    if wire_format not in ("single-object", "confluent"):
        problems.append("ANONYMIZER_WIRE_FORMAT must be single-object or confluent")
    if problems:
        raise UsageError("\n".join(problems))
    options = DemoOptions(
        rate=args.rate,
        runtime=runtime_choice(args) or "confluent",
        duration=args.duration,
        port=args.port,
        metrics_port=args.metrics_port,
        batch_size=args.batch_size,
        garbage=args.garbage,
        seed=args.seed,
        wire_format=wire_format,
        keys_file=args.keys_file,
    )
    return run_demo(options)
