"""Places: every country, region and city named, with its population, smallest first."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.audit.places import GeoNamesPopulations, Places
from pipeline.core.geo_population import country_populations, region_floors
from tests.audit.audit_records import record


@dataclass
class Table:
    """Populations from hand-made tables."""

    countries: dict[str, int] = field(default_factory=dict)
    regions: dict[str, int] = field(default_factory=dict)
    cities: dict[tuple[str, str], int] = field(default_factory=dict)

    def country(self, code: str) -> int | None:
        return self.countries.get(code)

    def region(self, code: str) -> int | None:
        return self.regions.get(code)

    def city(self, country: str, name: str) -> int | None:
        return self.cities.get((country, name))


def _figures(records: list[dict], populations: Table | GeoNamesPopulations, minimum: int) -> dict:
    places = Places()
    for r in records:
        places.add(r)
    return places.figures(populations, minimum)


def test_places_come_smallest_first_with_records_and_minimum() -> None:
    records = [
        record(country="JP", region="JP-13", city=None),
        record(country="JP", region="JP-13", city=None),
        record(country="FR", region="FR-IDF", city="Paris"),
        record(country="FR", region="FR-XX", city="Hamlet"),
        record(country="AA", region=None, city=None),
    ]
    table = Table(countries={"JP": 1000, "FR": 700, "AA": 10}, regions={"JP-13": 500},
                  cities={("FR", "Paris"): 300})  # fmt: skip
    figures = _figures(records, table, 100)
    rows = [(p["level"], p["place"], p["records"], p["population"], p["below_minimum"])
            for p in figures["places"]]  # fmt: skip
    assert rows == [
        ("city", "Hamlet (FR-XX)", 1, None, True),  # unknown: nothing vouches for it
        ("region", "FR-XX", 1, None, True),
        ("country", "AA", 1, 10, True),
        ("city", "Paris (FR-IDF)", 1, 300, False),
        ("region", "FR-IDF", 1, 300, False),  # no floor of its own: the big city it holds
        ("region", "JP-13", 2, 500, False),
        ("country", "FR", 2, 700, False),
        ("country", "JP", 2, 1000, False),
    ]
    assert (figures["countries"], figures["regions"], figures["cities"]) == (3, 3, 2)
    assert figures["below_minimum"] == 3


def test_populations_are_the_engines_geonames_data() -> None:
    records = [
        record(country="JP", region="JP-13", city=None),
        record(country="FR", region="FR-IDF", city="Paris"),
        record(country="DE", region="DE-NW", city="Cologne"),
        record(country="JP", region="JP-13", city="Nowhere-Under-This-Name"),
    ]
    rows = {p["place"]: p for p in _figures(records, GeoNamesPopulations(), 15_000)["places"]}
    assert rows["JP"]["population"] == country_populations()["JP"] > 100_000_000
    assert rows["JP-13"]["population"] == region_floors()["JP-13"] > 5_000_000
    assert rows["Paris (FR-IDF)"]["population"] > 2_000_000
    assert rows["Cologne (DE-NW)"]["population"] > 900_000
    assert rows["Nowhere-Under-This-Name (JP-13)"]["population"] is None
    assert [p["below_minimum"] for p in rows.values()].count(True) == 1
