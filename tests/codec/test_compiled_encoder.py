"""The compiled Avro encoder against fastavro, and single-object framing against the spec."""

from __future__ import annotations

import copy
import io
from typing import Any

import fastavro
import pytest
from fastavro.schema import fingerprint, parse_schema, to_parsing_canonical_form
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.codec.encoder import compile_encoder, varint
from pipeline.codec.schemas import ANONYMIZED, DEAD_LETTER, canonical_form, load_schema
from pipeline.codec.single_object import MAGIC, crc64_avro, header, split
from pipeline.errors import ConfigError

ALL_TYPES = {
    "type": "record",
    "name": "AllTypes",
    "namespace": "test.codec",
    "fields": [
        {"name": "s", "type": "string"},
        {"name": "b", "type": "bytes"},
        {"name": "i", "type": "int"},
        {"name": "l", "type": "long"},
        {"name": "t", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "flag", "type": "boolean"},
        {"name": "colour", "type": {"type": "enum", "name": "Colour", "symbols": ["R", "G", "B"]}},
        {"name": "ns", "type": ["null", "string"]},
        {"name": "nb", "type": ["null", "bytes"]},
        {"name": "ni", "type": ["null", "int"]},
        {"name": "nl", "type": ["null", "long"]},
        {"name": "nflag", "type": ["null", "boolean"]},
        {
            "name": "ncolour",
            "type": ["null", {"type": "enum", "name": "Shade", "symbols": ["LIGHT", "DARK"]}],
        },
    ],
}
SCHEMAS = {
    "all_types": ALL_TYPES,
    "anonymized": load_schema(ANONYMIZED),
    "dead_letter": load_schema(DEAD_LETTER),
}

INT32 = st.integers(-(1 << 31), (1 << 31) - 1)
INT64 = st.integers(-(1 << 63), (1 << 63) - 1)


def _strategy(avro_type: Any) -> st.SearchStrategy[Any]:
    if isinstance(avro_type, list):
        assert avro_type[0] == "null"
        return st.none() | _strategy(avro_type[1])
    if isinstance(avro_type, dict):
        if avro_type["type"] == "enum":
            return st.sampled_from(avro_type["symbols"])
        return _strategy(avro_type["type"])
    return {
        "string": st.text(max_size=300),
        "bytes": st.binary(max_size=300),
        "int": INT32,
        "long": INT64,
        "boolean": st.booleans(),
    }[avro_type]


def _values(schema: dict[str, Any]) -> st.SearchStrategy[tuple[Any, ...]]:
    return st.tuples(*(_strategy(f["type"]) for f in schema["fields"]))


def _without_logical_types(schema: dict[str, Any]) -> dict[str, Any]:
    """Same binary encoding, but fastavro reads plain longs instead of datetimes."""

    def strip(t: Any) -> Any:
        if isinstance(t, list):
            return [strip(x) for x in t]
        if isinstance(t, dict) and "logicalType" in t:
            return {k: v for k, v in t.items() if k != "logicalType"}
        return t

    out = copy.deepcopy(schema)
    for field in out["fields"]:
        field["type"] = strip(field["type"])
    return out


def _fastavro_bytes(schema: dict[str, Any], values: tuple[Any, ...]) -> bytes:
    record = dict(zip((f["name"] for f in schema["fields"]), values, strict=True))
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, parse_schema(copy.deepcopy(schema)), record)
    return buffer.getvalue()


def _fastavro_read(schema: dict[str, Any], body: bytes) -> tuple[Any, ...]:
    plain = parse_schema(_without_logical_types(schema))
    record = fastavro.schemaless_reader(io.BytesIO(body), plain, None)
    return tuple(record[f["name"]] for f in schema["fields"])


def _check(schema: dict[str, Any], values: tuple[Any, ...]) -> None:
    body = compile_encoder(schema)(values)
    assert body == _fastavro_bytes(schema, values)
    assert _fastavro_read(schema, body) == values
    message = header(canonical_form(schema)) + body
    fp, rest = split(message)
    assert rest == body
    assert fp.hex() == fingerprint(to_parsing_canonical_form(schema), "CRC-64-AVRO")


@settings(max_examples=300, deadline=None)
@given(values=_values(ALL_TYPES))
def test_all_supported_types_encode_like_fastavro(values: tuple[Any, ...]) -> None:
    _check(ALL_TYPES, values)


@settings(max_examples=300, deadline=None)
@given(values=_values(SCHEMAS["anonymized"]))
def test_the_output_schema_encodes_like_fastavro(values: tuple[Any, ...]) -> None:
    _check(SCHEMAS["anonymized"], values)


@settings(max_examples=200, deadline=None)
@given(values=_values(SCHEMAS["dead_letter"]))
def test_the_dead_letter_schema_encodes_like_fastavro(values: tuple[Any, ...]) -> None:
    _check(SCHEMAS["dead_letter"], values)


