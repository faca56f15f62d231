"""`anonymizer topics plan|apply`: the topics of topics/topics.toml on a Kafka cluster."""

from __future__ import annotations

import argparse
from pathlib import Path

from confluent_kafka.admin import AdminClient
from rich.console import Console
from rich.table import Table

from pipeline.config.kafka import load_kafka_settings
from pipeline.kafka.topics import Plan, apply, load_topics, plan

_KIND = {"create": "create", "add_partitions": "add partitions", "alter_config": "alter config"}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `topics` command with its `plan` and `apply` subcommands."""
    parser = subparsers.add_parser(
        "topics",
        help="show or apply the declared Kafka topics (topics as code)",
        description=(
            "Compare the topics declared in topics/topics.toml with a Kafka cluster and apply "
            "the safe changes: create topics, add partitions, set topic configs. Nothing is "
            "ever deleted; drift that cannot be fixed safely is shown as a warning."
        ),
    )
    sub = parser.add_subparsers(dest="topics_command", metavar="ACTION")
    sub.required = True
    for name, func, text in (
        ("plan", run_plan, "show what `apply` would change (changes nothing)"),
        ("apply", run_apply, "create topics, add partitions and set configs as declared"),
    ):
        p = sub.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        p.add_argument(
            "--bootstrap-servers",
            metavar="HOST:PORT",
            help="Kafka to talk to (default: the ANONYMIZER_BOOTSTRAP_SERVERS setting)",
        )
        p.add_argument(
            "--file",
            type=Path,
            help="topics file (default: topics/topics.toml, or the copy bundled in the package)",
        )
        p.add_argument(
            "--replication-factor",
            type=int,
            metavar="N",
            help="replication factor of every topic instead of the file's (3), with "
            "min.insync.replicas at most N: 1 for a single broker (default: the "
            "ANONYMIZER_TOPIC_REPLICATION_FACTOR setting)",
        )
        p.add_argument("--timeout", type=float, default=15.0, help="seconds per admin request")
        if name == "plan":
            p.add_argument(
                "--exit-code",
                action="store_true",
                help="exit 1 when changes are pending (0: none), like terraform -detailed-exitcode",
            )
        p.set_defaults(func=func)


def _prepare(args: argparse.Namespace) -> tuple[AdminClient, Plan, str]:
    overrides = {
        "bootstrap_servers": args.bootstrap_servers,
        "topic_replication_factor": args.replication_factor,
    }
    settings = load_kafka_settings(**{k: v for k, v in overrides.items() if v is not None})
    admin = AdminClient(settings.admin_config())
    declared = load_topics(args.file, settings)
    return admin, plan(admin, declared, timeout=args.timeout), settings.bootstrap_servers


def print_plan(result: Plan, console: Console, where: str) -> None:
    """The plan as a table, then its warnings."""
    table = Table(title=f"Topics on {where}", title_justify="left")
    table.add_column("topic", style="bold")
    table.add_column("action")
    table.add_column("details")
    for action in result.actions:
        table.add_row(action.topic, f"[yellow]{_KIND[action.kind]}[/]", action.describe())
    for name in result.unchanged:
        table.add_row(name, "[green]up to date[/]", "")
    console.print(table)
    for warning in result.warnings:
        console.print(f"[red]warning:[/] {warning}", highlight=False, soft_wrap=True)
    n = len(result.actions)
    console.print(f"{n} change{'s' if n != 1 else ''} pending." if n else "No changes.")


def run_plan(args: argparse.Namespace) -> int:
    """Print the plan; exit 1 with --exit-code if it has changes."""
    _admin, result, where = _prepare(args)
    print_plan(result, Console(), where)
    return 1 if args.exit_code and result.has_changes else 0


def run_apply(args: argparse.Namespace) -> int:
    """Print the plan, apply it, print what was done; exit 1 when a declared topic is missing
    and cannot be created on this cluster."""
    admin, result, where = _prepare(args)
    console = Console()
    print_plan(result, console, where)
    for line in apply(admin, result, timeout=args.timeout):
        console.print(f"[green]done:[/] {line}", highlight=False)
    if result.blocked:
        console.print(
            f"[red]error:[/] not created (the cluster has too few brokers for their replication "
            f"factor, see the warnings): {', '.join(result.blocked)}",
            highlight=False,
            soft_wrap=True,
        )
        return 1
    return 0
