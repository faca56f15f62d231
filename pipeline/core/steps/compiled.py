"""Per-record functions generated from the policy at start-up, so the hot loop does no lookups.

Only validated names (RawWebEvent fields, checked by the policy loader) reach the source text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipeline.core.raw_event import FIELDS


def compile_function(name: str, args: str, lines: list[str], namespace: dict[str, Any]) -> Callable:
    """Compile `def name(args): lines` in `namespace`."""
    source = f"def {name}({args}):\n" + "\n".join(f"    {line}" for line in lines or ["pass"])
    exec(compile(source, f"<policy {name}>", "exec"), namespace)
    return namespace[name]


def field_name(name: str) -> str:
    """`name`, after checking it is a RawWebEvent field (the only names code is made from)."""
    if name not in FIELDS:
        raise ValueError(f"not a RawWebEvent field: {name!r}")
    return name
