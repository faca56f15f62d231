"""What a step is: a name, the reasons it may reject with, whether it holds the raw IP, how it
is built from the engine's set-up, and a batch-in, survivors-out `run`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from pipeline.core.client_ip import IP
from pipeline.core.day_keys import DayKeys
from pipeline.core.geo import UNKNOWN, Geo, GeoResolver
from pipeline.core.pseudonyms import Pseudonymizer
from pipeline.core.raw_event import RawWebEvent
from pipeline.core.reasons import Reason

if TYPE_CHECKING:
    from pipeline.core.day_tools import DayTools
    from pipeline.core.policy import Policy


class Work:
    """One record on its way through the steps."""

    __slots__ = (
        "client",
        "event",
        "event_key",
        "geo",
        "index",
        "key",
        "payload",
        "pseudonymizer",
        "session_key",
        "unknown",
        "value",
        "values",
        "visitor_key",
    )

    def __init__(self, index: int, payload: bytes) -> None:
        self.index = index
        self.payload = payload
        self.event: RawWebEvent = None  # type: ignore[assignment]  # set by `decode`
        self.unknown: tuple[str, ...] = ()
        self.client: IP | None = None
        self.pseudonymizer: Pseudonymizer | None = None  # the event day's; set by `find_day_key`
        self.geo: Geo = UNKNOWN
        self.visitor_key: str | None = None
        self.session_key: str | None = None
        self.event_key: str | None = None
        self.values: tuple[Any, ...] = ()
        self.key: bytes = b""
        self.value: bytes = b""


class Context:
    """Per-batch state the engine hands each step: the day keys, where rejects and drop counts go."""

    __slots__ = ("days", "dropped", "rejected", "step")

    def __init__(self, days: DayKeys | None = None) -> None:
        self.days = days
        self.rejected: list[tuple[Work, Reason, str | None, str]] = []
        self.dropped: Counter[str] = Counter()
        self.step: Step | None = None

    def reject(self, work: Work, reason: Reason, field: str | None = None) -> None:
        """Record that `work` leaves the pipeline here; the step must not pass it on."""
        step = self.step
        assert step is not None and reason in step.reasons, f"{reason} not declared by {step}"
        self.rejected.append((work, reason, field, step.name))


@dataclass(frozen=True, slots=True)
class Setup:
    """What the engine builds its steps from, once at start-up."""

    policy: Policy
    schema: dict[str, Any]
    provenance: dict[str, str]
    geo: GeoResolver
    day_tools: DayTools
    trusted_proxies: Sequence[str]
    max_record_bytes: int
    value_header: bytes | None


class Step:
    """A named unit of work over a batch. Steps that reject return only the survivors.

    `holds_raw_ip`: the step runs while the raw IP is in hand (the identity steps); such a step
    must declare no reasons, and the engine checks where they run (`check_step_order`)."""

    name: ClassVar[str]
    reasons: ClassVar[frozenset[Reason]] = frozenset()
    holds_raw_ip: ClassVar[bool] = False

    @classmethod
    def build(cls, setup: Setup) -> Step:
        """The step as the engine's set-up makes it (steps that need nothing take no argument)."""
        return cls()

    def run(self, batch: list[Work], ctx: Context) -> list[Work]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<step {self.name}>"
