"""`anonymizer anonymize`: the offline file mode."""

from __future__ import annotations

import argparse
import json
from contextlib import ExitStack

from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

from pipeline.cli.common import (
    add_engine_options,
    add_kafka_options,
    add_output_options,
    input_size,
    kafka_settings,
    open_input,
    open_writers,
    read_keys_file,
    stderr,
)
from pipeline.cli.gc_tuning import tune_gc
from pipeline.config.engine import EngineSettings, load_engine_settings
from pipeline.core.engine import Engine
from pipeline.core.policy import load_policy
from pipeline.errors import UsageError
from pipeline.offline.run import anonymize_stream
from pipeline.secrets.access import EPHEMERAL, MODES, STORE, day_keys

EPHEMERAL_NOTE = (
    "day secrets: ephemeral: pseudonyms link records within this run only, and its dead letters "
    "can never be opened after it"
)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "anonymize",
        help="anonymize a JSONL file of raw events",
        description="Read raw events (JSONL, one per line), write anonymized records and "
        "dead letters, print a summary. Pseudonyms and dead-letter seals are made under a secret "
        "per UTC day: random ones held in memory for this run (ephemeral, the default), or the "
        "workers' own from the Kafka day-secret store (--day-secrets store, which needs the master "
        "keys in $ANONYMIZER_KEYS or --keys-file, and Kafka).",
    )
    parser.add_argument(
        "--input", "-i", required=True, metavar="PATH", help="JSONL input, - for stdin"
    )
    add_output_options(parser)
    parser.add_argument(
        "--batch-size", type=int, default=2000, metavar="N", help="records per batch"
    )
    parser.add_argument(
        "--summary-json", metavar="PATH", help="also write the summary as JSON here"
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress, no summary table")
    parser.add_argument(
        "--day-secrets",
        choices=MODES,
        default=EPHEMERAL,
        help="ephemeral (default): a random secret per day, in memory only: pseudonyms link "
        "records within this run only, and the run's dead letters can never be opened after it. "
        "store: the day secrets of the Kafka day-secret store (the Kafka settings, and the master "
        "keys to unwrap them), so the output equals the worker's; events of a day that has left "
        "the personal-data window are rejected (out_of_range on event_time)",
    )
    add_engine_options(parser)
    add_kafka_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.batch_size < 1:
        raise UsageError("--batch-size must be at least 1")
    settings = load_engine_settings(keys=read_keys_file(args), geoip=args.geoip, policy=args.policy)
    engine = _engine(settings, args.day_secrets)
    store = args.day_secrets == STORE
    tune_gc()
    with ExitStack() as stack:
        days = stack.enter_context(
            day_keys(args.day_secrets, kafka_settings(args), settings.key_ring())
            if store
            else day_keys(EPHEMERAL)
        )
        if not (store or args.quiet):
            stderr.print(EPHEMERAL_NOTE, highlight=False)
        source = open_input(args.input, stack)
        writer, rejects = open_writers(args, engine, stack)
        total = input_size(args.input)
        show = not args.quiet and stderr.is_terminal and total
        progress = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=stderr,
            disable=not show,
            transient=True,
        )
        with progress:
            task = progress.add_task("anonymizing", total=total)
            summary = anonymize_stream(
                engine,
                source,
                writer,
                rejects,
                days,
                batch_size=args.batch_size,
                on_batch=lambda n: progress.advance(task, n),
            )
    if not args.quiet:
        summary.render(stderr)
    if args.summary_json:
        with open(args.summary_json, "w", encoding="utf-8") as fh:
            json.dump(summary.as_dict(), fh, indent=2)
    if not summary.balanced:  # cannot happen unless the engine has a bug: say so loudly
        stderr.print("[red]records in != records out + rejects[/red]")
        return 1
    return 0


def _engine(settings: EngineSettings, mode: str) -> Engine:
    """The engine; the master keys are needed (and checked) only to read the day-secret store,
    or when they are set at all (a bad setting is an error whatever the mode)."""
    if mode == STORE or settings.keys is not None:
        return settings.build_engine()
    return Engine(
        policy=load_policy(settings.policy),
        geoip=settings.geoip,
        trusted_proxies=[p for p in settings.trusted_proxies.split(",") if p.strip()],
        max_record_bytes=settings.max_record_bytes,
    )
