"""The `anonymizer` console script."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from confluent_kafka import KafkaException
from rich.console import Console

from pipeline import __version__
from pipeline.errors import UNREACHABLE_EXIT, ConfigError, UnreachableError, UsageError
from pipeline.kafka.errors import no_cluster

# Command -> module; each module's `register(subparsers)` adds its command and sets `func`.
COMMANDS: dict[str, str] = {
    "anonymize": "pipeline.cli.anonymize",
    "policy": "pipeline.cli.policy",
    "keys": "pipeline.cli.keys",
    "replay": "pipeline.cli.replay",
    "dead-letters": "pipeline.cli.dead_letters",
    "inspect": "pipeline.cli.inspect_topic",
    "sample": "pipeline.cli.sample",
    "broker": "pipeline.cli.broker",
    "schema": "pipeline.cli.schema",
    "registry": "pipeline.cli.registry",
    "topics": "pipeline.cli.topics",
    "generate": "pipeline.cli.generate",
    "config": "pipeline.cli.config",
    "demo": "pipeline.cli.demo",
    "worker": "pipeline.cli.worker",
    "lag": "pipeline.cli.lag",
    "audit": "pipeline.cli.audit",
    "heatmap": "pipeline.cli.heatmap",
    "abtest": "pipeline.cli.abtest",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser with every command, or with just `only` (imports only what a run needs)."""
    parser = argparse.ArgumentParser(
        prog="anonymizer",
        description="Anonymize raw web-analytics events: offline files or Kafka streams.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for command, module in COMMANDS.items():
        if only is None or command == only:
            importlib.import_module(module).register(sub)
    return parser


def _broken_pipe(console: Console) -> None:
    raise BrokenPipeError  # main() ends the command quietly with 141


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit code. A reader that went away (`anonymizer ... | head`) ends
    any command quietly with 141, whenever stdout breaks: while the command writes (also through
    rich, whose default would exit 1, the code `audit` uses for a crossed limit), or at the
    final flush."""
    Console.on_broken_pipe = _broken_pipe  # type: ignore[method-assign]  # rich's override hook
    try:
        try:
            return _main(sys.argv[1:] if argv is None else argv)
        finally:
            sys.stdout.flush()  # a broken pipe surfaces here, not at the interpreter's exit
    except BrokenPipeError:
        # Stop quietly, as Unix tools do. stdout is pointed at /dev/null so the interpreter's
        # final flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a tool killed by it


def _main(argv: list[str]) -> int:
    first = argv[0] if argv else None
    args = build_parser(first if first in COMMANDS else None).parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"anonymizer {args.command}: configuration error: {exc}", file=sys.stderr)
        return 2
    except UnreachableError as exc:  # Kafka or the schema registry
        print(f"anonymizer {args.command}: {exc.service} unreachable: {exc}", file=sys.stderr)
        return UNREACHABLE_EXIT
    except KafkaException as exc:  # from any command that reads Kafka without its own check
        if not no_cluster(exc):
            raise
        print(f"anonymizer {args.command}: Kafka unreachable: {exc.args[0].str()}", file=sys.stderr)
        return UNREACHABLE_EXIT
    except UsageError as exc:
        print(f"anonymizer {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
