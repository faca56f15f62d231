"""When a day leaves the personal-data window, no command of the project can open its dead letters
or recompute its pseudonyms: shown on the real broker with the clock moved past the destruction."""

from __future__ import annotations

import io
import time
from pathlib import Path

import orjson
import pytest

from pipeline.cli.main import main
from pipeline.codec.dead_letter import DeadLetterCodec, dead_letter
from pipeline.config.kafka import KafkaSettings
from pipeline.core import Engine
from pipeline.dev.traffic import TrafficGenerator
from pipeline.errors import UsageError
from pipeline.offline.run import anonymize_stream
from pipeline.offline.writers import JsonlRecords, JsonlRejects
from pipeline.secrets.access import STORE, day_keys, open_store
from pipeline.secrets.days import day_of, destroy_at
from pipeline.tools.inspect_records import peek
from pipeline.tools.redrive import redrive
from pipeline.tools.replay import replay
from tests.tools.tools_kafka import RING, Clock, point_env_at, produce, read_all, store_held

pytestmark = pytest.mark.kafka
SHREDDED_LINE = "dead letters shredded: their day left the personal-data window"


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch, kafka_topics: KafkaSettings) -> None:
    point_env_at(monkeypatch, kafka_topics)


def _states(settings: KafkaSettings, clock: Clock | None = None) -> list[str]:
    rows = peek(settings, "dead-letter", None, None, 10**6, **({"clock": clock} if clock else {}))
    return [r["payload"] for r in rows]


def test_after_its_day_leaves_the_window_no_command_can_open_or_recompute_it(
    kafka_topics: KafkaSettings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings, engine = kafka_topics, Engine()
    base = int(time.time() * 1000) - 3_600_000
    events = list(TrafficGenerator(seed=8, garbage=0.2, start_ms=base).events(200))
    stamps = [base + i * 100 for i in range(len(events))]
    payloads = [e.payload for e in events]
    produce(settings, settings.raw_topic, payloads, stamps)
    # What the worker wrote: records under the store's day keys, rejects sealed by arrival day.
    made = engine.process(payloads, store_held(settings), arrival_ms=stamps)
    codec = DeadLetterCodec()
    letters = [codec.encode(dead_letter(r, policy_version="p", rejected_at_ms=stamps[r.index],
                                        offset=r.index, topic=settings.raw_topic, partition=0))
               for r in made.rejects]  # fmt: skip
    produce(settings, settings.dead_letter_topic, letters, [stamps[r.index] for r in made.rejects])
    used = {r.key_id for r in made.rejects} | {engine.as_dict(r)["key_id"] for r in made.records}
    days = {day_of(s) for s in stamps} | {day_of(orjson.loads(e.payload)["event_time"])
                                          for e in events if not e.garbage}  # fmt: skip
    later = Clock(max(destroy_at(d, settings.replay_window_ms) for d in days) + 60_000)
    assert made.records and len(letters) > 10

    # Within the window the dead letters are readable; past it, shredded, by the store's list.
    assert set(_states(settings)) == {"readable"}
    assert _states(settings, later) == ["shredded"] * len(letters)

    # Re-drive counts them as shredded, never an error, and re-drives none.
    tried = redrive(settings, RING, dry_run=True, clock=later)
    assert (tried.examined, tried.shredded, tried.total) == (len(letters), len(letters), 0)

    # Replay of that day is refused, clearly.
    out = JsonlRecords(io.BytesIO(), engine)
    with pytest.raises(UsageError, match=r"day secret of \d{4}-\d\d-\d\d was destroyed at"):
        replay(engine, settings, RING, base, None, out, JsonlRejects(io.BytesIO()), clock=later)

    # The offline tool on the store rejects its events: no secret, no pseudonym (this destroys
    # the day in the store: its proposals get tombstones).
    records, rejects = io.BytesIO(), io.BytesIO()
    with day_keys(STORE, settings, RING, clock=later) as held:
        summary = anonymize_stream(engine, io.BytesIO(b"\n".join(payloads)),
                                   JsonlRecords(records, engine), JsonlRejects(rejects), held)  # fmt: skip
    assert summary.records_in == len(events) and summary.records_out == 0
    dead = [orjson.loads(x) for x in rejects.getvalue().splitlines()]
    valid = [i for i, e in enumerate(events) if not e.garbage]
    assert all((dead[i]["reason"], dead[i]["field"]) == ("out_of_range", "event_time")
               for i in valid)  # fmt: skip

    # The store has destroyed them: even at the real time, no key they were made under is held,
    # so the commands (on the real clock) see the dead letters as shredded too.
    with open_store(settings, RING) as store:
        assert not used & set(store.lookup())
    assert main(["dead-letters", "list"]) == 0
    assert f"{len(letters)} {SHREDDED_LINE}" in capsys.readouterr().err
    assert main(["dead-letters", "redrive"]) == 0
    err = capsys.readouterr().err
    assert f"shredded {len(letters)}" in err and f"{len(letters)} {SHREDDED_LINE}" in err
    assert main(["dead-letters", "redrive"]) == 0  # the cursor moved past them: no loop
    assert "examined 0;" in capsys.readouterr().err
    assert len(read_all(settings, settings.raw_topic)) == len(events)  # nothing re-driven
