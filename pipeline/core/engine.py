"""The engine: raw payloads in, anonymized records and typed rejects out, one batch at a time.

Pure: no I/O, no clock, no randomness. Output is a function of the payloads, the day keys, the
policy and the GeoIP database; every shell (offline files, the Kafka worker, replay) calls
`process`. The engine holds no long-lived key: the shell hands each batch the day keys it holds.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from pipeline.codec.schemas import ANONYMIZED, load_schema
from pipeline.core.client_ip import DEFAULT_TRUSTED_PROXIES
from pipeline.core.day_keys import DayKeys
from pipeline.core.day_tools import DayTools
from pipeline.core.geo import GeoResolver
from pipeline.core.keys import Key
from pipeline.core.policy import Policy, load_policy
from pipeline.core.pseudonyms import DAY_MS, day_of
from pipeline.core.reasons import Reason
from pipeline.core.steps import STEPS, Produce
from pipeline.core.steps.base import Context, Setup, Step, Work
from pipeline.core.steps.day_key import FindDayKey
from pipeline.core.steps.identity import DropIdentifiers
from pipeline.core.steps.intake import Decode, LimitSize
from pipeline.errors import ConfigError

# What may look at an event before the identity steps: its size, its decoding, its day's key.
BEFORE_IDENTITY: tuple[type[Step], ...] = (LimitSize, Decode, FindDayKey)
DEFAULT_MAX_RECORD_BYTES = 1_000_000
MIN_SIZE_BUCKET = 64


class Record(NamedTuple):
    """An anonymized event: Kafka key, Avro value (framed in the engine's wire format), and the
    values in schema order.

    Immutable; a named tuple because one is built per event (a frozen dataclass costs 2 us)."""

    index: int
    key: bytes
    value: bytes
    values: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Reject:
    """An event that could not be anonymized. Readable fields never hold input values."""

    index: int
    reason: Reason
    field: str | None
    step: str
    key_id: str
    payload_size: int
    sealed: bytes = field(repr=False)


Seal = Callable[[int, Reason, str], Reject]  # (batch index, reason, step) -> a sealed reject


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Outcome of one batch: every input index is in exactly one of records and rejects (each in
    index order). Never edited: `refused` makes a new one."""

    records: Sequence[Record]
    rejects: Sequence[Reject]
    dropped: Mapping[str, int]
    step_seconds: Mapping[str, float]

    def refused(self, indexes: Collection[int], seal: Seal) -> BatchResult:
        """A new result where the records at `indexes` are rejects of the `produce` pseudo-step
        (the output topic refused them after the engine), made by `seal(index, reason, step)`;
        this one is left as it is."""
        if not indexes:
            return self
        step = Produce.name
        (reason,) = Produce.reasons
        kept = tuple(r for r in self.records if r.index not in indexes)
        moved = [seal(r.index, reason, step) for r in self.records if r.index in indexes]
        rejects = tuple(sorted((*self.rejects, *moved), key=_index))
        return BatchResult(kept, rejects, self.dropped, self.step_seconds)


def _index(reject: Reject) -> int:
    return reject.index


def size_bucket(size: int) -> int:
    """A dead letter's size as told: the next power of two, at least 64 (not the exact size)."""
    return max(MIN_SIZE_BUCKET, 1 << (size - 1).bit_length()) if size > 0 else MIN_SIZE_BUCKET


def check_step_order(steps: Sequence[Step]) -> None:
    """The identity steps (those that hold the raw IP) run together, right after the day key is
    found (only intake and `find_day_key` before them); `drop_identifiers` ends them, and none of
    them can reject."""
    held = [i for i, s in enumerate(steps) if s.holds_raw_ip]
    if not held:
        raise ConfigError("the identity steps (the steps that hold the raw IP) are missing")
    start, end = held[0], held[-1] + 1
    if held != list(range(start, end)):
        raise ConfigError("the identity steps must run together, with no other step among them")
    if not all(isinstance(s, BEFORE_IDENTITY) for s in steps[:start]):
        allowed = ", ".join(s.name for s in BEFORE_IDENTITY)
        raise ConfigError(f"only {allowed} may run before the identity steps")
    if not start or not isinstance(steps[start - 1], FindDayKey):
        raise ConfigError(f"the identity steps must run right after {FindDayKey.name}")
    if not isinstance(steps[end - 1], DropIdentifiers):
        raise ConfigError(f"{DropIdentifiers.name} must be the last identity step")
    rejecting = [s.name for s in steps[start:end] if s.reasons]
    if rejecting:
        raise ConfigError(
            f"a step that runs while the raw IP is in hand must not reject: {', '.join(rejecting)}"
        )


class Engine:
    """The privacy engine; build once at start-up (all configuration errors surface here)."""

    def __init__(
        self,
        *,
        policy: Policy | None = None,
        geoip: Path | None = None,
        trusted_proxies: Sequence[str] = DEFAULT_TRUSTED_PROXIES,
        max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
        geo: GeoResolver | None = None,
        value_header: bytes | None = None,
    ) -> None:
        """`value_header`: the prefix of every record's value (the wire format); default the
        single-object header of the output schema."""
        self.policy = policy or load_policy()
        self.schema = load_schema(ANONYMIZED)
        self.geo = geo or GeoResolver(
            geoip,
            min_city_population=self.policy.min_city_population,
            no_city_countries=self.policy.no_city_countries,
        )
        # Constant provenance; `key_id` is each record's day key.
        self.provenance = {"policy_version": self.policy.label, "geo_db": self.geo.build}
        self.day_tools = DayTools()  # derived from the day keys the shell holds, and no longer
        setup = Setup(
            self.policy,
            self.schema,
            self.provenance,
            self.geo,
            self.day_tools,
            trusted_proxies,
            max_record_bytes,
            value_header,
        )
        # The steps of `pipeline.core.steps.STEPS`, in its order.
        self.steps: tuple[Step, ...] = tuple(step.build(setup) for step in STEPS)
        check_step_order(self.steps)
        self.field_names = tuple(f["name"] for f in self.schema["fields"])

    def process(
        self,
        payloads: Sequence[bytes],
        days: DayKeys,
        *,
        arrival_ms: Sequence[int | None] | None = None,
        timer: Callable[[], float] | None = None,
    ) -> BatchResult:
        """Anonymize one batch under `days`. Never raises on input. `arrival_ms[i]`: when payload
        i arrived (its Kafka timestamp), whose day seals it if it is rejected; `timer` (e.g.
        perf_counter) times each step."""
        self.day_tools.use(days)
        ctx = Context(days)
        batch = [Work(i, p) for i, p in enumerate(payloads)]
        seconds: dict[str, float] = {}
        for step in self.steps:
            ctx.step = step
            if timer is None:
                batch = step.run(batch, ctx) if batch else batch
            else:
                started = timer()
                batch = step.run(batch, ctx) if batch else batch
                seconds[step.name] = timer() - started
        new = tuple.__new__
        records = tuple([new(Record, (w.index, w.key, w.value, w.values)) for w in batch])
        reject = self.reject
        rejects = [
            reject(
                w.index, w.payload, r, name, step, days, arrival_ms[w.index] if arrival_ms else None
            )
            for w, r, name, step in ctx.rejected
        ]
        rejects.sort(key=_index)
        return BatchResult(records, tuple(rejects), ctx.dropped, seconds)

    def reject(
        self,
        index: int,
        payload: bytes,
        reason: Reason,
        field: str | None,
        step: str,
        days: DayKeys,
        arrival_ms: int | None = None,
    ) -> Reject:
        """A reject of `payload` (also for shells that refuse a record after the engine, e.g. the
        output topic finding it too large), sealed under the key of the day it arrived, or of
        `days.today` when that day has none. Its size is told only as a bucket; the seal is
        deterministic (a replay reproduces it)."""
        key = None if arrival_ms is None else days.key(arrival_ms // DAY_MS)
        self.day_tools.use(days)
        sealer = self.day_tools.sealer(key or _today(days))
        size = size_bucket(len(payload))
        return Reject(index, reason, field, step, sealer.key_id, size, sealer.seal(payload))

    def event_key(self, event_id: str, site_id: str, event_time: int, days: DayKeys) -> str | None:
        """The `event_id` a record of this raw id gets (for tools that pair raw and output)."""
        day = day_of(event_time)
        key = None if day is None else days.key(day)
        return (
            None
            if key is None or day is None
            else self.day_tools.pseudonymizer(key).event(event_id, site_id, day)
        )

    def as_dict(self, record: Record) -> dict[str, Any]:
        """A record as a field-name mapping (the Avro record's JSON form)."""
        return dict(zip(self.field_names, record.values, strict=True))


def _today(days: DayKeys) -> Key:
    key = days.key(days.today)
    if key is None:
        raise ConfigError("the day keys hold no key for today: a shell must never pass such")
    return key
