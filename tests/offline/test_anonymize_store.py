"""`anonymizer anonymize --day-secrets store` on the real broker: the workers' day secrets, so the
output equals the worker's, is a pure function of the input, and its dead letters can be opened."""

from __future__ import annotations

import base64
import time
from datetime import datetime
from pathlib import Path

import fastavro
import orjson
import pytest

from pipeline.cli.main import main
from pipeline.config.kafka import KafkaSettings
from pipeline.core import Engine
from pipeline.core.keys import KeyRing
from pipeline.core.seal import unseal
from pipeline.dev.traffic import TrafficGenerator
from pipeline.kafka.leaders import wait_for_leaders
from pipeline.secrets.access import open_store

pytestmark = pytest.mark.kafka
KEYS = "s1:" + base64.b64encode(bytes(range(2, 34))).decode()
RING = KeyRing.parse(KEYS)


def _point_at(monkeypatch: pytest.MonkeyPatch, settings: KafkaSettings) -> None:
    monkeypatch.setenv("ANONYMIZER_KEYS", KEYS)
    monkeypatch.setenv("ANONYMIZER_BOOTSTRAP_SERVERS", settings.bootstrap_servers)
    monkeypatch.setenv("ANONYMIZER_DAY_SECRETS_TOPIC", settings.day_secrets_topic)
    monkeypatch.setenv("ANONYMIZER_GROUP_ID", settings.group_id)


def _anonymize(tmp_path: Path, path: Path, name: str, *extra: str) -> tuple[Path, Path]:
    out, rej = tmp_path / f"{name}.out", tmp_path / f"{name}.rej"
    args = ["anonymize", "-i", str(path), "-o", str(out), "-r", str(rej), "--quiet"]
    assert main([*args, "--day-secrets", "store", *extra]) == 0
    return out, rej


def _but_when(rejects: Path) -> list[dict]:
    """Dead letters without the time they were written."""
    return [{**orjson.loads(x), "rejected_at": 0} for x in rejects.read_bytes().splitlines()]


def test_store_mode_equals_the_worker_and_opens_its_dead_letters(
    kafka_topics: KafkaSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _point_at(monkeypatch, kafka_topics)
    wait_for_leaders(kafka_topics, [kafka_topics.day_secrets_topic])
    start = int(time.time() * 1000) - 3_600_000  # inside the window
    events = list(TrafficGenerator(seed=3, garbage=0.1, start_ms=start).events(1500))
    old = list(TrafficGenerator(seed=4, garbage=0.0).events(20))  # 2025-11-24: long destroyed
    path = tmp_path / "raw.jsonl"
    path.write_bytes(b"".join(e.payload + b"\n" for e in [*events, *old]))

    out_a, rej_a = _anonymize(tmp_path, path, "a")
    out_b, rej_b = _anonymize(tmp_path, path, "b")
    assert out_a.read_bytes() == out_b.read_bytes()  # a pure function of input and the store
    assert _but_when(rej_a) == _but_when(rej_b)  # seals too

    with open_store(kafka_topics, RING) as store:
        held, opened = store.held(), store.lookup()
    expected = Engine().process([e.payload for e in [*events, *old]], held)  # as the worker
    records = [orjson.loads(x) for x in out_a.read_bytes().splitlines()]
    assert records == [Engine().as_dict(r) for r in expected.records]
    assert len(records) == sum(not e.garbage for e in events)

    lines = path.read_bytes().splitlines()
    dead = [orjson.loads(x) for x in rej_a.read_bytes().splitlines()]
    for letter in dead:
        sealed = base64.b64decode(letter["sealed_payload"])
        assert unseal(opened, letter["key_id"], sealed) == lines[letter["source_offset"]]
    old_dead = [d for d in dead if d["source_offset"] >= len(events)]
    assert [(d["reason"], d["field"], d["step"]) for d in old_dead] == [
        ("out_of_range", "event_time", "find_day_key")
    ] * len(old)

    out_avro, _ = _anonymize(tmp_path, path, "avro", "--format", "avro")
    with out_avro.open("rb") as fh:
        from_avro = [{k: round(v.timestamp() * 1000) if isinstance(v, datetime) else v
                      for k, v in r.items()} for r in fastavro.reader(fh)]  # fmt: skip
    assert from_avro == records


def test_store_mode_without_the_store_topic_says_how_to_make_it(
    kafka_settings: KafkaSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    _point_at(monkeypatch, kafka_settings)  # the topics of this test were never created
    path = tmp_path / "raw.jsonl"
    path.write_bytes(TrafficGenerator(seed=1).payloads(1)[0] + b"\n")
    args = ["anonymize", "-i", str(path), "-o", str(tmp_path / "o"), "-r", str(tmp_path / "r")]
    assert main([*args, "--day-secrets", "store"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert kafka_settings.day_secrets_topic in err and "anonymizer topics apply" in err
