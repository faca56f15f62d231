"""`anonymizer schema check`: the committed revisions, and a changed schema, against the rule.

A schema file in `avro/` that differs from its last committed revision is checked as the next
revision (a candidate); so is a file given with `--candidate`. The check passes only when the
committed chain keeps the rule (`pipeline.codec.evolution`) and nothing is left uncommitted: a
compatible change must still be added as `avro/history/<schema>/rN.avsc` before it ships.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fastavro

from pipeline.codec.evolution import chain_problems, full_name, samples
from pipeline.codec.history import FAMILIES, family_name, history_dir, revisions
from pipeline.codec.schemas import schema_dir
from pipeline.errors import ConfigError


@dataclass
class Verdict:
    """What the check found for one schema."""

    schema_file: str
    labels: list[str]
    problems: list[str] = field(default_factory=list)
    pending: str | None = None  # a compatible candidate that is not committed yet
    sample_records: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and self.pending is None


def read_candidate(path: Path) -> dict[str, Any]:
    """A schema file given on the command line (ConfigError when unreadable)."""
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read schema {path}: {exc}") from None
    if not isinstance(schema, dict) or schema.get("type") != "record":
        raise ConfigError(f"{path}: not an Avro record schema")
    return schema


def family_of(schema: dict[str, Any]) -> str:
    """The output schema whose record has this full name."""
    for schema_file in FAMILIES:
        if full_name(revisions(schema_file)[-1].schema) == full_name(schema):
            return schema_file
    raise ConfigError(f"{full_name(schema)} is none of the output records")


def _parse_problems(label: str, schema: dict[str, Any]) -> list[str]:
    try:
        fastavro.parse_schema(schema)
    except Exception as exc:  # SchemaParseException, UnknownType, bad defaults
        return [f"{label}: not a valid Avro schema: {exc}"]
    undocumented = [f["name"] for f in schema.get("fields", []) if not f.get("doc")]
    return [f"{label}: fields without a doc: {', '.join(undocumented)}"] if undocumented else []


def check(schema_file: str, candidate: dict[str, Any] | None = None) -> Verdict:
    """The verdict on one schema's revisions, plus `candidate` (default: the current file
    when it differs from the last committed revision)."""
    revs = revisions(schema_file)
    chain = [(r.label, r.schema) for r in revs]
    current = json.loads((schema_dir() / schema_file).read_text(encoding="utf-8"))
    pending = None
    if candidate is None and current != revs[-1].schema:
        candidate = current
        pending = f"avro/{schema_file} differs from r{revs[-1].number} and"
    if candidate is not None and candidate != revs[-1].schema:
        label = f"{family_name(schema_file)} r{len(revs) + 1} (candidate)"
        chain.append((label, candidate))
        pending = pending or "the candidate"
    verdict = Verdict(schema_file, [label for label, _ in chain])
    for label, schema in chain:
        verdict.problems.extend(_parse_problems(label, schema))
    if not verdict.problems:
        verdict.problems.extend(chain_problems(chain))
        verdict.sample_records = sum(len(samples(schema)) for _, schema in chain)
    if pending and not verdict.problems:
        target = history_dir(schema_file).relative_to(schema_dir().parent)
        verdict.pending = (
            f"{pending} keeps the rule as r{len(revs) + 1}: commit it as "
            f"{target}/r{len(revs) + 1}.avsc and as avro/{schema_file} to ship it"
        )
    return verdict


def check_all(candidate: dict[str, Any] | None = None) -> list[Verdict]:
    """Every output schema; `candidate` goes with the schema of its record's name."""
    target = family_of(candidate) if candidate is not None else None
    return [check(f, candidate if f == target else None) for f in FAMILIES]
