"""The generated tables in README.md and docs/ are current, the README's list of output fields is
the schema's, and the downstream-consumer example in docs/downstream.md really works."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest
from confluent_kafka import Producer

from pipeline.config import table as settings_table
from pipeline.config.kafka import KafkaSettings
from pipeline.core import Engine, policy_table
from pipeline.core.policy import load_policy
from pipeline.dev.traffic import TrafficGenerator
from pipeline.secrets.ephemeral import EphemeralDays

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
CONFIGURATION = ROOT / "docs" / "configuration.md"
DOWNSTREAM = ROOT / "docs" / "downstream.md"
OUTPUT_FIELDS = ("<!-- output-fields:start -->", "<!-- output-fields:end -->")


def _block(path: Path, start: str, end: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert start in text and end in text, f"{path.name} lacks {start} ... {end}"
    return text[text.index(start) : text.index(end) + len(end)]


def test_policy_table_is_the_packaged_policy() -> None:
    expected = policy_table.readme_block(load_policy())
    assert _block(README, policy_table.START, policy_table.END) == expected, (
        "paste `anonymizer policy`"
    )


def test_settings_table_lists_every_setting() -> None:
    block = _block(CONFIGURATION, settings_table.START, settings_table.END)
    assert block == settings_table.readme_block()


def test_the_readme_lists_every_output_field_once() -> None:
    schema = json.loads((ROOT / "avro" / "anonymized_web_event.v1.avsc").read_text())
    rows = _block(README, *OUTPUT_FIELDS).splitlines()[3:-1]  # the table's body
    listed = [name for row in rows for name in re.findall(r"`([a-z_]+)`", row.split("|")[2])]
    assert sorted(listed) == sorted(f["name"] for f in schema["fields"])


@pytest.mark.kafka
def test_the_downstream_consumer_example_decodes_the_worker_output(
    kafka_topics: KafkaSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = Engine()
    result = engine.process(TrafficGenerator(seed=4, garbage=0.0).payloads(50), EphemeralDays())
    producer = Producer(kafka_topics.producer_config(transactional_id="readme-example"))
    producer.init_transactions(30)
    producer.begin_transaction()
    for record in result.records:
        producer.produce(kafka_topics.anonymized_topic, key=record.key, value=record.value)
    producer.commit_transaction(30)

    text = DOWNSTREAM.read_text(encoding="utf-8")
    example = re.search(r"A downstream consumer.*?```python\n(.*?)```", text, re.S).group(1)
    example = example.replace("127.0.0.1:9092", kafka_topics.bootstrap_servers)
    example = example.replace('"web.events.anonymized"', repr(kafka_topics.anonymized_topic))
    example = example.replace("poll(10.0)", "poll(5.0)")
    monkeypatch.chdir(ROOT)  # the example opens avro/... from the repository's root
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(example, "docs/downstream.md example", "exec"), {})
    lines = printed.getvalue().splitlines()
    assert len(lines) == len(result.records) == 50
    values = [engine.as_dict(r) for r in result.records]
    expected = {
        f"{v['event_type']} {v['region']} {v['x']} {v['y']} {v['visitor_key']}" for v in values
    }
    assert set(lines) == expected
