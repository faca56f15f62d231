"""Helpers shared by the commands: engine options, opening files, the console."""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO

from rich.console import Console

from pipeline.core.engine import Engine
from pipeline.errors import ConfigError
from pipeline.settings import load_engine_settings

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
    group.add_argument(
        "--keys-file",
        type=Path,
        metavar="PATH",
        help="file holding the key ring ID:BASE64,... (default: $ANONYMIZER_KEYS)",
    )


def build_engine(args: argparse.Namespace) -> Engine:
    keys = None
    if getattr(args, "keys_file", None):
        try:
            keys = args.keys_file.read_text().strip()
        except OSError as exc:
            raise ConfigError(f"cannot read keys file {args.keys_file}: {exc.strerror}") from None
    settings = load_engine_settings(keys=keys, geoip=args.geoip, policy=args.policy)
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
