"""The project's Avro schema files (`avro/`), found in the repository or in an installed wheel."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from fastavro.schema import to_parsing_canonical_form

from pipeline.errors import ConfigError

ANONYMIZED = "anonymized_web_event.v1.avsc"
DEAD_LETTER = "dead_letter.v1.avsc"

_PACKAGE = Path(__file__).resolve().parent.parent
_CANDIDATES = (_PACKAGE.parent / "avro", _PACKAGE / "_bundled" / "avro")


def schema_dir() -> Path:
    """The folder holding the .avsc files."""
    for folder in _CANDIDATES:
        if (folder / ANONYMIZED).is_file():
            return folder
    raise ConfigError(f"Avro schemas not found in {', '.join(map(str, _CANDIDATES))}")


@cache
def load_schema(name: str) -> dict[str, Any]:
    """Parse one schema file; every field must carry a `doc`."""
    path = schema_dir() / name
    schema = json.loads(path.read_text(encoding="utf-8"))
    missing = [f["name"] for f in schema["fields"] if not f.get("doc")]
    if missing:
        raise ConfigError(f"{path.name}: fields without a doc: {', '.join(missing)}")
    return schema


def canonical_form(schema: dict[str, Any]) -> str:
    """Avro's Parsing Canonical Form, the input of the fingerprint."""
    return to_parsing_canonical_form(schema)
