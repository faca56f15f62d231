"""`anonymizer replay`: re-anonymize the raw events of a time range into files."""

from __future__ import annotations

import argparse
from contextlib import ExitStack

from pipeline.cli.common import (
    add_engine_options,
    add_kafka_options,
    add_output_options,
    add_time_range,
    kafka_settings,
    open_writers,
    read_keys_file,
    stderr,
    time_range,
)
from pipeline.config.engine import load_engine_settings
from pipeline.tools.replay import replay


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "replay",
        help="re-anonymize the raw events of a time range",
        description="Read the raw topic between two record times and anonymize it with the same "
        "engine as the worker, under the workers' day secrets (from the day-secret store, "
        "unwrapped with the master keys of $ANONYMIZER_KEYS or --keys-file). Within the "
        "personal-data window, with the same policy and GeoIP database, the records and dead "
        "letters are identical to the worker's. A day that has left the window has no secret "
        "any more: a range starting in it is refused, and its events that are still read come "
        "out as dead letters (out_of_range on event_time). Without --from, replay starts at the "
        "start of the window. The live topics are not touched.",
    )
    add_time_range(parser, "record")
    add_output_options(parser)
    parser.add_argument("--quiet", "-q", action="store_true", help="no summary")
    add_kafka_options(parser)
    add_engine_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    start, end = time_range(args)
    settings = kafka_settings(args)
    engine_settings = load_engine_settings(
        keys=read_keys_file(args), geoip=args.geoip, policy=args.policy
    )
    engine, keys = engine_settings.build_engine(), engine_settings.key_ring()
    with ExitStack() as stack:
        writer, rejects = open_writers(args, engine, stack)
        with stderr.status("replaying...") as status:
            done = [0]

            def progress(n: int) -> None:
                done[0] += n
                status.update(f"replaying... {done[0]:,} records")

            summary = replay(engine, settings, keys, start, end, writer, rejects, on_batch=progress)
    if not args.quiet:
        summary.render(stderr)
    return 0 if summary.balanced else 1
