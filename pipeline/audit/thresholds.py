"""The policy's limits checked against the figures: each limit measured, each crossing in words."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from pipeline.core.audit_rules import AuditRules


@dataclass(frozen=True, slots=True)
class Check:
    """One limit of the policy's `[audit]` table against what was measured."""

    name: str
    limit: str
    measured: str
    crossed: bool
    why: str  # what the measured figure means, said when it is crossed

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def sentence(self) -> str:
        return f"{self.name} = {self.limit} crossed: {self.why}"


def _pct(x: float) -> str:
    return f"{x:.2%}"


def checks(figures: dict[str, Any], rules: AuditRules) -> list[Check]:
    """Every limit the rules set, in a fixed order, measured on `figures`."""
    out = []
    canaries = figures["canaries"]
    if rules.max_canaries is not None:
        kinds = ", ".join(f"{k} {n}" for k, n in canaries["by_kind"].items())
        out.append(Check("max_canaries", str(rules.max_canaries), str(canaries["findings"]),
                         canaries["findings"] > rules.max_canaries,
                         f"{canaries['findings']} personal-data findings in the output ({kinds})"))  # fmt: skip
    overall = figures["uniqueness"]["overall"]
    if rules.max_unique_share is not None:
        unique = overall["unique_share"]
        out.append(Check("max_unique_share", _pct(rules.max_unique_share), _pct(unique),
                         unique > rules.max_unique_share,
                         f"{_pct(unique)} of records have a quasi-identifier tuple that no "
                         "other record of their site-day has"))  # fmt: skip
    if rules.max_unique_visitor_share is not None:
        visitors = overall["unique_visitor_share"]
        out.append(Check("max_unique_visitor_share", _pct(rules.max_unique_visitor_share),
                         _pct(visitors), visitors > rules.max_unique_visitor_share,
                         f"{_pct(visitors)} of visitors have a quasi-identifier tuple that no "
                         "other visitor of their site-day shares"))  # fmt: skip
    if rules.max_join_share is not None:
        rows = figures["join_keys"]["fields"]
        worst = max(rows, key=lambda r: r["linked_share"], default=None)
        linked = worst["linked_share"] if worst else 0.0
        over = [r for r in rows if r["linked_share"] > rules.max_join_share]
        said = ", ".join(f"{r['field']} links {_pct(r['linked_share'])}" for r in over)
        out.append(Check("max_join_share", _pct(rules.max_join_share),
                         f"{_pct(linked)} ({worst['field']})" if worst else _pct(0.0),
                         bool(over), f"{said or 'no field links more'} of records across "
                         "site-days"))  # fmt: skip
    if rules.min_place_population is not None:
        places = figures["places"]
        small = [p["place"] for p in places["places"] if p["below_minimum"]]
        smallest = places["places"][0] if places["places"] else None
        measured = (f"{smallest['population'] or 0:,} ({smallest['place']})" if smallest
                    else "no places")  # fmt: skip
        out.append(Check("min_place_population", f"{rules.min_place_population:,}", measured,
                         bool(small), f"{len(small)} places named with fewer or unknown people "
                         f"({', '.join(small[:5])}{', ...' if len(small) > 5 else ''})"))  # fmt: skip
    return out
