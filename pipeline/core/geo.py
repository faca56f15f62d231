"""Geography from a MaxMind-format database, generalized: country, region and city, each only
when it has at least the policy's minimum of people (see `geo_population`)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import maxminddb

from pipeline.core.client_ip import IP
from pipeline.core.geo_population import city_populations, country_populations, region_floors
from pipeline.errors import ConfigError

Geo = tuple[str | None, str | None, str | None]  # country, region, city
UNKNOWN: Geo = (None, None, None)


def default_database() -> Path:
    """GeoLite2-City as shipped by the PyPI package maxminddb-geolite2 (2018 build)."""
    from _maxminddb_geolite2 import geolite2_database

    return Path(geolite2_database())


@cache
def big_cities(min_population: int) -> frozenset[int]:
    """GeoNames ids of cities with at least `min_population` people (GeoNames cities15000)."""
    return frozenset(i for i, people in city_populations().items() if people >= min_population)


@cache
def big_countries(min_population: int) -> frozenset[str]:
    """ISO codes of countries with at least `min_population` people (GeoNames)."""
    return frozenset(c for c, people in country_populations().items() if people >= min_population)


@cache
def big_regions(min_population: int) -> frozenset[str]:
    """ISO 3166-2 codes of regions known to have at least `min_population` people."""
    return frozenset(r for r, floor in region_floors().items() if floor >= min_population)


class GeoResolver:
    """Looks an address up and keeps only what the policy allows."""

    def __init__(
        self,
        path: Path | None,
        *,
        min_city_population: int,
        no_city_countries: frozenset[str],
        cache_size: int = 1 << 16,
    ) -> None:
        path = path or default_database()
        if not path.is_file():
            raise ConfigError(f"GeoIP database not found: {path}")
        try:
            self._reader = maxminddb.open_database(str(path), maxminddb.MODE_MMAP_EXT)
        except (ValueError, maxminddb.InvalidDatabaseError, OSError) as exc:
            raise ConfigError(f"cannot open GeoIP database {path}: {exc}") from None
        meta = self._reader.metadata()
        if "City" not in meta.database_type:
            raise ConfigError(
                f"{path} is a {meta.database_type} database; a City database is needed"
            )
        built = datetime.fromtimestamp(meta.build_epoch, UTC)
        self.build = f"{meta.database_type}@{built:%Y-%m-%d}"
        self.built_at = built
        self._cities = big_cities(min_city_population)
        self._countries = big_countries(min_city_population)
        self._regions = big_regions(min_city_population)
        self._no_city = no_city_countries
        self.lookup = lru_cache(maxsize=cache_size)(self._lookup)

    def _lookup(self, ip: IP) -> Geo:
        try:
            record = self._reader.get(ip)
        except ValueError:
            return UNKNOWN
        if not isinstance(record, dict):
            return UNKNOWN
        return self.generalize(record)

    def generalize(self, record: dict[str, Any]) -> Geo:
        """Country, ISO 3166-2 region and city of one MaxMind City record, each big enough.

        A country or region of unknown population is not named (fail closed). A region that
        holds a big-enough city has at least that city's people, so it is named too."""
        country = (record.get("country") or {}).get("iso_code")
        if not country or country not in self._countries:
            return UNKNOWN  # the region's code would name the country too
        city_record = record.get("city") or {}
        big_city = city_record.get("geoname_id") in self._cities
        region = None
        subdivisions = record.get("subdivisions") or ()
        if subdivisions and subdivisions[0].get("iso_code"):
            region = f"{country}-{subdivisions[0]['iso_code']}"
            if region not in self._regions and not big_city:
                region = None
        city = None
        if big_city and country not in self._no_city:
            city = (city_record.get("names") or {}).get("en")
        return country, region, city

    def close(self) -> None:
        self._reader.close()
