"""The input contract in one place: which RawWebEvent fields are required and which may be null,
and the patterns a policy field may name.

The rest of the contract is the policy's (`pipeline/policies/*.toml`): each field's limits, the
event types (`choices` of `event_type`) and the fields each type cannot do without (`requires`).
The validate step, the policy loader and the traffic generator's garbage all read it from here.
"""

from __future__ import annotations

import re

from pipeline.core.raw_event import RawWebEvent

_FIELDS, _DEFAULTS = RawWebEvent.__struct_fields__, RawWebEvent.__struct_defaults__
# Fields the input must carry, not null (those without a default come first), in struct order.
REQUIRED: tuple[str, ...] = _FIELDS[: len(_FIELDS) - len(_DEFAULTS)]
# Fields that may be absent or null: those with a default of None.
OPTIONAL: frozenset[str] = frozenset(
    name
    for name, default in zip(_FIELDS[len(REQUIRED) :], _DEFAULTS, strict=True)
    if default is None
)
# What a policy's `pattern = "..."` may name, and what it means (the whole value must match).
PATTERNS: dict[str, re.Pattern[str]] = {
    "uuid": re.compile(
        r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    ),
    "site_id": re.compile(r"[A-Za-z0-9_-]{1,64}"),
}
