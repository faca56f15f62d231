"""`anonymizer dead-letters`: list dead letters and re-drive them."""

from __future__ import annotations

import argparse
import os
from collections import Counter

import orjson
from rich.table import Table

from pipeline.cli.common import (
    add_kafka_options,
    add_time_range,
    kafka_settings,
    stderr,
    time_range,
)
from pipeline.core.keys import KeyRing
from pipeline.core.reasons import Reason
from pipeline.dead_letters import redrive
from pipeline.peek import peek


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "dead-letters",
        help="list or re-drive dead letters",
        description="Dead letters carry a reason, the field, the step and where the event came "
        "from; the payload is sealed. `list` shows the readable fields; `redrive` unseals the "
        "payloads and sends them back to the raw topic, once each.",
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
        "raw topic in one transaction with the cursor's advance: each is re-driven once. Needs "
        "$ANONYMIZER_KEYS holding the keys they were sealed with.",
    )
    again.add_argument(
        "--reason",
        action="append",
        choices=[r.value for r in Reason],
        help="only these reasons (repeatable); others are passed over",
    )
    again.add_argument("--to", dest="end", metavar="TIME", help="stop at this dead-letter time")
    again.add_argument("--dry-run", action="store_true", help="count what would be re-driven")
    add_kafka_options(again)
    again.set_defaults(func=run_redrive, start=None)


def run_list(args: argparse.Namespace) -> int:
    start, end = time_range(args)
    settings = kafka_settings(args)
    counts: Counter[str] = Counter()
    table = Table("partition", "offset", "reason", "field", "step", "source", "key id", "size")
    for n, record in enumerate(peek(settings, "dead-letter", start, end, limit=10**12)):
        counts[record["reason"]] += 1
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
                          str(record["payload_size"]))  # fmt: skip
    if not args.json:
        stderr.print(table)
    stderr.print(
        "by reason: " + (", ".join(f"{r} {n:,}" for r, n in counts.most_common()) or "none")
    )
    return 0


def run_redrive(args: argparse.Namespace) -> int:
    _, end = time_range(args)
    settings = kafka_settings(args)
    keys = KeyRing.parse(os.environ.get("ANONYMIZER_KEYS"))
    summary = redrive(
        settings, keys, reasons=frozenset(args.reason or ()), end_ms=end, dry_run=args.dry_run
    )
    verb = "would re-drive" if args.dry_run else "re-drove"
    by_reason = ", ".join(f"{r} {n:,}" for r, n in summary.redriven.most_common()) or "nothing"
    stderr.print(f"examined {summary.examined:,}; {verb} {summary.total:,} ({by_reason}); "
                 f"passed over {summary.skipped:,}")  # fmt: skip
    return 0
