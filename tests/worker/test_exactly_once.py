"""Nothing lost, nothing twice: SIGKILL and restart, scaling out and in, SIGTERM."""

from __future__ import annotations

import threading
import time

import pytest

from pipeline.kafka.broker import free_port
from tests.worker.metrics_helpers import metric_value, scrape
from tests.worker.worker_helpers import (
    Raw,
    assert_each_once,
    committed_total,
    produce_raw,
    read_outputs,
    traffic,
    wait_drained,
    wait_until,
)

pytestmark = pytest.mark.kafka


def test_sigkill_mid_run_then_restart_loses_and_doubles_nothing(workers, kafka_topics) -> None:
    n = 20_000
    payloads = traffic(n, garbage=0.1)
    raw = Raw()
    chunks = [payloads[i : i + 500] for i in range(0, n, 500)]

    def paced() -> None:  # input keeps arriving (~4 s), so the kill lands with work in hand
        for chunk in chunks:
            produce_raw(kafka_topics, chunk, raw)
            time.sleep(0.1)

    producer = threading.Thread(target=paced)
    first = workers.start("a", "--batch-size", "200")
    producer.start()
    try:
        wait_until(lambda: committed_total(kafka_topics) >= 2_000, 60, "a first commits",
                   interval=0.02, check=first._check_alive)  # fmt: skip
        first.kill()
        # -1 while the group coordinator answers with a retriable error: ask again
        wait_until(lambda: committed_total(kafka_topics) >= 0, 30, "committed offsets readable")
        done_at_kill = committed_total(kafka_topics)
    finally:
        producer.join()
    assert 0 < done_at_kill < n, "the kill must land mid-way"

    started = time.monotonic()
    second = workers.start("a", "--batch-size", "200")
    wait_until(lambda: committed_total(kafka_topics) > done_at_kill, 60, "resume",
               interval=0.02, check=second._check_alive)  # fmt: skip
    resumed = time.monotonic() - started
    wait_drained(kafka_topics, n, 120)
    out = read_outputs(kafka_topics)
    assert_each_once(raw, out, kafka_topics.raw_topic)
    assert second.terminate() == 0
    print(f"\nkilled after {done_at_kill} of {n}; restart to first commit {resumed:.1f} s")


def test_two_workers_share_then_one_stops_and_one_dies(workers, kafka_topics) -> None:
    n = 30_000
    payloads = traffic(n, garbage=0.1, seed=2)
    ports = [free_port(), free_port()]
    a = workers.start("a", "--batch-size", "500", "--metrics-port", str(ports[0]))
    b = workers.start("b", "--batch-size", "500", "--metrics-port", str(ports[1]))
    wait_until(lambda: all(0 < len(_assignment(w)) < 6 for w in (a, b)), 60,
               "both workers with partitions of their own")  # fmt: skip

    raw = Raw()
    chunks = [payloads[i : i + 2_000] for i in range(0, n, 2_000)]

    def paced() -> None:  # a steady stream over ~6 s, so every step below has work in hand
        for chunk in chunks:
            produce_raw(kafka_topics, chunk, raw)
            time.sleep(0.4)

    producer = threading.Thread(target=paced)
    producer.start()
    try:
        wait_until(lambda: all(_produced(p) > 0 for p in ports), 60, "both workers producing")
        assert a.terminate() == 0  # scale in: a commits its batch, leaves the group
        c = workers.start("c", "--batch-size", "500")
        c.wait_for_log("assigned partitions [", 60)
        time.sleep(1.0)
        b.kill()  # b dies while c runs, with a transaction open
        # The orchestrator restarts b under its stable id: its init_transactions aborts the
        # transaction the killed b left open (else read_committed readers wait for
        # transaction.timeout.ms), and the group shares the partitions again.
        b2 = workers.start("b", "--batch-size", "500")
        b2.wait_for_log("assigned partitions [", 60)
    finally:
        producer.join(120)
    assert len(raw) == n
    wait_drained(kafka_topics, n, 120)
    assert_each_once(raw, read_outputs(kafka_topics), kafka_topics.raw_topic)
    assert c.alive() and b2.alive()
    assert c.terminate() == 0
    assert b2.terminate() == 0


def _assignment(w) -> list[str]:
    lines = [ln for ln in w.text().splitlines() if "assigned partitions [" in ln]
    if not lines:
        return []
    inside = lines[-1].rsplit("[", 1)[1].rstrip("]")
    return [p for p in inside.split(", ") if p]


def _produced(port: int) -> float:
    try:
        return metric_value(scrape(port), "anonymizer_events_produced_total")
    except OSError:
        return 0.0


def test_sigterm_commits_the_batch_in_hand_and_exits_0(workers, kafka_topics) -> None:
    n = 20_000
    raw = produce_raw(kafka_topics, traffic(n, garbage=0.1, seed=3), Raw())
    w = workers.start("a", "--batch-size", "300")
    wait_until(lambda: committed_total(kafka_topics) >= 1_000, 60, "first commits",
               interval=0.02, check=w._check_alive)  # fmt: skip
    assert w.terminate(30) == 0
    done = committed_total(kafka_topics)
    assert "stopped after committing the batch in hand" in w.text()
    out = read_outputs(kafka_topics)
    # Exactly what was committed as consumed came out, once each.
    assert len(out.records) + len(out.dead_letters) == done
    consumed = int(w.text().rsplit("consumed ", 1)[1].split(",")[0])
    assert consumed == done
    ends = {p: _committed_end(kafka_topics, p) for p in {p for p, _ in raw.ids}}
    done_ids = Raw({(p, o): v for (p, o), v in raw.ids.items() if o < ends[p]})
    assert_each_once(done_ids, out, kafka_topics.raw_topic)


def _committed_end(settings, partition: int) -> int:
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer(settings.consumer_config())
    try:
        (tp,) = consumer.committed([TopicPartition(settings.raw_topic, partition)], timeout=10)
        return max(tp.offset, 0)
    finally:
        consumer.close()
