"""`anonymizer inspect`: decode records of the output topics and print them as JSON lines."""

from __future__ import annotations

import argparse

import orjson

from pipeline.cli.common import add_kafka_options, add_time_range, kafka_settings, time_range
from pipeline.tools.inspect_records import peek


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "inspect",
        help="print anonymized records or dead letters as JSON",
        description="Decode records of the anonymized (default) or dead-letter topic with the "
        "schema files and print one JSON object per line. Sealed payloads are never shown; each "
        "dead letter tells whether its payload is readable (the store still holds the secret of "
        "its day) or shredded (its day left the personal-data window: nobody can open it).",
    )
    parser.add_argument(
        "--topic", choices=("anonymized", "dead-letter"), default="anonymized", help="which topic"
    )
    add_time_range(parser, "record")
    parser.add_argument("--limit", type=int, default=20, help="records to print (default 20)")
    add_kafka_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    start, end = time_range(args)
    for record in peek(kafka_settings(args), args.topic, start, end, args.limit):
        print(orjson.dumps(record, default=str).decode())
    return 0
