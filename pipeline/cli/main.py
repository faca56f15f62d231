"""The `anonymizer` console script."""

from __future__ import annotations

import argparse
import importlib
import sys

from pipeline import __version__
from pipeline.errors import ConfigError

# Each module exposes `register(subparsers)`, which adds its command and sets `func`.
COMMAND_MODULES: tuple[str, ...] = (
    "pipeline.cli.anonymize",
    "pipeline.cli.policy",
    "pipeline.cli.keys",
    "pipeline.cli.replay",
    "pipeline.cli.dead_letters",
    "pipeline.cli.inspect_topic",
    "pipeline.cli.sample",
    "pipeline.cli.broker",
    "pipeline.cli.topics",
    "pipeline.cli.generate",
    "pipeline.cli.config",
    "pipeline.cli.demo",
    "pipeline.cli.worker",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="anonymizer",
        description="Anonymize raw web-analytics events: offline files or Kafka streams.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"anonymizer {args.command}: configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
