"""`anonymizer broker`: run the embedded Apache Kafka broker in the foreground."""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path
from types import FrameType

from pipeline.kafka.broker import EmbeddedBroker
from pipeline.kafka.jars import KAFKA_VERSION, ensure_jars, java_executable


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `broker` command."""
    parser = subparsers.add_parser(
        "broker",
        help=f"run a single-node Apache Kafka {KAFKA_VERSION} broker for local use",
        description=(
            f"Run a single-node Apache Kafka {KAFKA_VERSION} broker (KRaft, PLAINTEXT on "
            "127.0.0.1) in the foreground until Ctrl-C or SIGTERM. Needs Java 17+; the broker "
            "jars are downloaded with Maven on first use and cached."
        ),
    )
    parser.add_argument(
        "--port", type=int, default=9092, help="client port on 127.0.0.1 (default: %(default)s)"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="keep topics and records in DIR across runs (default: a temporary directory "
        "removed on exit)",
    )
    parser.add_argument(
        "--heap", default="512m", help="JVM maximum heap, e.g. 512m or 1g (default: %(default)s)"
    )
    parser.add_argument(
        "--fetch-only",
        action="store_true",
        help="only make sure the broker jars are downloaded, print where they are, and exit",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Fetch the jars, or run the broker until interrupted; 1 if the broker died."""
    if args.fetch_only:
        libs = ensure_jars()
        java_executable()  # fail now, with the install hint, rather than at first start
        print(f"Kafka {KAFKA_VERSION} jars ready in {libs}")
        return 0
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    broker = EmbeddedBroker(port=args.port, data_dir=args.data_dir, heap=args.heap)
    try:
        broker.start()
        where = args.data_dir or "a temporary directory (removed on exit)"
        print(f"Kafka {KAFKA_VERSION} ready on {broker.bootstrap}", flush=True)
        print(f"  data: {where}\n  log:  {broker.log_file}\n  Ctrl-C to stop", flush=True)
        while not stop.wait(0.5):
            if not broker.running:
                print(f"Kafka exited unexpectedly; see {broker.log_file}", flush=True)
                return 1
        print("stopping Kafka...", flush=True)
        return 0
    finally:
        broker.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
