"""The commands that run an embedded Java service in the foreground (`anonymizer broker`,
`anonymizer registry`): their common options, `--fetch-only`, and the run until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from pipeline.kafka.jars import java_executable
from pipeline.kafka.java_service import JavaService


def add_service_command(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    run: Callable[[argparse.Namespace], int],
    *,
    summary: str,
    description: str,
    port: int,
    port_use: str,
    heap: str,
    heap_examples: str,
    fetched: str,
    data_dir_help: str | None = None,
) -> None:
    """Add the command `name` (`summary` is its one-line help) with `--port`, `--data-dir`
    (only with `data_dir_help`), `--heap` and `--fetch-only`."""
    parser = subparsers.add_parser(name, help=summary, description=description)
    parser.add_argument(
        "--port",
        type=int,
        default=port,
        help=f"{port_use} port on 127.0.0.1 (default: %(default)s)",
    )
    if data_dir_help is not None:
        parser.add_argument("--data-dir", type=Path, metavar="DIR", help=data_dir_help)
    parser.add_argument(
        "--heap",
        default=heap,
        help=f"JVM maximum heap, e.g. {heap_examples} (default: %(default)s)",
    )
    parser.add_argument(
        "--fetch-only", action="store_true", help=f"only make sure {fetched}, and exit"
    )
    parser.set_defaults(func=run)


def fetch_only(fetch: Callable[[], Path], what: str) -> int:
    """Download what the service needs (unless cached), check for Java, say where it is: 0."""
    where = fetch()
    java_executable()  # fail now, with the install hint, rather than at first start
    print(f"{what} ready in {where}")
    return 0


def run_until_stopped(
    service: JavaService, ready: Callable[[], str], died: Callable[[], str], stopping: str
) -> int:
    """Start `service`, print `ready()`, and wait for Ctrl-C or SIGTERM (0); if the service
    dies first, print `died()` (1). The service is stopped and the signal handlers restored."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        service.start()
        print(ready(), flush=True)
        while not stop.wait(0.5):
            if not service.running:
                print(died(), flush=True)
                return 1
        print(stopping, flush=True)
        return 0
    finally:
        service.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
