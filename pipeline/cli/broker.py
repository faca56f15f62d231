"""`anonymizer broker`: run the embedded Apache Kafka broker in the foreground."""

from __future__ import annotations

import argparse

from pipeline.cli.foreground import add_service_command, fetch_only, run_until_stopped
from pipeline.kafka.broker import EmbeddedBroker
from pipeline.kafka.jars import KAFKA_VERSION, ensure_jars


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `broker` command."""
    add_service_command(
        subparsers,
        "broker",
        run,
        summary=f"run a single-node Apache Kafka {KAFKA_VERSION} broker for local use",
        description=(
            f"Run a single-node Apache Kafka {KAFKA_VERSION} broker (KRaft, PLAINTEXT on "
            "127.0.0.1) in the foreground until Ctrl-C or SIGTERM. Needs Java 17+; the broker "
            "jars are downloaded with Maven on first use and cached."
        ),
        port=9092,
        port_use="client",
        heap="512m",
        heap_examples="512m or 1g",
        fetched="the broker jars are downloaded, print where they are",
        data_dir_help="keep topics and records in DIR across runs (default: a temporary "
        "directory removed on exit)",
    )


def run(args: argparse.Namespace) -> int:
    """Fetch the jars, or run the broker until interrupted; 1 if the broker died."""
    if args.fetch_only:
        return fetch_only(ensure_jars, f"Kafka {KAFKA_VERSION} jars")
    broker = EmbeddedBroker(port=args.port, data_dir=args.data_dir, heap=args.heap)
    where = args.data_dir or "a temporary directory (removed on exit)"
    return run_until_stopped(
        broker,
        ready=lambda: (
            f"Kafka {KAFKA_VERSION} ready on {broker.bootstrap}\n"
            f"  data: {where}\n  log:  {broker.log_file}\n  Ctrl-C to stop"
        ),
        died=lambda: f"Kafka exited unexpectedly; see {broker.log_file}",
        stopping="stopping Kafka...",
    )
