"""`anonymizer policy`: show the anonymization policy, or check a policy file."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from pipeline.codec.schemas import ANONYMIZED, load_schema
from pipeline.core.policy import load_policy
from pipeline.core.policy_table import markdown


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "policy",
        help="show or check the anonymization policy",
        description="Load and validate a policy file (default: the packaged one) against the "
        "input format and the output schema, then print it.",
    )
    parser.add_argument("--file", type=Path, metavar="PATH", help="policy file to check")
    parser.add_argument(
        "--format", choices=("markdown", "json"), default="markdown", help="output format"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    policy = load_policy(args.file)
    policy.check_outputs([f["name"] for f in load_schema(ANONYMIZED)["fields"]])
    if args.format == "json":
        data = {
            "policy_version": policy.label,
            "fields": {
                name: {k: v for k, v in asdict(rule).items() if v not in (None, (), "", False)}
                for name, rule in policy.fields.items()
            },
        }
        print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    else:
        print(markdown(policy))
    return 0
