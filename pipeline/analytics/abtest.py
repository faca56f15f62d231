"""A/B test results from anonymized records: who saw which variant, who converted after.

Definitions (what `anonymizer abtest` prints):

- A **unit** is a visitor on one site on one UTC day: (site_id, UTC day of event_time,
  visitor_key). `visitor_key` is scoped to the site and day, so that is the finest visitor the
  output can name; the same person on two days counts twice.
- A unit is **exposed** to experiment E when it has at least one `ab_exposure` record with
  `experiment_id` E. Its **variant** is that of its first exposure that day (earliest
  event_time; a tie goes to the smaller variant id). A unit exposed to more than one variant
  stays in its first and is counted as `mixed`.
- A unit **converted** when it has a `conversion` record (with `conversion_goal` G, if a goal
  is given) with the same site_id, the same UTC day and the same visitor_key, and an event_time
  at or after its first exposure. A unit converts once, however many conversions it has;
  conversions before the exposure, on another day or site, or without a visitor_key are not
  attributed.
- **rate** = converted / exposed, with a 95% Wilson score interval; the **difference** to the
  control is variant rate minus control rate, with Newcombe's hybrid score interval (method 10),
  from the two Wilson intervals (see `intervals`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline.analytics.intervals import newcombe, wilson
from pipeline.analytics.units import Unit, unit_of


@dataclass(frozen=True, slots=True)
class VariantResult:
    """One variant's figures; the difference fields are None for the control."""

    variant: str
    exposed: int
    converted: int
    rate: float
    low: float
    high: float
    diff: float | None = None
    diff_low: float | None = None
    diff_high: float | None = None


@dataclass(frozen=True, slots=True)
class Result:
    """An experiment's result: the variants (control first) and what was left out."""

    experiment: str
    goal: str | None
    control: str | None
    variants: tuple[VariantResult, ...]
    exposure_events: int  # ab_exposure records of the experiment read
    without_visitor: int  # of those, records without a visitor_key (in no unit)
    mixed: int  # units exposed to more than one variant (counted in their first)
    sites: tuple[str, ...] = field(default=())
    days: int = 0  # distinct UTC days with an exposed unit


class Attribution:
    """Feed records one by one (`add`), in any order; `result` applies the definitions above."""

    def __init__(self, experiment: str, goal: str | None = None, site: str | None = None) -> None:
        self.experiment, self.goal, self.site = experiment, goal, site
        self.first: dict[Unit, tuple[int, str]] = {}  # unit -> (time, variant) of 1st exposure
        self.variants: dict[Unit, set[str]] = {}
        self.last_conversion: dict[Unit, int] = {}
        self.exposure_events = self.without_visitor = 0
        self.experiments: dict[str, int] = {}  # every experiment id seen -> exposure records

    def add(self, record: Mapping[str, Any]) -> None:
        """Take one record into account (any kind; irrelevant ones are skipped)."""
        kind = record["event_type"]
        if kind not in ("ab_exposure", "conversion"):
            return
        if self.site is not None and record["site_id"] != self.site:
            return
        if kind == "ab_exposure":
            name = record.get("experiment_id") or ""
            self.experiments[name] = self.experiments.get(name, 0) + 1
            if name != self.experiment:
                return
            self.exposure_events += 1
            unit = unit_of(record)
            if unit is None:
                self.without_visitor += 1
                return
            seen = (record["event_time"], record.get("variant_id") or "")
            if unit not in self.first or seen < self.first[unit]:
                self.first[unit] = seen
            self.variants.setdefault(unit, set()).add(seen[1])
        elif self.goal is None or record.get("conversion_goal") == self.goal:
            unit = unit_of(record)
            if unit is not None and record["event_time"] > self.last_conversion.get(unit, -1):
                self.last_conversion[unit] = record["event_time"]

    def add_all(self, records: Iterable[Mapping[str, Any]]) -> Attribution:
        """`add` each record; returns self."""
        for record in records:
            self.add(record)
        return self

    def counts(self) -> dict[str, tuple[int, int]]:
        """Variant -> (exposed units, converted units)."""
        out: dict[str, list[int]] = {}
        for unit, (time, variant) in self.first.items():
            tally = out.setdefault(variant, [0, 0])
            tally[0] += 1
            tally[1] += self.last_conversion.get(unit, -1) >= time
        return {variant: (n, x) for variant, (n, x) in out.items()}

    def result(self, control: str | None = None) -> Result:
        """The figures; `control` defaults to a variant named `control`, else the first by name."""
        counts = self.counts()
        names = sorted(counts)
        if control is None:
            control = "control" if "control" in counts else (names[0] if names else None)
        elif control not in counts:
            raise ValueError(f"no exposure to a variant {control!r} (seen: {', '.join(names)})")
        order = ([control] if control is not None else []) + [n for n in names if n != control]
        variants = []
        for name in order:
            n, x = counts[name]
            low, high = wilson(x, n)
            row = VariantResult(name, n, x, x / n, low, high)
            if name != control and control is not None:
                nc, xc = counts[control]
                d, dl, dh = newcombe(x, n, xc, nc)
                row = VariantResult(name, n, x, x / n, low, high, d, dl, dh)
            variants.append(row)
        return Result(
            self.experiment,
            self.goal,
            control,
            tuple(variants),
            self.exposure_events,
            self.without_visitor,
            sum(1 for seen in self.variants.values() if len(seen) > 1),
            tuple(sorted({unit[0] for unit in self.first})),
            len({unit[1] for unit in self.first}),
        )


def table(result: Result) -> str:
    """The result as a Markdown table (one line per variant, control first)."""
    lines = [
        "| variant | visitors exposed | converted | conversion rate (95% CI) "
        "| difference to control (95% CI) |",
        "|---|---:|---:|---|---|",
    ]
    for v in result.variants:
        rate = f"{v.rate:.2%} [{v.low:.2%}, {v.high:.2%}]"
        diff = "(control)"
        if v.diff is not None and v.diff_low is not None and v.diff_high is not None:
            diff = f"{100 * v.diff:+.2f} pp [{100 * v.diff_low:+.2f}, {100 * v.diff_high:+.2f}]"
        lines.append(f"| {v.variant} | {v.exposed:,} | {v.converted:,} | {rate} | {diff} |")
    return "\n".join(lines)
