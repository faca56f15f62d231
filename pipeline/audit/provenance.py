"""Provenance: which day keys, policy versions and GeoIP builds made the records."""

from __future__ import annotations

from collections import Counter
from typing import Any

FIELDS = ("key_id", "policy_version", "geo_db")


class Provenance:
    """Records per key id, policy version and GeoIP build."""

    def __init__(self) -> None:
        self.seen: dict[str, Counter[str]] = {name: Counter() for name in FIELDS}

    def add(self, record: dict[str, Any]) -> None:
        for name in FIELDS:
            self.seen[name][str(record.get(name))] += 1

    def figures(self) -> dict[str, Any]:
        return {name: dict(sorted(counts.items())) for name, counts in self.seen.items()}
