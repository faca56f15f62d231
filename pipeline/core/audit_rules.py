"""The policy's `[audit]` table: the quasi-identifiers `anonymizer audit` measures, and its limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.errors import ConfigError

# Outputs that cannot be quasi-identifiers: pseudonyms are unique by design, provenance is the
# same for everyone.
NOT_QUASI = frozenset({"event_id", "visitor_key", "session_key", "key_id", "policy_version",
                       "geo_db"})  # fmt: skip
SHARES = ("max_unique_share", "max_unique_visitor_share", "max_join_share")
COUNTS = ("max_canaries", "min_place_population", "rare_value_records")


@dataclass(frozen=True, slots=True)
class AuditRules:
    """What `audit` measures and the limits it holds the output to (None: not checked)."""

    quasi_identifiers: tuple[str, ...]
    rare_value_records: int = 5
    max_canaries: int | None = None
    max_unique_share: float | None = None
    max_unique_visitor_share: float | None = None
    max_join_share: float | None = None
    min_place_population: int | None = None


def parse_audit(section: Any, outputs: set[str], where: str) -> AuditRules | None:
    """The `[audit]` table checked against the policy's outputs; None when there is none."""
    if section is None:
        return None
    if not isinstance(section, dict):
        raise ConfigError(f"{where}: [audit] must be a table")
    unknown = sorted(set(section) - {"quasi_identifiers", *SHARES, *COUNTS})
    if unknown:
        raise ConfigError(f"{where}: [audit]: unknown settings {unknown}")
    names = section.get("quasi_identifiers")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise ConfigError(f"{where}: [audit] quasi_identifiers must be a non-empty list of fields")
    bad = sorted({n for n in names if n not in outputs or n in NOT_QUASI})
    if bad or len(set(names)) != len(names):
        raise ConfigError(
            f"{where}: [audit] quasi_identifiers: {bad or 'repeated names'}: each must be an "
            "output field the policy emits, once, and no pseudonym or provenance field"
        )
    values: dict[str, Any] = {}
    for key in SHARES:
        value = section.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                                  or not 0 <= value <= 1):  # fmt: skip
            raise ConfigError(f"{where}: [audit] {key} must be a share between 0 and 1")
        values[key] = None if value is None else float(value)
    for key in COUNTS:
        value = section.get(key)
        if value is not None and (type(value) is not int or value < 0):
            raise ConfigError(f"{where}: [audit] {key} must be a whole number >= 0")
        if value is not None:
            values[key] = value
    if values.get("rare_value_records") == 0:
        raise ConfigError(f"{where}: [audit] rare_value_records must be at least 1")
    return AuditRules(quasi_identifiers=tuple(names), **values)
