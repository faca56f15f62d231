"""Helpers shared by the commands: engine options, opening files, the console."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from contextlib import ExitStack
from functools import cache
from pathlib import Path
from typing import BinaryIO, get_args

from rich.console import Console

from pipeline.config.engine import (
    key_ring_text,
    load_engine_settings,
    parse_key_ring,
    read_key_ring,
)
from pipeline.config.kafka import KafkaSettings, load_kafka_settings
from pipeline.config.worker import Runtime
from pipeline.core.engine import Engine
from pipeline.core.keys import KeyRing
from pipeline.errors import ConfigError, UsageError
from pipeline.kafka.time_range import parse_time
from pipeline.offline.writers import AvroContainer, JsonlRecords, JsonlRejects, RecordWriter

stderr = Console(stderr=True)
log = logging.getLogger(__name__)


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


def add_runtime_options(parser: argparse.ArgumentParser, help_text: str) -> None:
    """`--runtime confluent|faust`, and `--engine`, its deprecated old name (hidden): "engine"
    names the privacy Engine."""
    names = get_args(Runtime)
    parser.add_argument("--runtime", choices=names, help=help_text)
    parser.add_argument("--engine", dest="old_runtime", choices=names, help=argparse.SUPPRESS)


def runtime_choice(args: argparse.Namespace) -> Runtime | None:
    """--runtime, else the deprecated --engine (with a warning, once), else None (the
    setting's own sources apply)."""
    if args.old_runtime is None:
        return args.runtime
    _warn_deprecated_engine_flag()
    if args.runtime not in (None, args.old_runtime):
        raise UsageError("--engine is the deprecated name of --runtime: give only --runtime")
    return args.old_runtime


@cache
def _warn_deprecated_engine_flag() -> None:
    log.warning("--engine is deprecated: use --runtime (the stream runtime: confluent or faust)")


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
    """--from and --to as epoch ms (None if not given); a UsageError for a mistake in them."""
    start, end = _time(args.start, "--from"), _time(args.end, "--to")
    if start is not None and end is not None and end <= start:
        raise UsageError("--to must be after --from")
    return start, end


def _time(text: str | None, flag: str) -> int | None:
    try:
        return parse_time(text) if text else None
    except ConfigError as exc:
        raise UsageError(f"{flag}: {exc}") from None


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
