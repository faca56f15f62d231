"""Benchmark: what anonymization costs the analytics, and what it buys, side by side.

Generated traffic with known truth (conversion rates set per variant, hot spots set per page)
goes through the engine in-process (ephemeral day keys, one holder for the run). The same
analytics then run on the raw input (its client address found as the engine finds it, held as
a digest) and on the anonymized output:

  utility   visitors per site and UTC day; per experiment and variant: visitors exposed,
            converted, rate; heatmap events, visitors and total-variation distance per
            viewport class;
  privacy   uniqueness of the policy's quasi-identifier tuple per site-day (the audit's
            measure), on the raw fields (exact viewport, full user agent, GeoLite2 place of the
            raw address with cities everywhere) and on the output's.

    python perf/bench_utility.py [--events 200000] [--days 3] [--seed 11]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterable
from typing import Any

import geoip2.database
import geoip2.errors
import orjson
from _maxminddb_geolite2 import geolite2_database

from pipeline.analytics.abtest import Attribution
from pipeline.analytics.heatmap import Heatmap, class_label, total_variation
from pipeline.analytics.raw import RawView
from pipeline.analytics.units import visitors_per_site_day
from pipeline.core import Engine
from pipeline.dev.traffic import TrafficGenerator, experiments
from pipeline.secrets.ephemeral import EphemeralDays

BATCH = 10_000
PAGES = (("site-0001", "/products/*"), ("site-0002", "/cart"))


def generate(events: int, days: int, seed: int) -> list[bytes]:
    rate = events / (days * 86_400 * 0.98)
    gen = TrafficGenerator(seed, garbage=0.0, events_per_second=rate, diurnal=True)
    return gen.payloads(events)


def anonymize(payloads: list[bytes]) -> tuple[list[dict[str, Any]], float]:
    engine, days = Engine(), EphemeralDays()
    started = time.perf_counter()
    out: list[dict[str, Any]] = []
    for start in range(0, len(payloads), BATCH):
        result = engine.process(payloads[start : start + BATCH], days)
        out += [engine.as_dict(r) for r in result.records]
    return out, time.perf_counter() - started


def raw_records(payloads: list[bytes]) -> list[dict[str, Any]]:
    """Raw events in the output's shape, with the raw address's GeoLite2 place (no floors)."""
    view = RawView()
    out = []
    with geoip2.database.Reader(geolite2_database()) as reader:
        places: dict[Any, tuple[str | None, str | None, str | None]] = {}
        for payload in payloads:
            event = orjson.loads(payload)
            record = view.record(event)
            client = view.client(event)
            if client not in places:
                try:
                    city = reader.city(str(client)) if client is not None else None
                except geoip2.errors.AddressNotFoundError:
                    city = None
                sub = city.subdivisions[0].iso_code if city and city.subdivisions else None
                places[client] = (
                    (city.country.iso_code, sub, city.city.name) if city else (None,) * 3
                )
            record["country"], record["region"], record["city"] = places[client]
            out.append(record)
    return out


def row(label: str, raw: object, out: object) -> None:
    print(f"  {label:<58} {raw!s:>16} {out!s:>16}")


def uniqueness(records: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    """The audit's uniqueness figures (None when the audit module is not there)."""
    try:
        from pipeline.audit.groups import site_day
        from pipeline.audit.uniqueness import Uniqueness
        from pipeline.core.policy import load_policy
    except ImportError:
        return None
    rules = load_policy().audit
    if rules is None:
        return None
    measure = Uniqueness(rules.quasi_identifiers)
    for record in records:
        measure.add(site_day(record), record)
    return measure.figures()["overall"]


def report(raw: list[dict[str, Any]], out: list[dict[str, Any]]) -> None:
    print(f"  {'':<58} {'raw input':>16} {'output':>16}")
    vr, vo = visitors_per_site_day(raw), visitors_per_site_day(out)
    row("site-days", len(vr), len(vo))
    row("visitors (site, UTC day, visitor key), summed", sum(vr.values()), sum(vo.values()))
    row("site-days whose visitor count differs", "", sum(vr[k] != vo.get(k) for k in vr))
    for exp in experiments.EXPERIMENTS:
        a = Attribution(exp.experiment_id, exp.goal).add_all(raw).result(exp.control)
        b = Attribution(exp.experiment_id, exp.goal).add_all(out).result(exp.control)
        for va, vb in zip(a.variants, b.variants, strict=True):
            label = f"{exp.experiment_id} {va.variant} (set {exp.rate(va.variant):.0%})"
            row(label, f"{va.converted}/{va.exposed} {va.rate:.2%}",
                f"{vb.converted}/{vb.exposed} {vb.rate:.2%}")  # fmt: skip
    for site, path in PAGES:
        pa = Heatmap(site, path).add_all(raw).panels()
        pb = {p.name: p for p in Heatmap(site, path).add_all(out).panels()}
        for p in pa:
            q = pb[p.name]
            label = f"heatmap {site} {path} {class_label(p.name)}"
            row(label, f"{p.events}/{p.visitors}", f"{q.events}/{q.visitors}")
            row(
                "  total variation distance of the cell densities",
                "",
                f"{total_variation(p, q):.4f}",
            )
    ur, uo = uniqueness(raw), uniqueness(out)
    if ur is None or uo is None:
        print("  (uniqueness: the audit module is not there)")
        return
    row("records unique on the quasi-identifiers (site-day)", f"{ur['unique_share']:.1%}",
        f"{uo['unique_share']:.1%}")  # fmt: skip
    row("records in classes below 5", f"{ur['below_5_share']:.1%}", f"{uo['below_5_share']:.1%}")
    row("records in classes below 10", f"{ur['below_10_share']:.1%}", f"{uo['below_10_share']:.1%}")
    row("visitors with a tuple no other visitor has", f"{ur['unique_visitor_share']:.1%}",
        f"{uo['unique_visitor_share']:.1%}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    payloads = generate(args.events, args.days, args.seed)
    out, seconds = anonymize(payloads)
    raw = raw_records(payloads)
    print(f"utility and privacy on {len(payloads):,} generated events over {args.days} days "
          f"(seed {args.seed}); engine {len(payloads) / seconds:,.0f} events/s; "
          f"{len(out):,} records out")  # fmt: skip
    report(raw, out)


if __name__ == "__main__":
    main()
