"""Same batch, same key and database: byte-identical records and sealed rejects; records decode."""

from __future__ import annotations

import io

import fastavro
from fastavro.schema import fingerprint, parse_schema, to_parsing_canonical_form

from pipeline.codec.schemas import ANONYMIZED, load_schema
from pipeline.codec.single_object import split
from pipeline.core import Engine
from pipeline.dev.traffic import TrafficGenerator
from tests.core.core_events import DAYS, SeededDays, dumps, valid_event


def _batch() -> list[bytes]:
    mixed = TrafficGenerator(11, garbage=0.3).payloads(400)
    return [*mixed, dumps(valid_event()), b"not json", dumps(valid_event(ip="11.3.7.9"))]


def test_processing_twice_gives_identical_output(test_db) -> None:
    batch = _batch()
    first = Engine(geoip=test_db).process(batch, DAYS)
    second = Engine(geoip=test_db).process(batch, DAYS)
    assert first.records and first.rejects
    assert first.records == second.records
    assert [(r.index, r.value, r.key) for r in first.records] == [
        (r.index, r.value, r.key) for r in second.records
    ]
    assert first.rejects == second.rejects
    assert [r.sealed for r in first.rejects] == [r.sealed for r in second.rejects]
    assert first.dropped == second.dropped


def test_another_key_changes_pseudonyms_and_seals(test_db) -> None:
    batch = _batch()
    a = Engine(geoip=test_db).process(batch, DAYS)
    b = Engine(geoip=test_db).process(batch, SeededDays("k2"))
    assert [r.index for r in a.records] == [r.index for r in b.records]
    assert all(x.value != y.value for x, y in zip(a.records, b.records, strict=True))
    assert all(x.sealed != y.sealed for x, y in zip(a.rejects, b.rejects, strict=True))


def test_records_are_single_object_encoded_and_fastavro_reads_them(engine: Engine) -> None:
    schema = load_schema(ANONYMIZED)
    expected_fp = fingerprint(to_parsing_canonical_form(schema), "CRC-64-AVRO")
    parsed = parse_schema(dict(schema))
    result = engine.process(_batch(), DAYS)
    assert result.records
    for record in result.records:
        fp, body = split(record.value)
        assert fp.hex() == expected_fp
        decoded = fastavro.schemaless_reader(io.BytesIO(body), parsed, None)
        out = engine.as_dict(record)
        for name, value in decoded.items():
            if name in ("event_time", "last_visit_time") and value is not None:
                value = round(value.timestamp() * 1000)
            assert value == out[name], name
