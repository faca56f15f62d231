"""Uniqueness of the quasi-identifier tuple, per site-day (k-anonymity classes) and per visitor.

Records are grouped by site and UTC day (the scope of `visitor_key`); within a group, records
with the same tuple of quasi-identifier values form an equivalence class. A record in a class of
size 1 is singled out by those values alone. Each field's contribution is the same figure with
that field left out of the tuple. A visitor (`visitor_key`) is unique when one of its tuples is
seen with no other visitor of the group.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pipeline.audit.groups import SiteDay, share

SIZES = (1, 5, 10)  # classes of size 1, below 5, below 10
_SHARED = ""  # owner of a tuple that several visitors have (visitor keys are never empty)


@dataclass(slots=True)
class ClassCounts:
    """Records, classes, records in classes of size 1 / <5 / <10, and the same counts for
    unique records with each field left out; visitors and unique visitors."""

    records: int = 0
    classes: int = 0
    in_small: dict[int, int] = field(default_factory=lambda: dict.fromkeys(SIZES, 0))
    unique_without: dict[str, int] = field(default_factory=dict)
    visitors: int = 0
    unique_visitors: int = 0
    unique_visitors_without: dict[str, int] = field(default_factory=dict)

    def plus(self, other: ClassCounts) -> None:
        """Add another group's counts (the overall figure sums its site-days)."""
        self.records += other.records
        self.classes += other.classes
        self.visitors += other.visitors
        self.unique_visitors += other.unique_visitors
        for size, n in other.in_small.items():
            self.in_small[size] += n
        for name, n in other.unique_without.items():
            self.unique_without[name] = self.unique_without.get(name, 0) + n
        for name, n in other.unique_visitors_without.items():
            self.unique_visitors_without[name] = self.unique_visitors_without.get(name, 0) + n

    def as_dict(self) -> dict[str, Any]:
        unique = share(self.in_small[1], self.records)
        return {
            "records": self.records,
            "classes": self.classes,
            "unique_share": unique,
            "below_5_share": share(self.in_small[5], self.records),
            "below_10_share": share(self.in_small[10], self.records),
            "unique_without": {
                name: share(n, self.records) for name, n in self.unique_without.items()
            },
            "contribution": {
                name: unique - share(n, self.records) for name, n in self.unique_without.items()
            },
            "visitors": self.visitors,
            "unique_visitor_share": share(self.unique_visitors, self.visitors),
            "unique_visitors_without": {
                name: share(n, self.visitors) for name, n in self.unique_visitors_without.items()
            },
        }


def small_class_records(sizes: Iterable[int]) -> dict[int, int]:
    """Records in classes of size 1, below 5 and below 10, from the class sizes."""
    counts = dict.fromkeys(SIZES, 0)
    for size in sizes:
        if size == 1:
            counts[1] += 1
        if size < 5:
            counts[5] += size
        if size < 10:
            counts[10] += size
    return counts


def _sole_owners(owners: dict[tuple[Any, ...], str], index: int | None) -> set[str]:
    """Visitors holding a tuple no other visitor holds, with field `index` left out."""
    merged: dict[tuple[Any, ...], str] = {}
    for values, owner in owners.items():
        key = values if index is None else values[:index] + values[index + 1 :]
        seen = merged.setdefault(key, owner)
        if seen != owner:
            merged[key] = _SHARED
    return {o for o in merged.values() if o != _SHARED}


class Uniqueness:
    """Counts tuples per site-day as records are added; `figures()` gives the result."""

    def __init__(self, fields: tuple[str, ...]) -> None:
        self.fields = fields
        self._tuples: dict[SiteDay, Counter[tuple[Any, ...]]] = {}
        self._owners: dict[SiteDay, dict[tuple[Any, ...], str]] = {}
        self._visitors: dict[SiteDay, set[str]] = {}
        self.without_visitor = 0

    def add(self, group: SiteDay, record: dict[str, Any]) -> None:
        values = tuple(record.get(name) for name in self.fields)
        tuples = self._tuples.get(group)
        if tuples is None:
            tuples = self._tuples[group] = Counter()
            self._owners[group], self._visitors[group] = {}, set()
        tuples[values] += 1
        visitor = record.get("visitor_key")
        if not visitor:
            self.without_visitor += 1
            return
        self._visitors[group].add(visitor)
        owners = self._owners[group]
        owner = owners.get(values)
        if owner is None:
            owners[values] = visitor
        elif owner != visitor:
            owners[values] = _SHARED

    def group_counts(self, group: SiteDay) -> ClassCounts:
        """The counts of one site-day."""
        tuples = self._tuples[group]
        counts = ClassCounts(records=sum(tuples.values()), classes=len(tuples))
        counts.in_small = small_class_records(tuples.values())
        owners = self._owners[group]
        for index, name in enumerate(self.fields):
            projected: Counter[tuple[Any, ...]] = Counter()
            for values, n in tuples.items():
                projected[values[:index] + values[index + 1 :]] += n
            counts.unique_without[name] = sum(1 for n in projected.values() if n == 1)
            counts.unique_visitors_without[name] = len(_sole_owners(owners, index))
        counts.visitors = len(self._visitors[group])
        counts.unique_visitors = len(_sole_owners(owners, None))
        return counts

    def figures(self) -> dict[str, Any]:
        """Per site-day and overall (the site-days summed), as plain data."""
        overall = ClassCounts(
            unique_without=dict.fromkeys(self.fields, 0),
            unique_visitors_without=dict.fromkeys(self.fields, 0),
        )
        groups = []
        for group in sorted(self._tuples):
            counts = self.group_counts(group)
            overall.plus(counts)
            groups.append({"site": group[0], "day": group[1], **counts.as_dict()})
        return {
            "quasi_identifiers": list(self.fields),
            "overall": overall.as_dict(),
            "records_without_visitor_key": self.without_visitor,
            "site_days": groups,
        }
