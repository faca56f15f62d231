"""Visitors' running sessions, and the events planned ahead (a session's next event, a
conversion decided at an A/B exposure), kept in time order."""

from __future__ import annotations

import heapq
import itertools
import math
import random
from dataclasses import dataclass

from pipeline.dev.traffic import content
from pipeline.dev.traffic.visitors import Visitor

SESSION_GAP_MS = 30 * 60 * 1000  # a visitor idle this long starts a new session
FOLLOW_UPS = 4.0  # mean events after a session's first (geometric)
_CONTINUE = FOLLOW_UPS / (1.0 + FOLLOW_UPS)
MIN_GAP_MS = 3_000  # between two events of a session: this, plus an exponential wait
MEAN_WAIT_MS = 30_000


class Session:
    """A visitor's running state: its session, visit history, page count, current page."""

    __slots__ = ("last_ms", "page", "page_views", "prev_visit_ms", "session_id", "site", "use_alt")

    def __init__(self) -> None:
        self.session_id: str | None = None
        self.last_ms = -1
        self.prev_visit_ms: int | None = None
        self.page_views = 0
        self.page: content.Page | None = None
        self.site = 0
        self.use_alt = False


@dataclass(frozen=True, slots=True)
class Plan:
    """An event to emit at its time: a session's next event (`goal` None, `left` more after
    it), or a conversion decided at an exposure (`goal` set), from a given site and address."""

    who: int
    site: int
    use_alt: bool
    goal: str | None
    left: int = 0


class Sessions:
    """Every visitor's session, and the plans in time order."""

    def __init__(self, rng: random.Random, sites: int) -> None:
        self.rng, self.sites = rng, sites
        self.by_visitor: dict[int, Session] = {}
        self.plans: list[tuple[int, int, Plan]] = []  # heap of (time, order, plan)
        self._order = itertools.count()

    def get(self, who: int, person: Visitor, now: int) -> Session:
        """`who`'s session at `now`: the running one, or a new one after a long idle time."""
        rng = self.rng
        s = self.by_visitor.get(who)
        if s is None:
            s = self.by_visitor[who] = Session()
        if s.last_ms < 0 or now - s.last_ms > SESSION_GAP_MS:
            if s.last_ms >= 0:
                s.prev_visit_ms = s.last_ms
            s.session_id = f"{rng.getrandbits(64):016x}.{now // 1000}" if person.cookie else None
            s.site = person.home_site if rng.random() < 0.85 else rng.randrange(self.sites)
            s.use_alt = person.alt_ip is not None and rng.random() < 0.4
            s.page = None
        s.last_ms = now
        return s

    def plan(self, at: int, plan: Plan) -> None:
        """Emit `plan` at `at`."""
        heapq.heappush(self.plans, (at, next(self._order), plan))

    def due(self, t: float) -> bool:
        """Whether a plan is due at or before `t`."""
        return bool(self.plans) and self.plans[0][0] <= t

    def pop(self) -> tuple[int, Plan]:
        """The earliest plan and its time."""
        at, _, plan = heapq.heappop(self.plans)
        return at, plan

    def follow_ups(self) -> int:
        """How many events follow a session's first (geometric, mean FOLLOW_UPS)."""
        return int(math.log(1.0 - self.rng.random()) / math.log(_CONTINUE))

    def next_gap(self) -> int:
        """Milliseconds to a session's next event."""
        return MIN_GAP_MS + int(self.rng.expovariate(1.0) * MEAN_WAIT_MS)

    def clear(self) -> None:
        """Forget every session (the stream wrapped around)."""
        self.by_visitor.clear()
