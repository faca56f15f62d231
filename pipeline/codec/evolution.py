"""The schema evolution rule, checked by Avro schema resolution (fastavro reader/writer schemas).

The rule, for each schema's committed revisions r1 .. rN (and a candidate rN+1):

- FULL with the revision before: records written with rK decode with rK-1 (a reader one
  revision behind keeps working while the worker moves on) and records written with rK-1 decode
  with rK. This is the compatibility level the worker sets on its registry subjects.
- BACKWARD with every earlier revision: records written with any rI decode with rK (the topics
  keep old records; a new reader reads them all).
- Room to evolve, in the newest revision: every enum has a default (a reader maps a symbol it
  does not know to it; without one, adding a symbol breaks every older reader), every optional
  field is `["null", T]` with default null (so it can later be removed: older readers fill the
  default), and the record keeps its full name.

Each direction is proved on data: sample records of the writer revision that take every branch
of every field (each enum symbol, null and non-null, both booleans, empty and non-empty strings
and collections) are written with the writer schema and read with fastavro under the reader
schema; any SchemaResolutionError is a finding.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import fastavro

_PRIMITIVES: dict[str, list[Any]] = {
    "null": [None],
    "boolean": [False, True],
    "int": [0, -1, 2**31 - 1],
    "long": [0, -1, 2**63 - 1],
    "float": [0.0, 1.5],
    "double": [0.0, -2.25],
    "string": ["", "x", "日本"],
    "bytes": [b"", b"\x00\xff"],
}


def _full(name: str, namespace: str | None) -> str:
    return name if "." in name or not namespace else f"{namespace}.{name}"


def _variants(avro_type: Any, names: dict[str, Any], namespace: str | None) -> list[Any]:
    """Values of `avro_type` that together take every branch it has."""
    if isinstance(avro_type, list):
        return [v for branch in avro_type for v in _variants(branch, names, namespace)]
    if isinstance(avro_type, str):
        if avro_type in _PRIMITIVES:
            return list(_PRIMITIVES[avro_type])
        named = names.get(avro_type) or names.get(_full(avro_type, namespace))
        if named is None:
            raise ValueError(f"unknown Avro type {avro_type!r}")
        return _variants(named, names, namespace)
    kind = avro_type["type"]
    if kind in ("record", "enum", "fixed"):
        namespace = avro_type.get("namespace", namespace)
        names[_full(avro_type["name"], namespace)] = avro_type
    if kind == "enum":
        return list(avro_type["symbols"])
    if kind == "fixed":
        return [bytes(avro_type["size"])]
    if kind == "array":
        return [[], _variants(avro_type["items"], names, namespace)[:1]]
    if kind == "map":
        return [{}, {"k": _variants(avro_type["values"], names, namespace)[0]}]
    if kind == "record":
        fields = [(f["name"], _variants(f["type"], names, namespace)) for f in avro_type["fields"]]
        count = max((len(values) for _, values in fields), default=1)
        return [{name: values[i % len(values)] for name, values in fields} for i in range(count)]
    if "logicalType" in avro_type:  # values every logical type of an int or long accepts
        return [0, 20_000] if kind == "int" else [0, 1_764_000_000_000]
    return _variants(kind, names, namespace)


def samples(schema: dict[str, Any]) -> list[Any]:
    """Records of `schema` that together take every branch of every field."""
    return _variants(schema, {}, schema.get("namespace"))


def resolution_problems(writer: dict[str, Any], reader: dict[str, Any]) -> list[str]:
    """Why records written with `writer` do not decode with `reader` (empty: they all do)."""
    parsed_writer = fastavro.parse_schema(writer)
    parsed_reader = fastavro.parse_schema(reader)
    problems: list[str] = []
    for record in samples(writer):
        buffer = io.BytesIO()
        fastavro.schemaless_writer(buffer, parsed_writer, record)
        buffer.seek(0)
        try:
            fastavro.schemaless_reader(buffer, parsed_writer, parsed_reader)
        except Exception as exc:  # SchemaResolutionError, or a type fastavro cannot promote
            text = str(exc).split(" is not {", 1)[0][:200]
            if text not in problems:
                problems.append(text)
    return problems


def room_to_evolve(schema: dict[str, Any]) -> list[str]:
    """What the newest revision lacks for later revisions to stay FULL-compatible."""
    problems = []

    def walk(avro_type: Any, where: str) -> None:
        if isinstance(avro_type, list):
            for branch in avro_type:
                walk(branch, where)
        elif isinstance(avro_type, dict):
            if avro_type["type"] == "enum" and "default" not in avro_type:
                problems.append(f"{where}: enum {avro_type['name']} has no default")
            for field in avro_type.get("fields", []):
                path = f"{where}.{field['name']}"
                kind = field["type"]
                optional = isinstance(kind, list) and "null" in kind
                if optional and (kind[0] != "null" or field.get("default", ...) is not None):
                    problems.append(f'{path}: an optional field is ["null", T], default null')
                walk(kind, path)
            for key in ("items", "values"):
                if key in avro_type:
                    walk(avro_type[key], where)

    walk(schema, schema["name"])
    return problems


def full_name(schema: dict[str, Any]) -> str:
    return _full(schema["name"], schema.get("namespace"))


def chain_problems(chain: Sequence[tuple[str, dict[str, Any]]]) -> list[str]:
    """Every breach of the rule in a chain of (label, schema), oldest first."""
    problems: list[str] = []
    if not chain:
        return problems
    first = full_name(chain[0][1])
    for k, (label, schema) in enumerate(chain):
        if full_name(schema) != first:
            problems.append(f"{label}: the record is {full_name(schema)}, not {first}")
        if k == 0:
            continue
        previous_label, previous = chain[k - 1]
        for text in resolution_problems(schema, previous):
            problems.append(f"{label} records do not decode with {previous_label}: {text}")
        for earlier_label, earlier in chain[:k]:
            for text in resolution_problems(earlier, schema):
                problems.append(f"{earlier_label} records do not decode with {label}: {text}")
    label, newest = chain[-1]
    problems.extend(f"{label}: {text}" for text in room_to_evolve(newest))
    return problems
