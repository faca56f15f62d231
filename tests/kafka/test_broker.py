"""The embedded broker: ready, port conflicts, restart and data kept across runs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, NewTopic

from pipeline.errors import ConfigError
from pipeline.kafka.broker import EmbeddedBroker

pytestmark = pytest.mark.kafka


def _create(bootstrap: str, topic: str) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(topic, 2, 1)])[topic].result(timeout=30)


def _produce(bootstrap: str, topic: str, n: int) -> None:
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all"})
    for i in range(n):
        producer.produce(topic, key=str(i).encode(), value=f"event-{i}".encode())
    assert producer.flush(30) == 0


def _consume_all(bootstrap: str, topic: str, n: int, timeout: float = 30) -> list[bytes]:
    consumer = Consumer(
        {"bootstrap.servers": bootstrap, "group.id": f"g-{time.monotonic_ns()}",
         "auto.offset.reset": "earliest", "enable.auto.commit": False}
    )  # fmt: skip
    consumer.subscribe([topic])
    values: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while len(values) < n and time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is not None and msg.error() is None:
                values.append(msg.value())
    finally:
        consumer.close()
    return values


def test_session_broker_is_ready(kafka_broker: EmbeddedBroker) -> None:
    assert kafka_broker.running and kafka_broker.pid
    assert kafka_broker.bootstrap == f"127.0.0.1:{kafka_broker.port}"
    metadata = AdminClient({"bootstrap.servers": kafka_broker.bootstrap}).list_topics(timeout=10)
    assert [b.id for b in metadata.brokers.values()] == [1]
    assert "Kafka Server started" in kafka_broker.log_file.read_text()


def test_port_in_use_is_a_config_error(kafka_broker: EmbeddedBroker, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=f"^port {kafka_broker.port} is already in use$"):
        EmbeddedBroker(port=kafka_broker.port, data_dir=tmp_path).start()
    assert not (tmp_path / "kraft").exists()  # refused before formatting anything


def test_restart_and_data_dir_keep_topics_and_records(tmp_path: Path) -> None:
    data = tmp_path / "kafka"
    broker = EmbeddedBroker(data_dir=data)
    started = time.perf_counter()
    broker.start()
    print(f"first start (with format): {time.perf_counter() - started:.2f} s")
    try:
        port, first_pid = broker.port, broker.pid
        _create(broker.bootstrap, "kept")
        _produce(broker.bootstrap, "kept", 20)
        started = time.perf_counter()
        broker.restart()
        print(f"restart: {time.perf_counter() - started:.2f} s")
        assert broker.port == port and broker.pid != first_pid
        assert len(_consume_all(broker.bootstrap, "kept", 20)) == 20
    finally:
        broker.stop()
    assert broker.pid is None and data.is_dir()  # an explicit data dir is kept

    with EmbeddedBroker(data_dir=data) as again:  # a new process, same data: no re-format
        values = _consume_all(again.bootstrap, "kept", 20)
        assert sorted(values) == sorted(f"event-{i}".encode() for i in range(20))


def test_temporary_data_dir_is_removed_on_stop() -> None:
    with EmbeddedBroker() as broker:
        data = broker.data_dir
        assert data is not None and (data / "server.properties").is_file()
    assert not data.exists()
