"""A record encoder compiled from an Avro schema: a tuple of values in field order -> Avro bytes.

fastavro's generic writer costs about as much as the whole privacy work per event, so the
output schema is compiled once into straight-line Python. The result is byte-identical to
fastavro's (a property test holds it to that). Supported: string, bytes, int, long, boolean,
enum, and unions of null with one of those; anything else is a start-up error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipeline.errors import ConfigError

_SMALL = range(-64, 8192)
_TABLE = 8192 - 64  # non-negative values with a precomputed varint


def _zigzag_varint(n: int) -> bytes:
    n = (n << 1) ^ (n >> 63)
    if n >= 1 << 14:  # 14 bits at a time from a table (a timestamp takes 6 bytes)
        chunks = []
        while n >= 1 << 14:
            chunks.append(_PAIRS[n & 0x3FFF])
            n >>= 14
        chunks.append(_UNSIGNED[n])
        return b"".join(chunks)
    return _UNSIGNED[n]


def _unsigned(n: int) -> bytes:
    out = bytearray()
    while n & ~0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


# Unsigned varints of 0 .. 2^14-1, and 14-bit groups as two continued bytes.
_UNSIGNED: tuple[bytes, ...] = tuple(_unsigned(i) for i in range(1 << 14))
_PAIRS: tuple[bytes, ...] = tuple(
    bytes(((i & 0x7F) | 0x80, (i >> 7) | 0x80)) for i in range(1 << 14)
)


_VARINTS: tuple[bytes, ...] = tuple(_zigzag_varint(i) for i in _SMALL)


def varint(n: int) -> bytes:
    """Avro's zig-zag varint for a long."""
    if -64 <= n < 8192:
        return _VARINTS[n + 64]
    if not -(1 << 63) <= n < (1 << 63):
        raise OverflowError("value outside Avro long")
    return _zigzag_varint(n)


def _int32(n: int) -> bytes:
    if not -(1 << 31) <= n < (1 << 31):
        raise OverflowError("value outside Avro int")
    return varint(n)


def _string(value: str) -> bytes:
    data = value.encode("utf-8")
    n = len(data)
    return (_VARINTS[n + 64] if n < 8128 else _zigzag_varint(n)) + data


def _bytes(value: bytes) -> bytes:
    return varint(len(value)) + value


def _boolean(value: bool) -> bytes:
    return b"\x01" if value else b"\x00"


_PRIMITIVES: dict[str, Callable[[Any], bytes]] = {
    "string": _string,
    "bytes": _bytes,
    "int": _int32,
    "long": varint,
    "boolean": _boolean,
}


def _branch(avro_type: Any, where: str) -> Callable[[Any], bytes]:
    if isinstance(avro_type, dict):
        if avro_type["type"] == "enum":
            codes = {s: varint(i) for i, s in enumerate(avro_type["symbols"])}
            return codes.__getitem__
        avro_type = avro_type["type"]
    if isinstance(avro_type, str) and avro_type in _PRIMITIVES:
        return _PRIMITIVES[avro_type]
    raise ConfigError(f"{where}: Avro type {avro_type!r} is not supported by the compiled encoder")


def _field_parts(field: dict[str, Any]) -> tuple[bool, Any]:
    """(nullable, the non-null branch's type) for one record field."""
    avro_type = field["type"]
    if isinstance(avro_type, list):
        if len(avro_type) != 2 or avro_type[0] != "null":
            raise ConfigError(f"field {field['name']}: only unions [null, T] are supported")
        return True, avro_type[1]
    return False, avro_type


def _inline(i: int, avro_type: Any) -> str | None:
    """Straight-line source for the common types (no call per field); None for the rest."""
    name = avro_type["type"] if isinstance(avro_type, dict) else avro_type
    if isinstance(avro_type, dict) and name == "enum":
        return None
    if name == "string":
        return f"(_P[_n] + _b if (_n := len(_b := v[{i}].encode())) < {_TABLE} else _big(_n) + _b)"
    if name == "int":
        return f"(_P[_x] if 0 <= (_x := v[{i}]) < {_TABLE} else _int32(_x))"
    if name == "long":
        return f"(_P[_x] if 0 <= (_x := v[{i}]) < {_TABLE} else _long(_x))"
    return None


def compile_encoder(
    schema: dict[str, Any], constants: dict[str, Any] | None = None
) -> Callable[[tuple[Any, ...]], bytes]:
    """Compile a record schema into `encode(values) -> bytes`, values in field order.

    Fields named in `constants` are encoded once, here, and their slot in `values` is ignored.
    """
    constants = constants or {}
    namespace: dict[str, Any] = {
        "_P": _VARINTS[64:],
        "_big": _zigzag_varint,
        "_int32": _int32,
        "_long": varint,
    }
    parts = []
    for i, field in enumerate(schema["fields"]):
        nullable, avro_type = _field_parts(field)
        encoder = _branch(avro_type, f"field {field['name']}")
        namespace[f"_e{i}"] = encoder
        if field["name"] in constants:
            value = constants[field["name"]]
            if value is None:
                namespace[f"_c{i}"] = b"\x00"
            else:
                namespace[f"_c{i}"] = (b"\x02" if nullable else b"") + encoder(value)
            parts.append(f"_c{i}")
            continue
        expression = _inline(i, avro_type) or f"_e{i}(v[{i}])"
        if nullable:
            expression = f"(b'\\x00' if v[{i}] is None else b'\\x02' + {expression})"
        parts.append(expression)
    source = "def encode(v):\n    return b''.join((" + ", ".join(parts) + ",))\n"
    exec(compile(source, f"<avro encoder {schema.get('name')}>", "exec"), namespace)
    return namespace["encode"]
