"""Tap and click density over page coordinates, one panel per viewport class.

Records are taps and clicks (`event_type` tap or click, with `x`, `y` page coordinates) of one
site whose URL path matches a pattern (`fnmatch`: `/products/*` takes every product page).
Each goes to the panel of its viewport class, by `viewport_width`; the class boundaries are
multiples of 50 px, so the output's 50 px bucketing of viewport widths never moves a record to
another class, and `x`, `y` pass the engine unchanged: the density from the anonymized output
equals the raw one. Cells are `bin_px` squares; each panel counts its events and its visitors
(distinct site, UTC day and visitor_key, see `units`).
"""

from __future__ import annotations

import fnmatch
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pipeline.analytics.units import Unit, unit_of, utc_day

# (name, lowest viewport width, first width of the next class); boundaries are multiples of 50.
CLASSES: tuple[tuple[str, int, int | None], ...] = (
    ("phone", 0, 600),
    ("tablet", 600, 1000),
    ("laptop", 1000, 1400),
    ("desktop", 1400, None),
)
KINDS = ("tap", "click")
Cell = tuple[int, int]


def viewport_class(width: int) -> str:
    """The class of a viewport `width` pixels wide."""
    for name, low, high in CLASSES:
        if width >= low and (high is None or width < high):
            return name
    return CLASSES[0][0]


def class_label(name: str) -> str:
    """`phone (< 600 px)`, `tablet (600-999 px)`, ..."""
    for n, low, high in CLASSES:
        if n == name:
            if high is None:
                return f"{name} (>= {low:,} px)"
            return f"{name} (< {high} px)" if low == 0 else f"{name} ({low:,}-{high - 1:,} px)"
    raise ValueError(f"no viewport class {name!r}")


def url_path(url: str | None) -> str:
    """The path of a URL (`/` when it has none)."""
    if not url:
        return "/"
    try:
        return urlsplit(url).path or "/"
    except ValueError:
        return "/"


@dataclass(frozen=True, slots=True)
class Panel:
    """One viewport class's density: tap/click counts per cell, events and visitors."""

    name: str
    events: int
    visitors: int
    cells: dict[Cell, int]
    bin_px: int
    max_x: int  # largest x and y seen (to size the drawing)
    max_y: int

    def density(self) -> dict[Cell, float]:
        """Each cell's share of the panel's events."""
        return {cell: n / self.events for cell, n in self.cells.items()} if self.events else {}


class Heatmap:
    """Feed records (`add`), in any order; `panels` gives one Panel per class with events."""

    def __init__(
        self, site: str, path: str, bin_px: int = 20, kinds: tuple[str, ...] = KINDS
    ) -> None:
        if bin_px < 1:
            raise ValueError("bin_px must be positive")
        self.site, self.path, self.bin_px, self.kinds = site, path, bin_px, kinds
        self.cells: dict[str, Counter[Cell]] = {}
        self.units: dict[str, set[Unit]] = {}
        self.extent: dict[str, list[int]] = {}
        self.days: set[int] = set()
        self.skipped = 0  # taps and clicks of the page without coordinates

    def matches(self, record: Mapping[str, Any]) -> bool:
        """Whether a record is a tap or click of the site and page asked for."""
        return (
            record["event_type"] in self.kinds
            and record["site_id"] == self.site
            and fnmatch.fnmatchcase(url_path(record.get("url")), self.path)
        )

    def add(self, record: Mapping[str, Any]) -> None:
        """Count one record if it matches."""
        if not self.matches(record):
            return
        x, y = record.get("x"), record.get("y")
        if x is None or y is None:
            self.skipped += 1
            return
        name = viewport_class(record.get("viewport_width") or 0)
        cells = self.cells.get(name)
        if cells is None:
            cells = self.cells[name] = Counter()
            self.units[name], self.extent[name] = set(), [0, 0]
        cells[x // self.bin_px, y // self.bin_px] += 1
        extent = self.extent[name]
        extent[0], extent[1] = max(extent[0], x), max(extent[1], y)
        unit = unit_of(record)
        if unit is not None:
            self.units[name].add(unit)
        self.days.add(utc_day(record["event_time"]))

    def add_all(self, records: Iterable[Mapping[str, Any]]) -> Heatmap:
        """`add` each record; returns self."""
        for record in records:
            self.add(record)
        return self

    def panels(self) -> list[Panel]:
        """One panel per viewport class that has events, in class order."""
        out = []
        for name, _, _ in CLASSES:
            cells = self.cells.get(name)
            if cells:
                max_x, max_y = self.extent[name]
                events = sum(cells.values())
                units = len(self.units[name])
                out.append(Panel(name, events, units, dict(cells), self.bin_px, max_x, max_y))
        return out


def total_variation(a: Panel, b: Panel) -> float:
    """Half the L1 distance between two panels' densities: 0 when equal, 1 when disjoint."""
    da, db = a.density(), b.density()
    return 0.5 * sum(abs(da.get(c, 0.0) - db.get(c, 0.0)) for c in da.keys() | db.keys())


def densest(panel: Panel, count: int = 1) -> list[tuple[Cell, int]]:
    """The `count` densest cells of a panel and their events (ties: the smaller cell)."""
    return sorted(panel.cells.items(), key=lambda item: (-item[1], item[0]))[:count]
