"""SIGTERM/SIGINT: ask the worker to finish the batch in hand, commit, leave the group, exit 0."""

from __future__ import annotations

import logging
import os
import signal
import threading
from types import FrameType

log = logging.getLogger(__name__)


class StopSignal:
    """Set by the first SIGTERM or SIGINT; a second one exits at once with 128 + signal."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def install(self) -> StopSignal:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._handle)
        return self

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self._event.is_set():
            log.warning("second %s: exiting without committing", signal.Signals(signum).name)
            os._exit(128 + signum)
        log.info("%s: finishing the batch in hand", signal.Signals(signum).name)
        self._event.set()

    def set(self) -> None:
        self._event.set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True if a stop was requested."""
        return self._event.wait(seconds)

    @property
    def requested(self) -> bool:
        return self._event.is_set()
