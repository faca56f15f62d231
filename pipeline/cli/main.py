"""The `anonymizer` console script."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from confluent_kafka import KafkaException
from rich.console import Console

from pipeline import __version__
from pipeline.config.file import CONFIG_FILE_ENV, SECTIONS, use_config_file
from pipeline.errors import (
    UNREACHABLE_EXIT,
    USAGE_EXIT,
    ConfigError,
    UnreachableError,
    UsageError,
)
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
# Commands that read no settings: no --config-file. (The demo runs on the embedded defaults and
# keeps any config file away from its broker's clients.)
WITHOUT_SETTINGS = frozenset({"policy", "sample", "schema", "broker", "registry", "demo"})


def add_config_file(parser: argparse.ArgumentParser) -> None:
    """`--config-file PATH`, the one TOML file of settings (docs/configuration.md), on `parser`
    or, if it has actions of its own (`keys check`), on each of them."""
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if actions:
        for sub in actions[0].choices.values():
            add_config_file(sub)
        return
    sections = ", ".join(f"[{name}]" for name in SECTIONS)
    parser.add_argument(
        "--config-file",
        type=Path,
        metavar="PATH",
        help=f"TOML file of settings with sections {sections}; flags and ANONYMIZER_* "
        f"variables win over it (default: ${CONFIG_FILE_ENV})",
    )


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
            if command not in WITHOUT_SETTINGS:
                add_config_file(sub.choices[command])
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
        with use_config_file(getattr(args, "config_file", None)):
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
    except UsageError as exc:  # reported as argparse reports its own: "PROG: error: ...", exit 2
        for line in str(exc).splitlines() or [""]:
            print(f"anonymizer {args.command}: error: {line}", file=sys.stderr)
        return USAGE_EXIT
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
