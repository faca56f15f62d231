"""The output reader on offline files: JSON lines and Avro containers give the same dicts."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import fastavro
import orjson
import pytest
from rich.console import Console

from pipeline.cli.output_source import add_source_options, open_source, read_with_progress
from pipeline.codec.schemas import ANONYMIZED, DEAD_LETTER, load_schema
from pipeline.config.kafka import load_kafka_settings
from pipeline.errors import UsageError
from pipeline.kafka.errors import KafkaUnreachableError
from pipeline.tools.output_reader import (
    AVRO,
    JSON,
    FileSource,
    ReadProgress,
    TopicSource,
    detect_format,
)
from tests.tools.reader_records import as_dicts, engine_output, write_avro, write_jsonl


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], Path, Path]:
    engine, records = engine_output(2500)
    folder = tmp_path_factory.mktemp("reader")
    jsonl, avro = folder / "out.jsonl", folder / "out.avro"
    write_jsonl(jsonl, engine, records)
    write_avro(avro, engine, records)
    return as_dicts(engine, records), jsonl, avro


def test_both_formats_read_back_as_the_engines_json_form(output: tuple) -> None:
    expected, jsonl, avro = output
    from_json = list(FileSource(str(jsonl)).records())
    from_avro = list(FileSource(str(avro)).records())
    assert from_json == expected
    assert from_avro == expected
    # timestamps are epoch milliseconds in both, not datetimes
    assert all(isinstance(r["event_time"], int) for r in from_avro)


def test_avro_timestamps_come_back_as_epoch_ms(output: tuple, tmp_path: Path) -> None:
    expected, *_ = output
    record = {**expected[0], "last_visit_time": 1_764_028_800_000, "event_time": 1_764_030_000_123}
    path = tmp_path / "one.avro"
    with open(path, "wb") as fh:
        fastavro.writer(fh, fastavro.parse_schema(load_schema(ANONYMIZED)), [record])
    assert list(FileSource(str(path)).records()) == [record]


def test_format_is_detected_by_magic_bytes_not_name(output: tuple, tmp_path: Path) -> None:
    expected, _, avro = output
    renamed = tmp_path / "records.jsonl"
    renamed.write_bytes(avro.read_bytes())
    assert detect_format(renamed.read_bytes()[:4]) == AVRO
    assert detect_format(b'{"ev') == JSON
    assert list(FileSource(str(renamed)).records()) == expected


@pytest.mark.parametrize("which", [1, 2])
def test_progress_reports_records_and_bytes(output: tuple, which: int) -> None:
    expected, *files = output
    path = files[which - 1]
    seen: list[ReadProgress] = []
    count = sum(1 for _ in FileSource(str(path)).records(seen.append))
    assert count == len(expected)
    assert [p.records for p in seen] == [2000, 2500]
    assert seen[-1].total == 2500
    assert seen[-1].total_bytes == path.stat().st_size
    assert seen[-1].bytes_read == path.stat().st_size
    assert 0 < seen[0].bytes_read <= path.stat().st_size


def test_a_raw_event_file_is_refused_with_its_line(tmp_path: Path) -> None:
    raw = tmp_path / "raw.jsonl"
    raw.write_text('{"event_id":"x","ip":"192.0.2.1"}\n')
    with pytest.raises(UsageError, match=r"line 1: not an anonymized record \(missing "):
        list(FileSource(str(raw)).records())
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n\nnot json\n")
    with pytest.raises(UsageError, match="line 3: not JSON"):
        list(FileSource(str(broken)).records())


def test_an_avro_file_of_another_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dead.avro"
    with open(path, "wb") as fh:
        fastavro.writer(fh, fastavro.parse_schema(load_schema(DEAD_LETTER)), [])
    with pytest.raises(UsageError, match=r"holds .*DeadLetter records, not the anonymized"):
        list(FileSource(str(path)).records())


def test_blank_lines_are_skipped(output: tuple, tmp_path: Path) -> None:
    expected, *_ = output
    path = tmp_path / "blank.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in expected[:3]) + b"\n\n")
    assert list(FileSource(str(path)).records()) == expected[:3]


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_source_options(parser)
    return parser.parse_args(argv)


def test_the_cli_helper_opens_the_source_the_arguments_name() -> None:
    assert open_source(_parse(["--input", "out.avro"]), "t") == FileSource("out.avro")
    topic = open_source(_parse(["--topic", "t1", "--from", "2026-01-01T00:00Z"]), "audit")
    assert isinstance(topic, TopicSource)
    assert (topic.topic, topic.start_ms, topic.end_ms, topic.purpose) == (
        "t1", 1_767_225_600_000, None, "audit")  # fmt: skip
    default = open_source(_parse([]), "audit")
    assert isinstance(default, TopicSource) and default.topic is None
    assert default.description == f"topic {default.settings.anonymized_topic}"
    with pytest.raises(UsageError, match="--input reads a file"):
        open_source(_parse(["--input", "x", "--from", "2026-01-01"]), "t")


def test_the_progress_bar_draws_on_a_terminal_and_passes_every_record(output: tuple) -> None:
    expected, _, avro = output
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    got = list(read_with_progress(FileSource(str(avro)), "auditing", console=console))
    assert got == expected
    assert "auditing" in screen.getvalue() and "records" in screen.getvalue()
    quiet = io.StringIO()
    got = list(read_with_progress(FileSource(str(avro)), "x", quiet=True,
                                  console=Console(file=quiet, force_terminal=True)))  # fmt: skip
    assert got == expected and quiet.getvalue() == ""


def test_an_unreachable_cluster_is_its_own_error_not_a_traceback() -> None:
    settings = load_kafka_settings(bootstrap_servers="127.0.0.1:1")
    with pytest.raises(  # exit 4 in the CLI, not 2: the configuration may be right
        KafkaUnreachableError, match=r"cannot read web\.events\.anonymized from 127\.0\.0\.1:1"
    ):
        list(TopicSource(settings, purpose="reader-test", timeout=1.0).records())
