"""Replay, inspect and dead-letter re-drive against the real broker, under the store's day keys."""

from __future__ import annotations

import base64
import time
from pathlib import Path

import orjson
import pytest

from pipeline.cli.main import main
from pipeline.codec.dead_letter import DeadLetterCodec, dead_letter
from pipeline.codec.decoder import SingleObjectDecoder
from pipeline.codec.schemas import DEAD_LETTER
from pipeline.config.kafka import KafkaSettings
from pipeline.core import Engine
from pipeline.core.day_keys import DAY_MS, day_of_key_id
from pipeline.core.engine import Reject
from pipeline.core.reasons import Reason
from pipeline.core.seal import Sealer
from pipeline.dev.traffic import TrafficGenerator
from pipeline.secrets.days import day_of
from tests.tools.tools_kafka import RING, point_env_at, produce, read_all, store_held

pytestmark = pytest.mark.kafka


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch, kafka_topics: KafkaSettings) -> None:
    point_env_at(monkeypatch, kafka_topics)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_replay_within_the_window_reproduces_the_worker_byte_for_byte(
    kafka_topics: KafkaSettings, tmp_path: Path
) -> None:
    now = int(time.time() * 1000)
    base = now - 3_600_000  # Kafka refuses timestamps far in the future
    # Events of the day before they arrive: records are made under the key of the event's day,
    # dead letters sealed under the key of the day the raw record arrived.
    events = list(TrafficGenerator(seed=11, garbage=0.1, start_ms=base - DAY_MS).events(900))
    stamps = [base + i * 1000 for i in range(len(events))]  # one per second
    produce(kafka_topics, kafka_topics.raw_topic, [e.payload for e in events], stamps)
    start, end = base + 300_000, base + 600_000  # the middle third, by record time
    out, rej = tmp_path / "replay.jsonl", tmp_path / "replay.rej"
    args = ["replay", "--from", str(start), "--to", str(end), "-o", str(out), "-r", str(rej), "-q"]
    assert main(args) == 0
    chosen, arrivals = events[300:600], stamps[300:600]
    replayed = [orjson.loads(x) for x in out.read_bytes().splitlines()]
    dead = [orjson.loads(x) for x in rej.read_bytes().splitlines()]
    assert len(replayed) + len(dead) == len(chosen)

    # What the worker makes of the same records: the store's day keys, Kafka times as arrivals.
    held = store_held(kafka_topics)
    engine = Engine()
    expected = engine.process([e.payload for e in chosen], held, arrival_ms=arrivals)
    by_id = {r["event_id"]: r for r in replayed}  # partitions are read in parallel
    assert by_id == {engine.as_dict(r)["event_id"]: engine.as_dict(r) for r in expected.records}
    assert len(by_id) == len(replayed)
    got = sorted((d["reason"], d["key_id"], d["payload_size"], d["sealed_payload"]) for d in dead)
    want = sorted((r.reason.value, r.key_id, r.payload_size, _b64(r.sealed))
                  for r in expected.rejects)  # fmt: skip
    assert got == want and got
    valid_days = {day_of(orjson.loads(e.payload)["event_time"]) for e in chosen if not e.garbage}
    assert {r["key_id"] for r in replayed} == {held.keys[d].key_id for d in valid_days}
    assert {d["key_id"] for d in dead} <= {held.keys[day_of(a)].key_id for a in arrivals}
    assert all(start <= d["event_time"] < end for d in dead)
    assert all(d["source_topic"] == kafka_topics.raw_topic for d in dead)


def test_redrive_sends_each_dead_letter_back_once(kafka_topics: KafkaSettings, capsys) -> None:
    garbage = [e for e in TrafficGenerator(seed=5, garbage=1.0).events(300)]
    result = Engine().process([g.payload for g in garbage], store_held(kafka_topics))
    assert all(day_of_key_id(r.key_id) == day_of(int(time.time() * 1000)) for r in result.rejects)
    # A dead letter of an older release, sealed under the master key: opened with the ring.
    old = Sealer(RING.active)
    older = Reject(0, Reason.NOT_JSON, None, "decode", old.key_id, 0, old.seal(b"older release"))
    codec = DeadLetterCodec()
    letters = [
        codec.encode(dead_letter(r, policy_version="web-events/1", rejected_at_ms=1,
                                 offset=r.index, topic="raw", partition=0))
        for r in [*result.rejects, older]
    ]  # fmt: skip
    assert len(letters) == len(garbage) + 1
    now = int(time.time() * 1000)
    produce(kafka_topics, kafka_topics.dead_letter_topic, letters, [now] * len(letters))

    assert main(["dead-letters", "redrive", "--reason", "not_json", "--dry-run"]) == 0
    err = capsys.readouterr().err
    assert "would re-drive" in err and "shredded 0" in err
    assert read_all(kafka_topics, kafka_topics.raw_topic) == []

    assert main(["dead-letters", "redrive", "--reason", "not_json"]) == 0
    assert main(["dead-letters", "redrive", "--reason", "not_json"]) == 0  # the cursor moved on
    assert "examined 0;" in capsys.readouterr().err
    raw = read_all(kafka_topics, kafka_topics.raw_topic)
    wanted = sorted(
        [garbage[r.index].payload for r in result.rejects if r.reason.value == "not_json"]
        + [b"older release"]
    )
    assert len(wanted) > 1 and sorted(m.value() for m in raw) == wanted
    assert all(dict(m.headers())["redrive-reason"] == b"not_json" for m in raw)


def test_dead_letters_list_and_inspect_show_no_sealed_bytes(
    kafka_topics: KafkaSettings, capsys
) -> None:
    result = Engine().process([b"not json at all", b"[1,2]"], store_held(kafka_topics))
    codec = DeadLetterCodec()
    letters = [codec.encode(dead_letter(r, policy_version="p", rejected_at_ms=1, offset=r.index))
               for r in result.rejects]  # fmt: skip
    produce(kafka_topics, kafka_topics.dead_letter_topic, letters, [int(time.time() * 1000)] * 2)
    assert main(["dead-letters", "list", "--json"]) == 0
    captured = capsys.readouterr()
    rows = [orjson.loads(line) for line in captured.out.splitlines()]
    assert sorted(r["reason"] for r in rows) == ["not_an_object", "not_json"]
    assert all(r["sealed_payload"].startswith("<") for r in rows)
    assert [r["payload"] for r in rows] == ["readable", "readable"]  # today's secret is held
    assert "not json at all" not in captured.out + captured.err
    assert "shredded" not in captured.err
    assert main(["inspect", "--topic", "dead-letter", "--limit", "1"]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert len(shown) == 1 and orjson.loads(shown[0])["payload"] == "readable"
    decoder = SingleObjectDecoder(DEAD_LETTER)
    assert decoder.decode(letters[0])["reason"] == "not_json"
