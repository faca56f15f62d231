"""`anonymizer schema`: the output schemas' committed revisions, and the evolution check."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.cli.common import stderr
from pipeline.codec.history import FAMILIES, revisions
from pipeline.codec.schema_check import check_all, read_candidate


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "schema",
        help="list the output schemas' revisions, check a schema change",
        description="The output schemas (avro/) keep every committed revision under "
        "avro/history/. `check` proves by Avro schema resolution that each revision is "
        "FULL-compatible with the one before it and BACKWARD-compatible with every earlier one, "
        "and that the newest leaves room to evolve (enum defaults, optional fields with default "
        "null). A schema file changed in avro/, or one given with --candidate, is checked as "
        "the next revision.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    check = actions.add_parser(
        "check",
        help="check the revisions and any change; exit 1 if the rule is broken or a change is "
        "not committed as a revision",
    )
    check.add_argument(
        "--candidate", type=Path, metavar="PATH", help="a proposed next revision of a schema"
    )
    check.set_defaults(func=run_check)
    show = actions.add_parser("list", help="each schema's revisions and fingerprints")
    show.set_defaults(func=run_list)


def run_check(args: argparse.Namespace) -> int:
    candidate = read_candidate(args.candidate) if args.candidate else None
    verdicts = check_all(candidate)
    for verdict in verdicts:
        chain = ", ".join(label.split(" ", 1)[1] for label in verdict.labels)
        if verdict.problems:
            stderr.print(f"[red]{verdict.schema_file}[/] ({chain}): the rule is broken",
                         highlight=False, soft_wrap=True)  # fmt: skip
            for problem in verdict.problems:
                stderr.print(f"  {problem}", highlight=False, markup=False, soft_wrap=True)
        elif verdict.pending:
            stderr.print(f"[yellow]{verdict.schema_file}[/] ({chain}): {verdict.pending}",
                         highlight=False, soft_wrap=True)  # fmt: skip
        else:
            stderr.print(
                f"[green]{verdict.schema_file}[/] ({chain}): ok, the rule holds "
                f"({verdict.sample_records} sample records resolved)",
                highlight=False,
                soft_wrap=True,
            )
    return 0 if all(v.ok for v in verdicts) else 1


def run_list(args: argparse.Namespace) -> int:
    for schema_file in FAMILIES:
        for rev in revisions(schema_file):
            fields = len(rev.schema["fields"])
            print(f"{rev.label}\tfingerprint {rev.fingerprint.hex()}\t{fields} fields\t{rev.path}")
    return 0
