"""Identity: the client address is resolved, looked up and pseudonymized (so are the session and
event ids), the event's own addresses are removed from its text, then every raw identifier is
dropped. None of these steps may reject, so nothing can be rejected, serialized
or logged while the IP is still in hand (the engine checks this at start-up)."""

from __future__ import annotations

from pipeline.core.client_ip import ClientResolver
from pipeline.core.geo import UNKNOWN, GeoResolver
from pipeline.core.policy import Action
from pipeline.core.pseudonyms import day_of
from pipeline.core.raw_event import _NULL
from pipeline.core.steps.base import Context, Setup, Step, Work
from pipeline.core.steps.compiled import compile_function, field_name

OTHER_KEY = "(other)"


class ResolveClient(Step):
    name = "resolve_client"
    holds_raw_ip = True

    def __init__(self, resolver: ClientResolver) -> None:
        self.resolver = resolver

    @classmethod
    def build(cls, setup: Setup) -> ResolveClient:
        hops = setup.policy.max_forwarded_hops
        return cls(ClientResolver(setup.trusted_proxies, hops))

    def run(self, batch: list[Work], ctx: Context) -> list[Work]:
        resolve = self.resolver.resolve
        for work in batch:
            event = work.event
            work.client = resolve(event.ip, event.forwarded_for)
        return batch


class Geolocate(Step):
    name = "geolocate"
    holds_raw_ip = True

    def __init__(self, geo: GeoResolver) -> None:
        self.geo = geo

    @classmethod
    def build(cls, setup: Setup) -> Geolocate:
        return cls(setup.geo)

    def run(self, batch: list[Work], ctx: Context) -> list[Work]:
        lookup = self.geo.lookup
        for work in batch:
            work.geo = UNKNOWN if work.client is None else lookup(work.client)
        return batch


class Pseudonymize(Step):
    """Pseudonyms under the key of the event's day (found by `find_day_key`)."""

    name = "pseudonymize"
    holds_raw_ip = True

    def run(self, batch: list[Work], ctx: Context) -> list[Work]:
        for work in batch:
            p, event = work.pseudonymizer, work.event
            day = day_of(event.event_time)
            if p is None or day is None:
                continue  # no day: `validate` rejects the time
            if work.client is not None:
                work.visitor_key = p.visitor(work.client, event.site_id, day)
            if event.session_id is not None:
                work.session_key = p.session(event.session_id, event.site_id, day)
            # The raw id's shape is checked by `validate` later; `encode` emits only this.
            work.event_key = p.event(event.event_id, event.site_id, day)
        return batch


class DropIdentifiers(Step):
    """Drops the raw IP, the proxy chain and every field the policy drops; counts what it drops.

    Unknown keys are counted by name only when the policy lists the name as known junk; any
    other key (its name is input: it may be a person's name or a phone number) is `(other)`."""

    name = "drop_identifiers"
    holds_raw_ip = True

    def __init__(
        self,
        dropped_fields: tuple[str, ...],
        raw_fields: tuple[str, ...],
        known_keys: frozenset[str] = frozenset(),
    ) -> None:
        self.known_keys = known_keys
        # `drop(event, counts)`: count the dropped fields present, then clear every raw one.
        lines = [
            f"if e.{field_name(n)} is not None and e.{n} != _NULL: counts[{n!r}] += 1"
            for n in dropped_fields
        ]
        lines += [f"e.{field_name(n)} = None" for n in raw_fields]
        self.drop = compile_function("drop", "e, counts", lines, {"_NULL": _NULL})

    @classmethod
    def build(cls, setup: Setup) -> DropIdentifiers:
        """Drops what the policy drops, and every raw identifier: a pseudonymized id with a
        pattern (event_id) stays until `validate` checks its shape (`encode` never reads it)."""
        policy = setup.policy
        dropped = tuple(r.name for r in policy.with_action(Action.DROP))
        pseudonymized = policy.with_action(Action.PSEUDONYMIZE)
        raw = dropped + tuple(r.name for r in pseudonymized if r.pattern is None)
        return cls(dropped, raw, policy.known_unknown_keys)

    def run(self, batch: list[Work], ctx: Context) -> list[Work]:
        counts, drop, known = ctx.dropped, self.drop, self.known_keys
        for work in batch:
            drop(work.event, counts)
            work.client = None
            if work.unknown:
                for key in work.unknown:
                    counts[key if key in known else OTHER_KEY] += 1
                work.unknown = ()
        return batch
