"""`anonymizer anonymize`: the offline file mode."""

from __future__ import annotations

import argparse
import json
from contextlib import ExitStack

from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

from pipeline.cli.common import (
    add_engine_options,
    add_output_options,
    build_engine,
    input_size,
    open_input,
    open_writers,
    stderr,
)
from pipeline.offline.run import anonymize_stream
from pipeline.runtime import tune_gc


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "anonymize",
        help="anonymize a JSONL file of raw events",
        description="Read raw events (JSONL, one per line), write anonymized records and "
        "dead letters, print a summary. Keys come from $ANONYMIZER_KEYS or --keys-file.",
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
    add_engine_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.batch_size < 1:
        parser_error = "--batch-size must be at least 1"
        stderr.print(f"anonymizer anonymize: {parser_error}")
        return 2
    engine = build_engine(args)
    tune_gc()
    with ExitStack() as stack:
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
