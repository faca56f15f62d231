"""Intake: the payload's size, then JSON decoding and type checks in one pass."""

from __future__ import annotations

from pipeline.core.raw_event import DecodeFailure, decode
from pipeline.core.reasons import Reason
from pipeline.core.steps.base import Context, Setup, Step, Work


class LimitSize(Step):
    name = "limit_size"
    reasons = frozenset({Reason.TOO_LARGE})

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes

    @classmethod
    def build(cls, setup: Setup) -> LimitSize:
        return cls(setup.policy.max_payload_bytes)

    def run(self, batch: list[Work], ctx: Context) -> list[Work]:
        limit = self.max_bytes
        if all(len(w.payload) <= limit for w in batch):
            return batch
        kept = []
        for work in batch:
            if len(work.payload) > limit:
                ctx.reject(work, Reason.TOO_LARGE)
            else:
                kept.append(work)
        return kept


class Decode(Step):
    name = "decode"
    reasons = frozenset(
        {
            Reason.NOT_JSON,
            Reason.NOT_AN_OBJECT,
            Reason.MISSING_FIELD,
            Reason.BAD_TYPE,
            Reason.OUT_OF_RANGE,
            Reason.BAD_ENCODING,
        }
    )

    def run(self, batch: list[Work], ctx: Context) -> list[Work]:
        kept = []
        for work in batch:
            result = decode(work.payload)
            if isinstance(result, DecodeFailure):
                ctx.reject(work, result.reason, result.field)
                continue
            work.event, work.unknown = result
            kept.append(work)
        return kept
