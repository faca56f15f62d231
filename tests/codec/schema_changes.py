"""Changes to the anonymized schema, incompatible or compatible under the evolution rule: shared
by the schema check's tests and the real registry's."""

from __future__ import annotations

import copy
import json
from typing import Any

from pipeline.codec.history import revisions
from pipeline.codec.schemas import ANONYMIZED, load_schema


def with_symbol(schema: dict[str, Any], symbol: str) -> dict[str, Any]:
    new = copy.deepcopy(schema)
    new["fields"][1]["type"]["symbols"].append(symbol)
    return new


def _field(name: str, avro_type: Any, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": avro_type, "doc": "test field", **extra}


def _drop(schema: dict[str, Any], name: str) -> dict[str, Any]:
    new = copy.deepcopy(schema)
    new["fields"] = [f for f in new["fields"] if f["name"] != name]
    return new


def _add(schema: dict[str, Any], field: dict[str, Any]) -> dict[str, Any]:
    new = copy.deepcopy(schema)
    new["fields"].append(field)
    return new


def _retype(schema: dict[str, Any], name: str, avro_type: Any) -> dict[str, Any]:
    new = copy.deepcopy(schema)
    field = next(f for f in new["fields"] if f["name"] == name)
    field["type"] = avro_type
    if not isinstance(avro_type, list):
        field.pop("default", None)
    return new


CURRENT = load_schema(ANONYMIZED)
INCOMPATIBLE = {
    "a required field without default": _add(CURRENT, _field("consent", "string")),
    "a required field removed": _drop(CURRENT, "site_id"),
    "a symbol added after the default was taken away": with_symbol(
        json.loads(json.dumps(revisions(ANONYMIZED)[0].schema)), "form_submit"
    ),
    "a string field made an int": _retype(CURRENT, "user_agent", "int"),
    "an optional field made required": _retype(CURRENT, "city", "string"),
    "the record renamed": {**CURRENT, "name": "WebEvent"},
    "an optional field without default null": _add(CURRENT, _field("ref", ["null", "string"])),
    "an int widened to long (older readers cannot narrow it)": _retype(
        CURRENT, "page_views", "long"
    ),
}
# Refused only by the check's room-to-evolve rule (the registry's FULL compares with the latest
# version alone, and r2 readers have the enum default).
ROOM_ONLY = {"a symbol added after the default was taken away"}
COMPATIBLE = {
    "an optional field with default null": _add(
        CURRENT, _field("consent", ["null", "string"], default=None)
    ),
    "a new event type (readers have a default)": with_symbol(CURRENT, "form_submit"),
    "an optional field removed": _drop(CURRENT, "conversion_goal"),
}
