"""`anonymizer audit`: how identifiable is the anonymized output? Figures, and the policy's limits."""

from __future__ import annotations

import argparse
from pathlib import Path

import orjson
from rich.console import Console

from pipeline.audit.measure import Audit
from pipeline.audit.render import report
from pipeline.audit.thresholds import checks
from pipeline.cli.output_source import add_source_options, open_source, read_with_progress
from pipeline.config.engine import load_engine_settings
from pipeline.core.policy import load_policy
from pipeline.errors import ConfigError, UsageError
from pipeline.tools.output_reader import field_names

EXAMPLE = """\
examples:
  anonymizer anonymize -i raw.jsonl -o out.jsonl -r rejects.jsonl
  anonymizer audit --input out.jsonl --json audit.json
  anonymizer audit --topic --from 2026-11-25T00:00Z --to 2026-11-26T00:00Z

exit status: 0 within every limit of the policy's [audit] table, 1 when one is crossed (the
report says which), 2 for a usage or configuration error.
"""


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "audit",
        help="measure how identifiable the anonymized output is",
        description="Read anonymized records (a file `anonymize` wrote, or the anonymized topic "
        "over a time range) and measure, per site and UTC day and overall: how unique the "
        "policy's quasi-identifier tuple is (k-anonymity classes, each field's part, unique "
        "visitors); personal data the engine's detectors still find in any text field; every "
        "place named, with its population; values rare enough to link records across "
        "site-days; the key ids, policy versions and GeoIP builds seen. The limits come from "
        "the policy's [audit] table.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_source_options(parser)
    parser.add_argument("--json", type=Path, metavar="FILE", help="write every figure here")
    parser.add_argument(
        "--policy",
        type=Path,
        metavar="PATH",
        help="policy file whose [audit] table applies (default: $ANONYMIZER_POLICY, else the "
        "packaged web-events.v1.toml)",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, console: Console | None = None) -> int:
    policy = load_policy(load_engine_settings(policy=args.policy).policy)
    if policy.audit is None:
        raise ConfigError(f"policy {policy.label} has no [audit] table: nothing to hold to")
    source = open_source(args, "audit")
    audit = Audit(policy, field_names())
    audit.add_all(read_with_progress(source, "auditing", quiet=args.quiet))
    if not audit.records:
        raise UsageError(f"no anonymized records in {source.description}")
    figures = audit.figures()
    found = checks(figures, audit.rules)
    if args.json:
        document = {"source": source.description, "policy_version": policy.label, **figures,
                    "limits": [c.as_dict() for c in found]}  # fmt: skip
        try:
            args.json.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2))
        except OSError as exc:
            raise ConfigError(f"cannot write {args.json}: {exc.strerror}") from None
    (console or Console()).print(report(source.description, policy.label, figures, found))
    return 1 if any(c.crossed for c in found) else 0
