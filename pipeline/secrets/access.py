"""Where the tools around the worker get their day keys: the Kafka day-secret store, or random
keys held in memory for one offline run.

With the store, a tool uses the very secrets the workers use, so its output equals theirs; a day
that has left the personal-data window has no secret any more, for the tools as for the worker.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from pipeline.config.kafka import KafkaSettings
from pipeline.core.day_keys import DayKeys
from pipeline.core.keys import KeyRing
from pipeline.errors import UsageError
from pipeline.kafka.errors import KafkaUnreachableError
from pipeline.secrets.ephemeral import EphemeralDays
from pipeline.secrets.held import HeldDayKeys
from pipeline.secrets.store import DaySecretStore, DaySecretUnavailable

EPHEMERAL, STORE = "ephemeral", "store"
MODES = (EPHEMERAL, STORE)
SHREDDED_NOTE = (
    "their day left the personal-data window; their payloads can no longer be opened by anyone"
)


@contextmanager
def open_store(
    settings: KafkaSettings, keys: KeyRing, *, clock: Callable[[], float] = time.time
) -> Iterator[DaySecretStore]:
    """The day-secret store of `settings`, closed on exit; a store that cannot give what is asked
    is a UsageError naming its topic (never a fall-back to another secret)."""
    store = DaySecretStore(settings, keys, clock=clock)
    try:
        yield store
    except DaySecretUnavailable as exc:
        topic = settings.day_secrets_topic
        where = "" if topic in str(exc) else f" {topic}"
        if exc.unreachable:
            raise KafkaUnreachableError(
                f"no Kafka cluster answered at {settings.bootstrap_servers} (day-secret store"
                f"{where}: {exc})"
            ) from None
        raise UsageError(f"day-secret store{where}: {exc}") from None
    finally:
        store.close()


@contextmanager
def day_keys(
    mode: str,
    settings: KafkaSettings | None = None,
    keys: KeyRing | None = None,
    *,
    clock: Callable[[], float] = time.time,
) -> Iterator[Callable[[], DayKeys]]:
    """The day keys of each batch: `ephemeral` (random, this run only) or `store` (the workers'
    secrets, re-read now and then; needs `settings` and the master `keys`)."""
    if mode == EPHEMERAL:
        ephemeral = EphemeralDays(clock=clock)
        yield lambda: ephemeral
        return
    if mode != STORE or settings is None or keys is None:
        raise UsageError(f"day secrets {mode!r}: use {' or '.join(MODES)} (store needs Kafka)")
    with open_store(settings, keys, clock=clock) as store:
        held = HeldDayKeys(store)
        held.days()  # fail before the first batch, not in the middle of a run
        yield held.days
