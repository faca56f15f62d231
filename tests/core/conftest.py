"""Shared fixtures of the privacy-engine tests: a key ring, a test GeoIP database, engines."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.core import Engine
from pipeline.core.keys import KeyRing
from tests.core import geo_db
from tests.core.core_events import make_ring


@pytest.fixture(scope="session")
def test_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return geo_db.build(tmp_path_factory.mktemp("geoip") / "test-city.mmdb")


@pytest.fixture(scope="session")
def ring() -> KeyRing:
    return make_ring("k1")


@pytest.fixture(scope="session")
def engine(ring: KeyRing, test_db: Path) -> Engine:
    return Engine(geoip=test_db)
