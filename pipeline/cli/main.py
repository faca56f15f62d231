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

# Command -> module, by role (the order `anonymizer --help` lists them in); each module's
# `register(subparsers)` adds its command and sets `func`.
ROLES: dict[str, dict[str, str]] = {
    "anonymize": {
        "worker": "pipeline.cli.worker",
        "anonymize": "pipeline.cli.anonymize",
        "replay": "pipeline.cli.replay",
    },
    "inspect and repair": {
        "inspect": "pipeline.cli.inspect_topic",
        "dead-letters": "pipeline.cli.dead_letters",
        "lag": "pipeline.cli.lag",
        "keys": "pipeline.cli.keys",
    },
    "read the output": {
        "audit": "pipeline.cli.audit",
        "heatmap": "pipeline.cli.heatmap",
        "abtest": "pipeline.cli.abtest",
    },
    "set up and check": {
        "config": "pipeline.cli.config",
        "policy": "pipeline.cli.policy",
        "topics": "pipeline.cli.topics",
        "schema": "pipeline.cli.schema",
    },
    "run locally (development)": {
        "demo": "pipeline.cli.demo",
        "broker": "pipeline.cli.broker",
        "registry": "pipeline.cli.registry",
        "generate": "pipeline.cli.generate",
        "sample": "pipeline.cli.sample",
    },
}
COMMANDS: dict[str, str] = {c: m for commands in ROLES.values() for c, m in commands.items()}
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
        usage="%(prog)s [-h] [--version] COMMAND ...",
        description="Anonymize raw web-analytics events: offline files or Kafka streams.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", help=argparse.SUPPRESS, prog="anonymizer"
    )
    sub.required = True
    for command, module in COMMANDS.items():
        if only is None or command == only:
            importlib.import_module(module).register(sub)
            if command not in WITHOUT_SETTINGS:
                add_config_file(sub.choices[command])
    if only is None:
        parser.epilog = _commands_by_role(sub)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
    return parser


def _commands_by_role(sub: argparse._SubParsersAction) -> str:
    """The commands and their one-line help, grouped by role; `anonymizer COMMAND --help` for
    each one's options."""
    helps = {a.dest: (a.help or "").replace("%%", "%") for a in sub._choices_actions}
    width = max(map(len, COMMANDS)) + 2
    lines = []
    for role, commands in ROLES.items():
        lines.append(f"{role}:")
        lines += [f"  {name:<{width}}{helps.get(name, '')}" for name in commands]
    lines.append("\n'anonymizer COMMAND --help' shows a command's options.")
    return "commands:\n" + "\n".join(f"  {line}" if line[:1] != "\n" else line for line in lines)


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
