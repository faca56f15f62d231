"""The day-secret store: a compacted, single-partition Kafka topic of wrapped day secrets.

Every record is one proposal: key `d/<day>/<proposal id>`, value the secret wrapped under a
master key. A day's secret is the proposal with the lowest offset for that day, so every worker
that has read the topic past its own proposal adopts the same one; a worker never uses a secret
before it has seen that no earlier proposal exists. When a day leaves the window, every proposal
of it gets a tombstone and compaction removes the bytes (the topic's settings bound how soon).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition

from pipeline.config.kafka import KafkaSettings
from pipeline.core.day_keys import HeldDays, day_key_id
from pipeline.core.keys import Key, KeyRing
from pipeline.errors import AnonymizerError
from pipeline.kafka.clientlog import ClientLog
from pipeline.kafka.errors import no_cluster
from pipeline.secrets.days import day_label, day_of, destroy_at, expired, live_days
from pipeline.secrets.wrap import new_secret, unwrap, wrap, wrapped_key_id

log = logging.getLogger(__name__)
# librdkafka's own lines go through `logging` (errors only: a retried coordinator load is no news).
_CLIENT_LOG = {"logger": ClientLog("pipeline.secrets.kafka"), "log_level": 3}
PARTITION = 0
DEFAULT_AHEAD_MS = 2 * 3_600_000  # tomorrow's secret exists two hours before midnight
DEFAULT_ROLL_MS = 3_600_000  # the topic's min(segment.ms, max.compaction.lag.ms)
_ROLL_KEY = b"roll"
# A topic just created has no leader for a moment: wait, as for a retriable error.
_NOT_READY = frozenset({KafkaError._UNKNOWN_PARTITION, KafkaError.NOT_LEADER_FOR_PARTITION,
                        KafkaError.LEADER_NOT_AVAILABLE, KafkaError.UNKNOWN_TOPIC_OR_PART})  # fmt: skip


class DaySecretUnavailable(AnonymizerError):
    """The store cannot give a day's secret: the worker must stop producing, never fall back.
    `unreachable`: because no broker answered (the tools then exit 4, not 2)."""

    def __init__(self, message: str, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable


@dataclass(frozen=True, slots=True)
class Proposal:
    day: int
    proposal: str
    offset: int
    blob: bytes


@dataclass(frozen=True, slots=True)
class DayStatus:
    """What `keys status` shows of one day: never the secret."""

    day: int
    label: str
    key_id: str | None  # master key the adopted secret is wrapped under; None if missing
    proposals: int
    destroy_at_ms: int


def _key(day: int, proposal: str) -> bytes:
    return f"d/{day}/{proposal}".encode()


def _parse_key(key: bytes | None) -> tuple[int, str] | None:
    try:
        tag, day, proposal = (key or b"").decode("ascii").split("/")
        return (int(day), proposal) if tag == "d" else None
    except (UnicodeDecodeError, ValueError):
        return None


class DaySecretStore:
    """Reads, creates and destroys day secrets; `clock` (seconds) is injectable for tests."""

    def __init__(
        self,
        settings: KafkaSettings,
        keys: KeyRing,
        *,
        clock: Callable[[], float] = time.time,
        ahead_ms: int = DEFAULT_AHEAD_MS,
        roll_ms: int = DEFAULT_ROLL_MS,
        timeout: float = 15.0,
    ) -> None:
        self.topic = settings.day_secrets_topic
        self.window_ms = settings.replay_window_ms
        self.keys, self.clock, self.ahead_ms, self.timeout = keys, clock, ahead_ms, timeout
        self._consumer = Consumer(
            settings.consumer_config(
                group_id=f"{settings.group_id}.day-secrets",
                **{"enable.partition.eof": True, "enable.auto.commit": False},
                **_CLIENT_LOG,
            )
        )
        self._producer = Producer(settings.producer_config(**_CLIENT_LOG))
        self._proposals: dict[int, list[Proposal]] = {}
        self._secrets: dict[int, Key] = {}
        self._position = 0
        self._assigned = False
        self.roll_ms = roll_ms
        self._last_tombstone_ms = self._last_roll_ms = 0  # broker time of the latest of each

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    def refresh(self) -> None:
        """Read every record written since the last refresh (all of them the first time)."""
        low, high = self._watermarks()
        if not self._assigned:
            self._consumer.assign([TopicPartition(self.topic, PARTITION, low)])
            self._position, self._assigned = low, True
        deadline = time.monotonic() + self.timeout
        while self._position < high:
            if time.monotonic() > deadline:
                raise DaySecretUnavailable(f"could not read {self.topic} up to offset {high}")
            message = self._consumer.poll(0.5)
            if message is None:
                continue
            error = message.error()
            if error is not None:
                if error.code() == KafkaError._PARTITION_EOF:
                    self._position = max(self._position, message.offset())
                    continue
                raise DaySecretUnavailable(f"reading {self.topic}: {error.name()}")
            self._position = message.offset() + 1
            if message.key() == _ROLL_KEY:
                self._last_roll_ms = message.timestamp()[1]
            elif message.value() is None:
                self._last_tombstone_ms = message.timestamp()[1]
            self._apply(message.key(), message.value(), message.offset())

    def _watermarks(self) -> tuple[int, int]:
        """The topic's offsets, waiting out a topic so new that this client has no metadata."""
        tp = TopicPartition(self.topic, PARTITION)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                return self._consumer.get_watermark_offsets(tp, self.timeout)
            except KafkaException as exc:
                error = exc.args[0]
                if not error.retriable() and error.code() not in _NOT_READY:
                    raise DaySecretUnavailable(
                        f"{self.topic}: {error.name()}", unreachable=no_cluster(exc)
                    ) from None
                if time.monotonic() > deadline:
                    raise DaySecretUnavailable(
                        f"{self.topic} cannot be read ({error.name()}): does it exist? "
                        "`anonymizer topics apply` creates it"
                    ) from None
                time.sleep(0.2)

    def _apply(self, key: bytes | None, value: bytes | None, offset: int) -> None:
        parsed = _parse_key(key)
        if parsed is None:
            return
        day, proposal = parsed
        known = [p for p in self._proposals.get(day, []) if p.proposal != proposal]
        if value is None:  # a tombstone: this proposal is destroyed
            if known:
                self._proposals[day] = known
            else:
                self._proposals.pop(day, None)
            self._secrets.pop(day, None)
            return
        self._proposals[day] = sorted([*known, Proposal(day, proposal, offset, value)],
                                      key=lambda p: p.offset)  # fmt: skip

    def secret(self, day: int) -> bytes:
        """The adopted secret of `day` (see `key`)."""
        return self.key(day).secret

    def key(self, day: int) -> Key:
        """The adopted secret of `day` as a day key, creating it when no worker has;
        DaySecretUnavailable when the day is outside the window or its secret cannot be opened."""
        if expired(day, self.now_ms(), self.window_ms):
            raise DaySecretUnavailable(f"day {day_label(day)} has left the window: no secret")
        cached = self._secrets.get(day)
        if cached is not None:
            return cached
        self.refresh()
        if day not in self._proposals:
            self._propose(day)
        first = self._proposals[day][0]
        try:
            secret = unwrap(self.keys, day, first.proposal, first.blob)
        except AnonymizerError as exc:
            raise DaySecretUnavailable(str(exc)) from None
        key = self._secrets[day] = Key(day_key_id(day, first.proposal), secret)
        return key

    def _propose(self, day: int) -> None:
        proposal = uuid.uuid4().hex
        blob = wrap(self.keys.active, day, proposal, new_secret())
        errors: list[KafkaError | None] = []
        self._producer.produce(self.topic, key=_key(day, proposal), value=blob,
                               partition=PARTITION, on_delivery=lambda e, _m: errors.append(e))  # fmt: skip
        if self._producer.flush(self.timeout) or errors != [None]:
            raise DaySecretUnavailable(f"could not write a proposal for day {day_label(day)}")
        self.refresh()  # now past our own proposal: every earlier one is known
        if day not in self._proposals:
            raise DaySecretUnavailable(f"day {day_label(day)}: proposal not read back")

    def ensure_window(self) -> dict[int, Key]:
        """Every live day's key (creating missing ones), after destroying expired days."""
        self.destroy_expired()
        days = live_days(self.now_ms(), self.window_ms, self.ahead_ms)
        return {day: self.key(day) for day in days}

    def held(self) -> HeldDays:
        """The live days' keys now, for the engine (DaySecretUnavailable if any is missing)."""
        now = self.now_ms()
        keys = {
            d: k for d, k in self.ensure_window().items() if not expired(d, now, self.window_ms)
        }
        return HeldDays(keys, day_of(now))

    def lookup(self) -> dict[str, Key]:
        """The keys of every day the store still holds, by key id, without creating any: to open
        dead letters. A day whose secret is gone is absent (its dead letters are shredded)."""
        self.refresh()
        now = self.now_ms()
        held = [self.key(d) for d in sorted(self._proposals) if not expired(d, now, self.window_ms)]
        return {key.key_id: key for key in held}

    def destroy_expired(self) -> list[int]:
        """Tombstone every proposal of every day that has left the window; the days destroyed."""
        self.refresh()
        now = self.now_ms()
        gone = sorted(d for d in self._proposals if expired(d, now, self.window_ms))
        errors: list[KafkaError | None] = []
        for day in gone:
            for p in self._proposals[day]:
                self._producer.produce(self.topic, key=_key(day, p.proposal), value=None,
                                       partition=PARTITION,
                                       on_delivery=lambda e, _m: errors.append(e))  # fmt: skip
        if gone and (self._producer.flush(self.timeout) or any(e is not None for e in errors)):
            raise DaySecretUnavailable("could not write the tombstones of expired days")
        for day in gone:
            log.info("day secret of %s destroyed (left the window)", day_label(day))
        self.refresh()
        for day in [d for d in self._secrets if expired(d, now, self.window_ms)]:
            del self._secrets[day]
        self._roll_if_due()
        return gone

    def _roll_if_due(self) -> None:
        """The broker rolls a segment only on append: once the segment holding tombstones is old
        enough to roll, append a marker so it rolls and the cleaner can remove what they destroy.
        Broker time, not the injected clock: this is about the broker's own segments."""
        if self._last_tombstone_ms <= self._last_roll_ms:
            return
        if time.time() * 1000 < self._last_tombstone_ms + self.roll_ms:
            return
        self._producer.produce(self.topic, key=_ROLL_KEY, value=b"", partition=PARTITION)
        if self._producer.flush(self.timeout) == 0:
            self.refresh()

    def status(self) -> list[DayStatus]:
        """Every day the store holds, and every live day it lacks (key_id None)."""
        self.refresh()
        now = self.now_ms()
        days = set(self._proposals) | set(live_days(now, self.window_ms, self.ahead_ms))
        rows = []
        for day in sorted(days):
            found = self._proposals.get(day, [])
            key_id = wrapped_key_id(found[0].blob) if found else None
            rows.append(DayStatus(day, day_label(day), key_id, len(found),
                                  destroy_at(day, self.window_ms)))  # fmt: skip
        return rows

    def close(self) -> None:
        self._producer.flush(self.timeout)
        self._consumer.close()
