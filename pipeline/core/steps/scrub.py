"""Scrubbing of free text and URLs, as the policy's `scrub` entries say."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, partial

from pipeline.core.policy import Action, FieldRule, Policy
from pipeline.core.reasons import Reason
from pipeline.core.scrub_text import scrub_text
from pipeline.core.scrub_url import UrlScrubber
from pipeline.core.steps.base import Context, Step, Work

# Values repeat a lot (user agents, titles, page URLs): each distinct one is scrubbed once.
CACHE_SIZE = 8192


class Scrub(Step):
    name = "scrub"
    reasons = frozenset({Reason.BAD_VALUE})

    def __init__(self, policy: Policy) -> None:
        urls = UrlScrubber(policy.query_allowlist, policy.query_denylist)
        self.fields: list[tuple[str, bool, Callable[[str], str | None]]] = []
        for rule in policy.with_action(Action.SCRUB):
            self.fields.append((rule.name, bool(rule.schemes), self._scrubber(rule, urls)))

    @staticmethod
    def _scrubber(rule: FieldRule, urls: UrlScrubber) -> Callable[[str], str | None]:
        assert rule.max_length is not None
        if rule.format == "url":
            scrub = partial(urls.scrub, max_length=rule.max_length, schemes=rule.schemes)
        else:
            scrub = partial(scrub_text, max_length=rule.max_length, versions=rule.versions)
        return lru_cache(maxsize=CACHE_SIZE)(scrub)

    def run(self, batch: list[Work], ctx: Context) -> list[Work]:
        kept = []
        for work in batch:
            event = work.event
            for name, required_url, scrub in self.fields:
                value = getattr(event, name)
                if value is None:
                    continue
                clean = scrub(value)
                if clean is None and required_url:
                    ctx.reject(work, Reason.BAD_VALUE, name)
                    break
                setattr(event, name, clean)
            else:
                kept.append(work)
        return kept