@settings(max_examples=200, deadline=None)
@given(values=_values(SCHEMAS["anonymized"]), key_id=st.text(max_size=20), geo_db=st.none())
def test_constants_are_encoded_once_and_their_slots_ignored(
    values: tuple[Any, ...], key_id: str, geo_db: None
) -> None:
    schema = SCHEMAS["anonymized"]
    names = [f["name"] for f in schema["fields"]]
    constants = {"key_id": key_id, "policy_version": "web-events/1", "geo_db": "GeoIP2-City@x"}
    encode = compile_encoder(schema, constants)
    garbage = tuple(object() if n in constants else v for n, v in zip(names, values, strict=True))
    expected = tuple(constants.get(n, v) for n, v in zip(names, values, strict=True))
    assert encode(garbage) == _fastavro_bytes(schema, expected)
    # A null constant in a nullable field.
    nullable = compile_encoder(ALL_TYPES, {"ns": None})
    sample = ("s", b"b", 1, 2, 3, True, "R", "x", None, None, None, None, None)
    assert nullable(sample) == _fastavro_bytes(ALL_TYPES, (*sample[:7], None, *sample[8:]))


@pytest.mark.parametrize(
    "n", [0, -1, 1, 63, 64, -64, -65, 8191, 8192, 8127, 8128, -(1 << 31), (1 << 31) - 1, -(1 << 63)]
)
def test_varint_boundaries(n: int) -> None:
    assert varint((1 << 63) - 1) == _long_bytes((1 << 63) - 1)
    assert varint(n) == _long_bytes(n)


def _long_bytes(n: int) -> bytes:
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, {"type": "long"}, n)
    return buffer.getvalue()


@pytest.mark.parametrize("length", [0, 1, 63, 64, 8127, 8128, 8129, 20000])
def test_string_length_prefix_boundaries(length: int) -> None:
    schema = {"type": "record", "name": "S", "fields": [{"name": "s", "type": "string"}]}
    value = ("é" * (length // 2)) + ("a" * (length % 2))
    assert compile_encoder(schema)((value,)) == _fastavro_bytes(schema, (value,))


@pytest.mark.parametrize(
    ("avro_type", "value"),
    [("int", 1 << 31), ("int", -(1 << 31) - 1), ("long", 1 << 63), ("long", -(1 << 63) - 1)],
)
def test_out_of_range_numbers_raise_overflow(avro_type: str, value: int) -> None:
    schema = {"type": "record", "name": "N", "fields": [{"name": "n", "type": avro_type}]}
    with pytest.raises(OverflowError):
        compile_encoder(schema)((value,))


def test_lone_surrogates_raise_unicode_errors() -> None:
    schema = {"type": "record", "name": "S", "fields": [{"name": "s", "type": "string"}]}
    with pytest.raises(UnicodeEncodeError):
        compile_encoder(schema)(("\ud800",))


def test_an_unknown_enum_symbol_raises() -> None:
    with pytest.raises(KeyError):
        compile_encoder(ALL_TYPES)(("s", b"", 0, 0, 0, False, "PURPLE", *[None] * 6))


@pytest.mark.parametrize(
    "avro_type",
    [
        "double",
        "float",
        {"type": "array", "items": "string"},
        {"type": "map", "values": "string"},
        ["string", "null"],
        ["null", "string", "int"],
        {"type": "fixed", "name": "F", "size": 4},
        {"type": "record", "name": "Inner", "fields": []},
    ],
)
def test_unsupported_types_are_config_errors(avro_type: Any) -> None:
    schema = {"type": "record", "name": "U", "fields": [{"name": "u", "type": avro_type}]}
    with pytest.raises(ConfigError, match="field u"):
        compile_encoder(schema)


def test_the_single_object_header_matches_fastavro_fingerprints() -> None:
    for schema in SCHEMAS.values():
        form = canonical_form(schema)
        expected = bytes.fromhex(fingerprint(form, "CRC-64-AVRO"))
        assert header(form) == MAGIC + expected
        assert len(header(form)) == 10


def test_crc64_avro_reference_values() -> None:
    # The empty-input value is the algorithm's seed; "null" per the Avro reference suite.
    assert crc64_avro(b"") == 0xC15D213AA4D7A795
    assert crc64_avro(b'"null"').to_bytes(8, "little").hex() == fingerprint('"null"', "CRC-64-AVRO")
    assert fingerprint('"int"', "CRC-64-AVRO") == crc64_avro(b'"int"').to_bytes(8, "little").hex()


@pytest.mark.parametrize("message", [b"", b"\xc3\x01short", b"\xc3\x02" + b"\x00" * 10, b"{}" * 10])
def test_split_refuses_what_is_not_single_object(message: bytes) -> None:
    with pytest.raises(ValueError):
        split(message)
