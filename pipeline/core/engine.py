"""The engine: raw payloads in, anonymized records and typed rejects out, one batch at a time.

Pure: no I/O, no clock, no randomness. Output is a function of the payloads, the day keys, the
policy and the GeoIP database; every shell (offline files, the Kafka worker, replay) calls
`process`. The engine holds no long-lived key: the shell hands each batch the day keys it holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from pipeline.codec.schemas import ANONYMIZED, load_schema
from pipeline.core.client_ip import DEFAULT_TRUSTED_PROXIES, ClientResolver
from pipeline.core.day_keys import DayKeys
from pipeline.core.day_tools import DayTools
from pipeline.core.geo import GeoResolver
from pipeline.core.keys import Key
from pipeline.core.policy import Action, Policy, load_policy
from pipeline.core.pseudonyms import DAY_MS, day_of
from pipeline.core.reasons import Reason
from pipeline.core.steps.base import Context, Step, Work
from pipeline.core.steps.day_key import FindDayKey
from pipeline.core.steps.encode import Encode
from pipeline.core.steps.identity import DropIdentifiers, Geolocate, Pseudonymize, ResolveClient
from pipeline.core.steps.intake import Decode, LimitSize
from pipeline.core.steps.own_addresses import ForgetAddresses
from pipeline.core.steps.scrub import Scrub
from pipeline.core.steps.validate import Validate
from pipeline.errors import ConfigError

# What runs before the raw IP is looked at, in order; then the identity steps, none of which may
# reject, while the raw IP is in hand.
BEFORE_IDENTITY = ("limit_size", "decode", "find_day_key")
IDENTITY_STEPS = (
    "resolve_client",
    "geolocate",
    "pseudonymize",
    "forget_addresses",
    "drop_identifiers",
)
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


@dataclass(slots=True)
class BatchResult:
    """Outcome of one batch: every input index is in exactly one of records and rejects."""

    records: list[Record]
    rejects: list[Reject]
    dropped: Counter[str]
    step_seconds: dict[str, float]


def size_bucket(size: int) -> int:
    """A dead letter's size as told: the next power of two, at least 64 (not the exact size)."""
    return max(MIN_SIZE_BUCKET, 1 << (size - 1).bit_length()) if size > 0 else MIN_SIZE_BUCKET


def check_step_order(steps: Sequence[Step]) -> None:
    """The identity steps run together, in order, right after the day key is found, and none of
    them can reject."""
    names = [s.name for s in steps]
    if IDENTITY_STEPS[0] not in names:
        raise ConfigError("the identity steps are missing")
    start = names.index(IDENTITY_STEPS[0])
    if tuple(names[start : start + len(IDENTITY_STEPS)]) != IDENTITY_STEPS:
        raise ConfigError("the identity steps must run together, in order, right after decode")
    if tuple(names[:start]) != BEFORE_IDENTITY:
        raise ConfigError(f"only {', '.join(BEFORE_IDENTITY)} may run before the identity steps")
    if any(s.reasons for s in steps[start : start + len(IDENTITY_STEPS)]):
        raise ConfigError("a step that runs while the raw IP is in hand must not reject")


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
        self.steps: tuple[Step, ...] = self._steps(trusted_proxies, max_record_bytes, value_header)
        check_step_order(self.steps)
        self.field_names = tuple(f["name"] for f in self.schema["fields"])

    def _steps(
        self, trusted_proxies: Sequence[str], max_record_bytes: int, value_header: bytes | None
    ) -> tuple[Step, ...]:
        policy = self.policy
        dropped = tuple(r.name for r in policy.with_action(Action.DROP))
        # A pseudonymized id with a pattern (event_id) stays until `validate` checks its shape;
        # `encode` never reads it. Every other raw identifier goes before anything may reject.
        raw = dropped + tuple(
            r.name for r in policy.with_action(Action.PSEUDONYMIZE) if r.pattern is None
        )
        steps: tuple[Step, ...] = (
            LimitSize(policy.max_payload_bytes),
            Decode(),
            FindDayKey(self.day_tools),
            ResolveClient(ClientResolver(trusted_proxies, policy.max_forwarded_hops)),
            Geolocate(self.geo),
            Pseudonymize(),
            ForgetAddresses(policy),
            DropIdentifiers(dropped, raw, policy.known_unknown_keys),
            Validate(policy),
            Scrub(policy),
            Encode(policy, self.schema, self.provenance, max_record_bytes, value_header),
        )
        return steps

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
        records = [new(Record, (w.index, w.key, w.value, w.values)) for w in batch]
        reject = self.reject
        rejects = [
            reject(
                w.index, w.payload, r, name, step, days, arrival_ms[w.index] if arrival_ms else None
            )
            for w, r, name, step in ctx.rejected
        ]
        rejects.sort(key=lambda r: r.index)
        return BatchResult(records, rejects, ctx.dropped, seconds)

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
