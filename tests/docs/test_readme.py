"""The README's generated tables are current, and its downstream-consumer example really works."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from confluent_kafka import Producer

from pipeline import policy_table, settings_table
from pipeline.core import Engine
from pipeline.core.policy import load_policy
from pipeline.kafka.config import KafkaSettings
from pipeline.secrets.ephemeral import EphemeralDays
from pipeline.traffic import TrafficGenerator

README = Path(__file__).resolve().parents[2] / "README.md"
TEXT = README.read_text(encoding="utf-8")


def _block(start: str, end: str) -> str:
    assert start in TEXT and end in TEXT
    return TEXT[TEXT.index(start) : TEXT.index(end) + len(end)]


def test_policy_table_is_the_packaged_policy() -> None:
    expected = policy_table.readme_block(load_policy())
    assert _block(policy_table.START, policy_table.END) == expected, "paste `anonymizer policy`"


def test_settings_table_lists_every_setting() -> None:
    assert _block(settings_table.START, settings_table.END) == settings_table.readme_block()


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

    example = re.search(r"A downstream consumer.*?```python\n(.*?)```", TEXT, re.S).group(1)
    example = example.replace("127.0.0.1:9092", kafka_topics.bootstrap_servers)
    example = example.replace('"web.events.anonymized"', repr(kafka_topics.anonymized_topic))
    example = example.replace("poll(10.0)", "poll(5.0)")
    monkeypatch.chdir(README.parent)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(example, "README example", "exec"), {})
    lines = printed.getvalue().splitlines()
    assert len(lines) == len(result.records) == 50
    values = [engine.as_dict(r) for r in result.records]
    expected = {
        f"{v['event_type']} {v['region']} {v['x']} {v['y']} {v['visitor_key']}" for v in values
    }
    assert set(lines) == expected
