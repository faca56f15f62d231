"""Textual forms of an address, written independently of the engine, and a reader that finds any
address a text spells (socket.inet_aton semantics, leading zeros as decimal, ipaddress for v6)."""

from __future__ import annotations

import contextlib
import re
import socket
from ipaddress import IPv4Address, IPv6Address, ip_address


def v4_forms(a: IPv4Address) -> list[str]:
    """Ways to write an IPv4 address that a browser, inet_aton or a log reader accepts."""
    n, o = int(a), a.packed
    return [
        str(a),
        str(n),
        hex(n),
        f"0X{n:X}",
        "0" + oct(n)[2:],
        ".".join(f"0{b:o}" for b in o),
        ".".join(f"{b:03d}" for b in o),
        ".".join(hex(b) for b in o),
        f"{o[0]}.{n & 0xFFFFFF}",
        f"{o[0]}.{o[1]}.{n & 0xFFFF}",
        "-".join(str(b) for b in o),
        f"::ffff:{a}",
        f"::ffff:{n >> 16:x}:{n & 0xFFFF:x}",
        f"0:0:0:0:0:FFFF:{n >> 16:04X}:{n & 0xFFFF:04X}",
        f"[::ffff:{a}]",
        "\u3002".join(str(b) for b in o),
    ]


def v6_forms(a: IPv6Address) -> list[str]:
    return [a.compressed, a.exploded, a.exploded.upper(), f"[{a.compressed}]"]


def forms(address: str) -> list[str]:
    ip = ip_address(address)
    return v4_forms(ip) if isinstance(ip, IPv4Address) else v6_forms(ip)


def percent(text: str) -> str:
    return "".join(f"%{b:02X}" for b in text.encode())


_V4ISH = re.compile(
    r"(?<![0-9A-Za-z])(?:0[xX][0-9A-Fa-f]+|[0-9]+)(?:[.\u3002-](?:0[xX][0-9A-Fa-f]+|[0-9]+))*"
)
_V6ISH = re.compile(r"[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")


def spelled(text: str) -> set[int | str]:
    """Every address some token of `text` spells: IPv4 as int, IPv6 as compressed text (and the
    IPv4 inside a mapped one)."""
    found: set[int | str] = set()
    for token in _V4ISH.findall(text):
        for sep in (".", "\u3002", "-"):
            candidate = token.replace(sep, ".")
            with contextlib.suppress(OSError):
                found.add(int.from_bytes(socket.inet_aton(candidate), "big"))
            parts = candidate.split(".")
            if len(parts) == 4 and all(p.isdigit() and int(p) < 256 for p in parts):
                found.add(int(IPv4Address(".".join(str(int(p)) for p in parts))))
    for token in _V6ISH.findall(text):
        for candidate in {token.strip("[].:"), token.strip("[]."), token.strip("[]")}:
            try:
                v6 = IPv6Address(candidate)
            except ValueError:
                continue
            found.add(v6.compressed)
            if v6.ipv4_mapped is not None:
                found.add(int(v6.ipv4_mapped))
    return found


def key(address: str) -> int | str:
    ip = ip_address(address)
    return int(ip) if isinstance(ip, IPv4Address) else ip.compressed
