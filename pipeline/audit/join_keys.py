"""Join keys: field values rare enough to link records across site-days.

Pseudonyms are made per site and UTC day so that nobody can follow a visitor from one site-day
to another. Any other value that is rare (held by at most `rare` records) yet appears in two or
more site-days undoes that: the records holding it are probably the same person's. For each
field the audit counts the records holding such a linking value.

Values measured per event (the tap position, the scroll depth, the event's own time) recur
across site-days by coincidence at any traffic density, so they are not join keys on their own.
An exact time is one when it is carried: a `last_visit_time` equal to an `event_time` of another
site-day links the two (the engine cuts it to the day so that it cannot).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from pipeline.audit.groups import SiteDay, share

# Same for everyone or a few values all share, or measured per event: never a join key alone.
NOT_CANDIDATES = frozenset({"site_id", "event_type", "key_id", "policy_version", "geo_db",
                            "x", "y", "scroll_depth"})  # fmt: skip
EVENT_TIME, CARRIED_TIME = "event_time", "last_visit_time"
_SEVERAL = -1  # a value seen in two or more site-days


class JoinKeys:
    """Counts, per field, each value's records (by the value's hash) and its site-days."""

    def __init__(self, fields: tuple[str, ...], rare: int) -> None:
        self.fields = tuple(f for f in fields if f not in NOT_CANDIDATES)
        self.rare = rare
        self.records = 0
        self._counts: dict[str, Counter[int]] = {f: Counter() for f in self.fields}
        self._where: dict[str, dict[int, int]] = {f: {} for f in self.fields}
        self._groups: dict[SiteDay, int] = {}

    def add(self, group: SiteDay, record: dict[str, Any]) -> None:
        self.records += 1
        gid = self._groups.setdefault(group, len(self._groups))
        for name in self.fields:
            value = record.get(name)
            if value is None:
                continue
            key = hash(value)
            self._counts[name][key] += 1
            where = self._where[name]
            seen = where.setdefault(key, gid)
            if seen != gid and seen != _SEVERAL:
                where[key] = _SEVERAL

    def _linking(self, name: str) -> tuple[Counter[int], set[int]]:
        """The records per value of `name` (its whole value space) and the linking values."""
        counts, where = self._counts[name], self._where[name]
        if name not in (EVENT_TIME, CARRIED_TIME) or CARRIED_TIME not in self.fields:
            links = {k for k, n in counts.items() if n <= self.rare and where[k] == _SEVERAL}
            return counts, links
        totals = self._counts[EVENT_TIME] + self._counts[CARRIED_TIME]
        events, carried = self._where[EVENT_TIME], self._where[CARRIED_TIME]
        links = {k for k in carried if totals[k] <= self.rare and _apart(carried[k], events.get(k))}
        if name == CARRIED_TIME:  # a carried time also links two site-days it is carried in
            links |= {k for k, g in carried.items() if g == _SEVERAL and totals[k] <= self.rare}
        return totals, links

    def figures(self) -> dict[str, Any]:
        """Per field: distinct values, records holding a rare value, records linked."""
        rows = []
        for name in self.fields:
            counts = self._counts[name]
            totals, linking = self._linking(name)
            rare = sum(n for k, n in counts.items() if totals[k] <= self.rare)
            linked = sum(n for k, n in counts.items() if k in linking)
            rows.append({
                "field": name,
                "distinct_values": len(counts),
                "rare_share": share(rare, self.records),
                "linked_records": linked,
                "linked_share": share(linked, self.records),
                "linking_values": sum(1 for k in counts if k in linking),
            })  # fmt: skip
        rows.sort(key=lambda r: (-r["linked_share"], r["field"]))
        return {"rare_value_records": self.rare, "site_days": len(self._groups), "fields": rows}


def _apart(carried: int, event: int | None) -> bool:
    """Whether a value carried in site-day(s) `carried` is an event time of another site-day."""
    if event is None:
        return False
    return carried == _SEVERAL or event == _SEVERAL or carried != event
