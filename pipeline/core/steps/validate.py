"""Validation of kept values against the policy's limits, and of how fields fit together."""

from __future__ import annotations

import re

from pipeline.core.policy import Action, Policy
from pipeline.core.reasons import Reason
from pipeline.core.steps.base import Context, Step, Work

PATTERNS = {
    "uuid": re.compile(
        r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    ),
    "site_id": re.compile(r"[A-Za-z0-9_-]{1,64}"),
}
# Fields an event type cannot do without.
REQUIRED_BY_TYPE: dict[str, tuple[str, ...]] = {
    "tap": ("x", "y"),
    "click": ("x", "y"),
    "scroll": ("scroll_depth",),
    "ab_exposure": ("experiment_id", "variant_id"),
    "conversion": ("conversion_goal",),
}


class Validate(Step):
    name = "validate"
    reasons = frozenset({Reason.BAD_VALUE, Reason.OUT_OF_RANGE, Reason.INCONSISTENT})

    def __init__(self, policy: Policy) -> None:
        keep = policy.with_action(Action.KEEP)
        self.patterns = tuple((r.name, PATTERNS[r.pattern]) for r in keep if r.pattern)
        self.choices = tuple((r.name, frozenset(r.choices)) for r in keep if r.choices)
        self.bounds = tuple((r.name, r.min, r.max) for r in keep if r.min is not None)

    def problem(self, work: Work) -> tuple[Reason, str] | None:
        """The first thing wrong with this event, or None."""
        event = work.event
        for name, pattern in self.patterns:
            if not pattern.fullmatch(getattr(event, name)):
                return Reason.BAD_VALUE, name
        for name, choices in self.choices:
            if getattr(event, name) not in choices:
                return Reason.BAD_VALUE, name
        for name, low, high in self.bounds:
            value = getattr(event, name)
            if value is not None and not low <= value <= high:
                return Reason.OUT_OF_RANGE, name
        for name in REQUIRED_BY_TYPE.get(event.event_type, ()):
            if getattr(event, name) is None:
                return Reason.INCONSISTENT, name
        if event.last_visit_time is not None and event.last_visit_time > event.event_time:
            return Reason.INCONSISTENT, "last_visit_time"
        return None

    def run(self, batch: list[Work], ctx: Context) -> list[Work]:
        kept = []
        problem = self.problem
        for work in batch:
            found = problem(work)
            if found is None:
                kept.append(work)
            else:
                ctx.reject(work, *found)
        return kept
