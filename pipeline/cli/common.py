"""Helpers shared by the commands: engine options, opening files, the console."""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO

from rich.console import Console

from pipeline.config.engine import (
    key_ring_text,
    load_engine_settings,
    parse_key_ring,
    read_key_ring,
)
from pipeline.config.kafka import KafkaSettings, load_kafka_settings
from pipeline.core.engine import Engine
from pipeline.core.keys import KeyRing
from pipeline.errors import ConfigError
from pipeline.kafka.time_range import parse_time
from pipeline.offline.writers import AvroContainer, JsonlRecords, JsonlRejects, RecordWriter

stderr = Console(stderr=True)


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("privacy engine")
    group.add_argument(
        "--geoip",
        type=Path,
        metavar="PATH",
        help="MaxMind-format City database (default: $ANONYMIZER_GEOIP, else the embedded "
        "GeoLite2-City 2018 build)",
    )
    group.add_argument(
        "--policy",
        type=Path,
        metavar="PATH",
        help="policy file (default: $ANONYMIZER_POLICY, else the packaged web-events.v1.toml)",
    )
    add_keys_file(group)


def add_keys_file(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """`--keys-file PATH`: the key ring from a file instead of $ANONYMIZER_KEYS."""
    parser.add_argument(
        "--keys-file",
        type=Path,
        metavar="PATH",
        help="file holding the key ring ID:BASE64,... (default: $ANONYMIZER_KEYS)",
    )


def read_keys_file(args: argparse.Namespace) -> str | None:
    """The key ring's text from --keys-file, checked (its mistakes name the file); None without
    --keys-file (then $ANONYMIZER_KEYS is used)."""
    path = getattr(args, "keys_file", None)
    if path is None:
        return None
    text, source = key_ring_text(path)
    parse_key_ring(text, source)
    return text


def key_ring(args: argparse.Namespace) -> KeyRing:
    """The master key ring of a command: --keys-file if it offers one and got it, else
    $ANONYMIZER_KEYS; one message when neither is there."""
    return read_key_ring(getattr(args, "keys_file", None))


def build_engine(args: argparse.Namespace) -> Engine:
    settings = load_engine_settings(
        keys_file=getattr(args, "keys_file", None), geoip=args.geoip, policy=args.policy
    )
    return settings.build_engine()


def open_input(path: str, stack: ExitStack) -> BinaryIO:
    if path == "-":
        return sys.stdin.buffer
    try:
        return stack.enter_context(open(path, "rb"))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None


def open_output(path: str, stack: ExitStack) -> BinaryIO:
    if path == "-":
        return sys.stdout.buffer
    try:
        return stack.enter_context(open(path, "wb"))
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror}") from None


def input_size(path: str) -> int | None:
    try:
        return None if path == "-" else os.path.getsize(path)
    except OSError:
        return None


def add_kafka_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("kafka")
    group.add_argument(
        "--bootstrap-servers",
        metavar="HOSTS",
        help="brokers, host:port[,...] (default: $ANONYMIZER_BOOTSTRAP_SERVERS or 127.0.0.1:9092)",
    )


def add_time_range(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--from",
        dest="start",
        metavar="TIME",
        help=f"first {what} time, inclusive (ISO 8601, e.g. 2026-11-25T10:00Z, or epoch ms; "
        "default: the beginning; for replay, the start of the replay window)",
    )
    parser.add_argument(
        "--to",
        dest="end",
        metavar="TIME",
        help=f"last {what} time, exclusive (default: what is there now)",
    )


def kafka_settings(args: argparse.Namespace) -> KafkaSettings:
    overrides = {}
    if getattr(args, "bootstrap_servers", None):
        overrides["bootstrap_servers"] = args.bootstrap_servers
    return load_kafka_settings(**overrides)


def time_range(args: argparse.Namespace) -> tuple[int | None, int | None]:
    start = parse_time(args.start) if args.start else None
    end = parse_time(args.end) if args.end else None
    if start is not None and end is not None and end <= start:
        raise ConfigError("--to must be after --from")
    return start, end


def add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output", "-o", default="-", metavar="PATH", help="anonymized records (default: stdout)"
    )
    parser.add_argument(
        "--rejects", "-r", required=True, metavar="PATH", help="dead letters, one JSON per line"
    )
    parser.add_argument(
        "--format",
        choices=("json", "avro"),
        default="json",
        help="json: one record per line (Avro JSON form); avro: an Avro object container file",
    )


def open_writers(
    args: argparse.Namespace, engine: Engine, stack: ExitStack
) -> tuple[RecordWriter, JsonlRejects]:
    """The record writer (--format) on --output, and the dead-letter writer on --rejects."""
    out = open_output(args.output, stack)
    records: RecordWriter = (
        AvroContainer(out, engine.schema) if args.format == "avro" else JsonlRecords(out, engine)
    )
    return records, JsonlRejects(open_output(args.rejects, stack))
