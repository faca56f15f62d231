"""`anonymizer dead-letters`: list dead letters and re-drive them."""

from __future__ import annotations

import argparse
from collections import Counter

import orjson
from rich.table import Table

from pipeline.cli.common import (
    add_kafka_options,
    add_keys_file,
    add_time_range,
    kafka_settings,
    key_ring,
    stderr,
    time_range,
)
from pipeline.core.reasons import Reason
from pipeline.secrets.access import SHREDDED_NOTE
from pipeline.tools.inspect_records import SHREDDED, peek
from pipeline.tools.redrive import RedriveSummary, redrive


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "dead-letters",
        help="list or re-drive dead letters",
        description="Dead letters carry a reason, the field, the step and where the event came "
        "from; the payload is sealed under the secret of the day it arrived. When that day "
        "leaves the personal-data window its secret is destroyed and the payload is shredded: "
        "nobody can open it any more. `list` shows the readable fields and whether each payload "
        "is readable or shredded; `redrive` unseals the payloads and sends them back to the raw "
        "topic, once each.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    show = actions.add_parser("list", help="readable fields and counts by reason")
    add_time_range(show, "dead-letter")
    show.add_argument("--limit", type=int, default=50, help="rows to print (default 50)")
    show.add_argument("--json", action="store_true", help="one JSON object per line")
    add_kafka_options(show)
    show.set_defaults(func=run_list)
    again = actions.add_parser(
        "redrive",
        help="send dead letters back to the raw topic (after a fix)",
        description="Unseal the dead letters after the re-drive cursor and produce them to the "
        "raw topic in one transaction with the cursor's advance: each is re-driven once. They "
        "are opened with the day secrets of the day-secret store (unwrapped with the master keys "
        "of $ANONYMIZER_KEYS or --keys-file); those of older releases name a master key of the "
        "ring. Dead letters whose day has left the personal-data window are shredded: counted, "
        "passed over, never an error.",
    )
    again.add_argument(
        "--reason",
        action="append",
        choices=[r.value for r in Reason],
        help="only these reasons (repeatable); others are passed over",
    )
    again.add_argument("--to", dest="end", metavar="TIME", help="stop at this dead-letter time")
    again.add_argument("--dry-run", action="store_true", help="count what would be re-driven")
    add_keys_file(again)
    add_kafka_options(again)
    again.set_defaults(func=run_redrive, start=None)


def run_list(args: argparse.Namespace) -> int:
    start, end = time_range(args)
    settings = kafka_settings(args)
    counts: Counter[str] = Counter()
    shredded = 0
    table = Table(
        "partition", "offset", "reason", "field", "step", "source", "key id", "size", "payload"
    )
    for n, record in enumerate(peek(settings, "dead-letter", start, end, limit=10**12)):
        counts[record["reason"]] += 1
        shredded += record["payload"] == SHREDDED
        if n >= args.limit:
            continue
        if args.json:
            print(orjson.dumps(record, default=str).decode())
        else:
            source = (
                f"{record['source_topic']}/{record['source_partition']}/{record['source_offset']}"
            )
            table.add_row(str(record["partition"]), str(record["offset"]), record["reason"],
                          record["field"] or "", record["step"], source, record["key_id"],
                          str(record["payload_size"]), record["payload"])  # fmt: skip
    if not args.json:
        stderr.print(table)
    stderr.print(
        "by reason: " + (", ".join(f"{r} {n:,}" for r, n in counts.most_common()) or "none")
    )
    if shredded:
        stderr.print(f"{shredded:,} dead letters shredded: {SHREDDED_NOTE}", highlight=False)
    return 0


def run_redrive(args: argparse.Namespace) -> int:
    _, end = time_range(args)
    settings = kafka_settings(args)
    keys = key_ring(args)
    summary = redrive(
        settings, keys, reasons=frozenset(args.reason or ()), end_ms=end, dry_run=args.dry_run
    )
    for line in summary_lines(summary, args.dry_run):
        stderr.print(line, highlight=False)
    return 0


def summary_lines(summary: RedriveSummary, dry_run: bool) -> list[str]:
    """What a re-drive did, in words; shredded dead letters are told apart, never an error."""
    verb = "would re-drive" if dry_run else "re-drove"
    by_reason = ", ".join(f"{r} {n:,}" for r, n in summary.redriven.most_common()) or "nothing"
    lines = [f"examined {summary.examined:,}; {verb} {summary.total:,} ({by_reason}); "
             f"passed over {summary.skipped:,}; shredded {summary.shredded:,}"]  # fmt: skip
    if summary.shredded:
        lines.append(f"{summary.shredded:,} dead letters shredded: {SHREDDED_NOTE}")
    return lines
