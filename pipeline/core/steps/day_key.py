"""The day key: every event is pseudonymized under the secret of its own UTC day, or not at all."""

from __future__ import annotations

from pipeline.core.day_tools import DayTools
from pipeline.core.keys import Key
from pipeline.core.pseudonyms import Pseudonymizer, day_of
from pipeline.core.reasons import Reason
from pipeline.core.steps.base import Context, Setup, Step, Work


class FindDayKey(Step):
    """Finds the key of each event's day. An event whose day has no secret (it left the personal-
    data window, or has not begun) is rejected `out_of_range` on `event_time`: never made under
    another day's key. A time that is no day at all is left to `validate`."""

    name = "find_day_key"
    reasons = frozenset({Reason.OUT_OF_RANGE})

    def __init__(self, tools: DayTools) -> None:
        self.tools = tools

    @classmethod
    def build(cls, setup: Setup) -> FindDayKey:
        return cls(setup.day_tools)

    def run(self, batch: list[Work], ctx: Context) -> list[Work]:
        days = ctx.days
        assert days is not None, "the engine sets the day keys of every batch"
        found: dict[int, Pseudonymizer | None] = {}
        kept = []
        for work in batch:
            day = day_of(work.event.event_time)
            if day is None:
                kept.append(work)  # no day at all: `validate` rejects the time
                continue
            if day not in found:
                key: Key | None = days.key(day)
                found[day] = None if key is None else self.tools.pseudonymizer(key)
            p = found[day]
            if p is None:
                ctx.reject(work, Reason.OUT_OF_RANGE, "event_time")
                continue
            work.pseudonymizer = p
            kept.append(work)
        return kept
