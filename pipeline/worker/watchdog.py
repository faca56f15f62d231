"""A watchdog for librdkafka calls that can block past their own timeout.

librdkafka 2.16 can block `send_offsets_to_transaction` forever when the group coordinator
broker was "decommissioned" during an outage (confluentinc/librdkafka#5511, #5456: the
timeout is not checked) - which a single-node broker restart triggers. A call blocked in C
cannot be interrupted, and the producer cannot be destroyed under it, so when a guarded call
overruns its limit the watchdog re-executes the worker process in place (same pid, same
arguments). Nothing is lost: the open transaction is aborted by the new process's
`init_transactions` (same transactional.id) and the batch is redone from the committed offsets.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)


def reexec() -> None:
    """Replace this process by a fresh copy of itself (sockets are close-on-exec)."""
    for handler in logging.getLogger().handlers:
        handler.flush()
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, sys.orig_argv)


class Watchdog:
    """`with watchdog.guard("what"):` around a call that must return within `limit` seconds."""

    def __init__(self, limit: float, on_hang: Callable[[], None] = reexec) -> None:
        self.limit, self.on_hang = limit, on_hang
        self._lock = threading.Lock()
        self._call: tuple[str, float] | None = None
        self._thread = threading.Thread(target=self._watch, name="watchdog", daemon=True)
        self._thread.start()

    @contextmanager
    def guard(self, what: str) -> Iterator[None]:
        with self._lock:
            self._call = (what, time.monotonic() + self.limit)
        try:
            yield
        finally:
            with self._lock:
                self._call = None

    def _watch(self) -> None:
        while True:
            time.sleep(0.5)
            with self._lock:
                call = self._call
            if call is not None and time.monotonic() > call[1]:
                log.error(
                    "%s blocked for more than %.0f s (librdkafka#5511): restarting the worker "
                    "process; the open transaction will be aborted and the batch redone",
                    call[0],
                    self.limit,
                )
                self.on_hang()
                return
