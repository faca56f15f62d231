"""`anonymizer abtest`: per variant, visitors exposed, conversions, rate and difference to control."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path

import orjson

from pipeline.analytics.abtest import Attribution, Result, table
from pipeline.cli.output_source import add_source_options, open_source, read_with_progress
from pipeline.errors import ConfigError, UsageError

EXAMPLE = """\
examples:
  anonymizer abtest --experiment exp-free-shipping --goal purchase -i out.jsonl --plot ab.png
  anonymizer abtest --experiment exp-hero-banner-2025q4 --topic --from 2026-11-25T00:00Z

definitions: a visitor is a visitor_key on one site and one UTC day (the output cannot link
more). It is exposed to the variant of its first ab_exposure of the experiment that day, and
converted when it has a conversion (of --goal, if given) on the same site and UTC day, at or
after that first exposure; it counts once. Rates have 95% Wilson score intervals; the
difference to the control is variant minus control, with Newcombe's hybrid score interval
(method 10). exit status: 0, or 1 when the experiment has no exposure, 2 for a usage error.
"""


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `abtest` command."""
    parser = sub.add_parser(
        "abtest",
        help="A/B test results: visitors exposed, conversions, rates with 95%% intervals",
        description="Read anonymized records (a file `anonymize` wrote, or the anonymized "
        "topic over a time range) and print, per variant of one experiment: visitors exposed, "
        "visitors converted, the conversion rate with a 95% confidence interval, and the "
        "difference to the control with its interval.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--experiment", "-e", required=True, metavar="ID", help="experiment_id")
    parser.add_argument("--goal", metavar="GOAL", help="count only conversions of this goal")
    parser.add_argument(
        "--control",
        metavar="VARIANT",
        help="the control variant (default: `control` if present, else the first by name)",
    )
    parser.add_argument("--site", metavar="SITE", help="only this site_id (default: every site)")
    parser.add_argument("--plot", type=Path, metavar="FILE.png", help="draw rates and intervals")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the figures as JSON")
    add_source_options(parser)
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def _notes(result: Result, source: str) -> str:
    goal = f"conversions of goal {result.goal}" if result.goal else "conversions of any goal"
    return (
        f"{result.experiment} from {source}: {result.exposure_events:,} exposure records on "
        f"{len(result.sites)} site(s), {result.days} UTC day(s); {goal}; "
        f"{result.without_visitor:,} exposure records without a visitor_key left out; "
        f"{result.mixed:,} visitor(s) saw more than one variant (kept in their first)"
    )


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror}") from None


def run(args: argparse.Namespace) -> int:
    """Read, attribute, print the table; 1 when the experiment has no exposure."""
    source = open_source(args, "abtest")
    attribution = Attribution(args.experiment, args.goal, args.site)
    attribution.add_all(read_with_progress(source, "abtest", quiet=args.quiet))
    if not attribution.first:
        seen = ", ".join(f"{e} ({n:,})" for e, n in sorted(attribution.experiments.items()))
        print(f"abtest: no exposure to {args.experiment} with a visitor_key in "
              f"{source.description}; experiments seen: {seen or 'none'}", file=sys.stderr)  # fmt: skip
        return 1
    try:
        result = attribution.result(args.control)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    print(table(result))
    print()
    print(_notes(result, source.description))
    if args.json:
        _write(args.json, orjson.dumps(asdict(result), option=orjson.OPT_INDENT_2))
    if args.plot:
        from pipeline.analytics.plots import abtest_figure, save_png  # matplotlib only to draw

        try:
            save_png(abtest_figure(result), args.plot)
        except OSError as exc:
            raise ConfigError(f"cannot write {args.plot}: {exc.strerror}") from None
        print(f"written: {args.plot}")
    return 0
