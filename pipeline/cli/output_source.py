"""`--input` or `--topic/--from/--to` for commands that read anonymized output, with a progress bar."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from pipeline.cli.common import (
    add_kafka_options,
    add_time_range,
    kafka_settings,
    stderr,
    time_range,
)
from pipeline.errors import UsageError
from pipeline.tools.output_reader import FileSource, OutputSource, ReadProgress, TopicSource


def add_source_options(parser: argparse.ArgumentParser) -> None:
    """`--input PATH` (JSON lines or Avro container, `-` for stdin) or `--topic` with
    `--from/--to`, plus the Kafka options."""
    group = parser.add_argument_group("anonymized records (a file, or a topic over a time range)")
    group.add_argument(
        "--input",
        "-i",
        metavar="PATH",
        help="a file `anonymizer anonymize` wrote: JSON lines or an Avro container file "
        "(detected), - for stdin",
    )
    group.add_argument(
        "--topic",
        nargs="?",
        const="",
        metavar="TOPIC",
        help="read a Kafka topic instead, read_committed (default, also when no --input is "
        "given: the anonymized topic, $ANONYMIZER_ANONYMIZED_TOPIC)",
    )
    add_time_range(parser, "record")
    add_kafka_options(parser)


def open_source(args: argparse.Namespace, purpose: str) -> OutputSource:
    """The source the arguments name; `purpose` suffixes the consumer group (`<group>.<purpose>`)."""
    if args.input is not None:
        if args.topic is not None or args.start or args.end:
            raise UsageError("--input reads a file: --topic, --from and --to read Kafka")
        return FileSource(args.input)
    start, end = time_range(args)
    return TopicSource(kafka_settings(args), args.topic or None, start, end, purpose)


def read_with_progress(
    source: OutputSource, what: str, *, quiet: bool = False, console: Console = stderr
) -> Iterator[dict[str, Any]]:
    """The source's records, with a progress bar and ETA on the console while they are read
    (records of a topic range, bytes of a file; nothing when quiet or not a terminal)."""
    progress = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[unit]}"),
        TimeRemainingColumn(),
        console=console,
        disable=quiet or not console.is_terminal,
        transient=True,
    )
    with progress:
        task = progress.add_task(f"{what} {source.description}", total=None, unit="records")
        yield from source.records(lambda p: _show(progress, task, p))


def _show(progress: Progress, task: TaskID, step: ReadProgress) -> None:
    if step.total is None and step.total_bytes and step.bytes_read is not None:
        mib = 1 << 20
        progress.update(
            task,
            completed=step.bytes_read // mib,
            total=max(step.total_bytes // mib, 1),
            unit=f"MiB ({step.records:,} records)",
        )
    else:
        progress.update(task, completed=step.records, total=step.total, unit="records")
