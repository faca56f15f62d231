"""Helpers of the reader tests: real engine output over generated traffic, written as files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.core import Engine
from pipeline.core.engine import Record
from pipeline.dev.traffic import TrafficGenerator
from pipeline.offline.writers import AvroContainer, JsonlRecords
from pipeline.secrets.ephemeral import EphemeralDays


def engine_output(count: int, seed: int = 7) -> tuple[Engine, list[Record]]:
    """The engine and its records for `count` clean generated events."""
    engine = Engine()
    payloads = TrafficGenerator(seed=seed, garbage=0.0).payloads(count)
    result = engine.process(payloads, EphemeralDays())
    assert len(result.records) == count
    return engine, list(result.records)


def as_dicts(engine: Engine, records: list[Record]) -> list[dict[str, Any]]:
    return [engine.as_dict(r) for r in records]


def write_jsonl(path: Path, engine: Engine, records: list[Record], batch: int = 300) -> None:
    with open(path, "wb") as fh:
        writer = JsonlRecords(fh, engine)
        for i in range(0, len(records), batch):
            writer.write(records[i : i + batch])
        writer.close()


def write_avro(path: Path, engine: Engine, records: list[Record], batch: int = 300) -> None:
    with open(path, "wb") as fh:
        writer = AvroContainer(fh, engine.schema)
        for i in range(0, len(records), batch):
            writer.write(records[i : i + batch])
        writer.close()
