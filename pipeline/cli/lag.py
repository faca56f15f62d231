"""`anonymizer lag`: the worker group's lag on the raw topic, read from the cluster.

For a cron job or a sidecar when no worker runs (a worker exports its own lag): a table, JSON,
or the Prometheus text format (for node_exporter's textfile collector or a Pushgateway).
Exit 0; 1 when `--max-records` or `--max-seconds` is crossed; 4 when no cluster answers.
"""

from __future__ import annotations

import argparse
import math

import orjson

from pipeline.cli.common import add_kafka_options, kafka_settings
from pipeline.tools.lag_report import GroupLag, group_lag


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "lag",
        help="the worker group's lag on the raw topic (no worker needed)",
        description="Read the consumer group's committed offsets, the raw topic's high "
        "watermarks and the timestamp of the oldest waiting record of each partition. Never "
        "joins the group or commits. Exit 1 when a --max-* limit is crossed, 4 when no Kafka "
        "cluster answers.",
    )
    parser.add_argument("--group", metavar="ID", help="consumer group (default: the worker's)")
    parser.add_argument("--topic", metavar="NAME", help="topic (default: the raw topic)")
    parser.add_argument(
        "--format", choices=("table", "json", "prometheus"), default="table", help="output"
    )
    parser.add_argument("--max-records", type=int, metavar="N", help="exit 1 above N waiting")
    parser.add_argument(
        "--max-seconds", type=float, metavar="S", help="exit 1 when a waiting record is older"
    )
    parser.add_argument("--timeout", type=float, default=10.0, metavar="S", help="per request")
    add_kafka_options(parser)
    parser.set_defaults(func=run)


def table(report: GroupLag) -> str:
    lines = [
        f"group {report.group} on {report.topic}",
        "partition  committed        end      lag  oldest waiting",
    ]
    for p in report.partitions:
        committed = "-" if p.committed is None else str(p.committed)
        age = "-" if p.oldest_age_s is None else f"{p.oldest_age_s:.1f} s"
        lines.append(f"{p.partition:>9}  {committed:>9}  {p.end:>9}  {p.lag:>7}  {age}")
    oldest = report.oldest_age_s
    age = "nothing waits" if oldest is None else f"oldest waiting record {oldest:.1f} s old"
    lines.append(f"total {report.total} records behind; {age}")
    return "\n".join(lines)


def as_json(report: GroupLag) -> str:
    doc = {
        "group": report.group,
        "topic": report.topic,
        "measured_at": report.measured_at,
        "total": report.total,
        "oldest_age_seconds": report.oldest_age_s,
        "partitions": [
            {
                "partition": p.partition,
                "committed": p.committed,
                "position": p.position,
                "end": p.end,
                "lag": p.lag,
                "oldest_age_seconds": p.oldest_age_s,
            }
            for p in report.partitions
        ],
    }
    return orjson.dumps(doc).decode()


def prometheus(report: GroupLag) -> str:
    """The Prometheus text format: `anonymizer_group_lag` and `anonymizer_group_lag_seconds`."""
    labels = f'group="{report.group}",topic="{report.topic}"'
    lines = [
        "# HELP anonymizer_group_lag Records waiting for the group, per partition (anonymizer lag).",
        "# TYPE anonymizer_group_lag gauge",
    ]
    lines += [
        f'anonymizer_group_lag{{{labels},partition="{p.partition}"}} {p.lag}'
        for p in report.partitions
    ]
    lines += [
        "# HELP anonymizer_group_lag_seconds Age of the oldest waiting record (0 when none waits).",
        "# TYPE anonymizer_group_lag_seconds gauge",
    ]
    for p in report.partitions:
        age = 0.0 if p.lag == 0 else (math.nan if p.oldest_age_s is None else p.oldest_age_s)
        lines.append(f'anonymizer_group_lag_seconds{{{labels},partition="{p.partition}"}} {age}')
    lines += [
        "# HELP anonymizer_group_lag_measured_timestamp_seconds When anonymizer lag measured.",
        "# TYPE anonymizer_group_lag_measured_timestamp_seconds gauge",
        f"anonymizer_group_lag_measured_timestamp_seconds{{{labels}}} {report.measured_at:.3f}",
    ]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    report = group_lag(kafka_settings(args), args.group, args.topic, args.timeout)
    render = {"table": table, "json": as_json, "prometheus": prometheus}[args.format]
    print(render(report), flush=True)
    oldest = report.oldest_age_s
    too_many = args.max_records is not None and report.total > args.max_records
    too_old = args.max_seconds is not None and oldest is not None and oldest > args.max_seconds
    return 1 if too_many or too_old else 0
