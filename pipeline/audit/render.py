"""The audit as a readable report: rich tables built from the figures (printing is the caller's)."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from pipeline.audit.thresholds import Check

SHOWN = 12  # rows of the long tables; the rest is in --json


def _pct(x: float) -> str:
    return f"{x:.2%}"


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", caption_justify="left")
    for index, column in enumerate(columns):
        table.add_column(column, justify="left" if index == 0 else "right")
    return table


def uniqueness(figures: dict[str, Any]) -> list[RenderableType]:
    u = figures["uniqueness"]
    sizes = _table("Quasi-identifier classes per site and UTC day", "site", "day", "records",
                   "classes", "unique", "in <5", "in <10", "visitors", "unique visitors")  # fmt: skip
    sizes.caption = "tuple: " + ", ".join(u["quasi_identifiers"])
    rows = sorted(u["site_days"], key=lambda g: -g["unique_visitor_share"])
    for g in [*rows[:SHOWN], {"site": "overall", "day": "", **u["overall"]}]:
        sizes.add_row(
            g["site"], g["day"], f"{g['records']:,}", f"{g['classes']:,}",
            _pct(g["unique_share"]), _pct(g["below_5_share"]), _pct(g["below_10_share"]),
            f"{g['visitors']:,}", _pct(g["unique_visitor_share"]),
            style="bold" if g["site"] == "overall" else None,
        )  # fmt: skip
    if len(rows) > SHOWN:
        sizes.caption += f"; {len(rows) - SHOWN} more site-days in --json (worst first)"
    fields = _table("What each field adds: the overall figures without it", "field",
                    "unique records", "it adds", "unique visitors", "it adds")  # fmt: skip
    overall = u["overall"]
    visitors = overall["unique_visitor_share"]
    for name, without in sorted(overall["unique_visitors_without"].items(), key=lambda kv: kv[1]):
        fields.add_row(name, _pct(overall["unique_without"][name]),
                       f"{overall['contribution'][name] * 100:+.2f} pt", _pct(without),
                       f"{(visitors - without) * 100:+.2f} pt")  # fmt: skip
    return [sizes, fields]


def canaries(figures: dict[str, Any]) -> RenderableType:
    c = figures["canaries"]
    if not c["findings"]:
        return Text(f"Personal-data canaries: none found in {len(c['fields_checked'])} text "
                    f"fields ({', '.join(c['fields_checked'])}).")  # fmt: skip
    table = _table(f"Personal-data canaries: {c['findings']:,} findings in "
                   f"{c['records_with_findings']:,} records", "field", "kind", "findings",
                   "first records (0-based)")  # fmt: skip
    for row in c["by_field_and_kind"]:
        table.add_row(row["field"], row["kind"], f"{row['count']:,}",
                      ", ".join(map(str, row["first_records"])))  # fmt: skip
    return table


def places(figures: dict[str, Any]) -> RenderableType:
    p = figures["places"]
    table = _table("Places named, smallest first", "place", "level", "population", "records")
    table.caption = f"{p['countries']} countries, {p['regions']} regions, {p['cities']} cities"
    for row in p["places"][:SHOWN]:
        people = "unknown" if row["population"] is None else f"{row['population']:,}"
        table.add_row(row["place"], row["level"], people, f"{row['records']:,}",
                      style="red" if row["below_minimum"] else None)  # fmt: skip
    if len(p["places"]) > SHOWN:
        table.caption += f"; {len(p['places']) - SHOWN} larger places in --json"
    return table


def join_keys(figures: dict[str, Any]) -> RenderableType:
    j = figures["join_keys"]
    table = _table(f"Join keys across {j['site_days']} site-days", "field", "distinct values",
                   "rare value", "linked")  # fmt: skip
    table.caption = (f"rare: held by at most {j['rare_value_records']} records; linked: "
                     "rare and seen in another site-day too")  # fmt: skip
    for row in j["fields"][:SHOWN]:
        table.add_row(row["field"], f"{row['distinct_values']:,}", _pct(row["rare_share"]),
                      _pct(row["linked_share"]))  # fmt: skip
    return table


def provenance(figures: dict[str, Any]) -> RenderableType:
    table = _table("Provenance: what made these records", "field", "value", "records")
    for name, counts in figures["provenance"].items():
        for value, n in counts.items():
            table.add_row(name, value, f"{n:,}")
    return table


def verdict(checks: list[Check]) -> list[RenderableType]:
    table = _table("Limits of the policy's \\[audit] table", "limit", "allowed", "measured",
                   "verdict")  # fmt: skip
    for check in checks:
        table.add_row(check.name, check.limit, check.measured,
                      Text("CROSSED", "bold red") if check.crossed else Text("ok", "green"))  # fmt: skip
    crossed = [c.sentence() for c in checks if c.crossed]
    said = Text("\n".join(crossed), "red") if crossed else Text("Within every limit.", "green")
    return [table, said]


def report(source: str, policy: str, figures: dict[str, Any], checks: list[Check]) -> Group:
    """The whole report: what was read, each figure, and the verdict."""
    head = Text(f"Audit of {source}: {figures['records']:,} records, "
                f"{len(figures['uniqueness']['site_days'])} site-days, policy {policy}",
                style="bold")  # fmt: skip
    parts: list[RenderableType] = [head, *uniqueness(figures), canaries(figures),
                                   places(figures), join_keys(figures), provenance(figures),
                                   *verdict(checks)]  # fmt: skip
    spaced: list[RenderableType] = []
    for part in parts:
        spaced += [part, Text("")]
    return Group(*spaced[:-1])
