"""Every committed revision of each output schema (`avro/history/<schema>/rN.avsc`).

A schema file in `avro/` (e.g. `anonymized_web_event.v1.avsc`) is the current revision of a
contract; `avro/history/anonymized_web_event.v1/` keeps each revision ever released, r1, r2, ...,
unchanged forever, and the current file must equal the last one. Readers decode records of any
revision (single-object: found by fingerprint; Confluent: by registry id) into the current one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.codec.schemas import ANONYMIZED, DEAD_LETTER, canonical_form, load_schema, schema_dir
from pipeline.codec.single_object import crc64_avro
from pipeline.errors import ConfigError

FAMILIES = (ANONYMIZED, DEAD_LETTER)
_REVISION = re.compile(r"r([1-9][0-9]*)\.avsc")


@dataclass(frozen=True)
class Revision:
    """One committed revision of a schema."""

    family: str  # the current schema's file name, e.g. anonymized_web_event.v1.avsc
    number: int
    path: Path
    schema: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{family_name(self.family)} r{self.number}"

    @property
    def fingerprint(self) -> bytes:
        """The 8 single-object fingerprint bytes (CRC-64-AVRO of the canonical form, LE)."""
        return crc64_avro(canonical_form(self.schema).encode()).to_bytes(8, "little")


def family_name(schema_file: str) -> str:
    """`anonymized_web_event.v1` for `anonymized_web_event.v1.avsc`."""
    return schema_file.removesuffix(".avsc")


def history_dir(schema_file: str) -> Path:
    return schema_dir() / "history" / family_name(schema_file)


@cache
def revisions(schema_file: str) -> tuple[Revision, ...]:
    """The committed revisions of a schema, oldest first (r1, r2, ... without a gap)."""
    folder = history_dir(schema_file)
    found: dict[int, Path] = {}
    for path in folder.glob("*.avsc"):
        match = _REVISION.fullmatch(path.name)
        if not match:
            raise ConfigError(f"{path}: revision files are named r1.avsc, r2.avsc, ...")
        found[int(match.group(1))] = path
    if not found:
        raise ConfigError(f"no committed revision of {schema_file} in {folder}")
    numbers = sorted(found)
    if numbers != list(range(1, len(numbers) + 1)):
        raise ConfigError(f"{folder}: revisions {numbers} have a gap")
    out = []
    for n in numbers:
        try:
            schema = json.loads(found[n].read_text(encoding="utf-8"))
        except ValueError as exc:
            raise ConfigError(f"{found[n]}: not JSON ({exc})") from None
        out.append(Revision(schema_file, n, found[n], schema))
    return tuple(out)


def current_revision(schema_file: str) -> Revision:
    """The last committed revision; ConfigError unless the current schema file equals it."""
    last = revisions(schema_file)[-1]
    if load_schema(schema_file) != last.schema:
        raise ConfigError(
            f"{schema_file} differs from its last committed revision {last.path.name}: a changed "
            f"schema is a new revision; add it as {history_dir(schema_file).name}/"
            f"r{last.number + 1}.avsc (and run `anonymizer schema check`)"
        )
    return last


def by_fingerprint(schema_file: str) -> dict[bytes, Revision]:
    """Each single-object fingerprint of the schema's revisions -> the newest revision with it
    (revisions that differ only in docs or defaults share one)."""
    return {r.fingerprint: r for r in revisions(schema_file)}
