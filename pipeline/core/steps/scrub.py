"""Scrubbing of free text and URLs, as the policy's `scrub` entries say."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, partial
from typing import Any

from pipeline.core.policy import Action, FieldRule, Policy
from pipeline.core.reasons import Reason
from pipeline.core.scrub_text import scrub_text
from pipeline.core.scrub_url import UrlScrubber
from pipeline.core.steps.base import Context, Step, Work
from pipeline.core.steps.compiled import compile_function, field_name
from pipeline.core.steps.validate import OPTIONAL

# Values repeat a lot (user agents, titles, page URLs): each distinct one is scrubbed once.
CACHE_SIZE = 8192


class Scrub(Step):
    name = "scrub"
    reasons = frozenset({Reason.BAD_VALUE})

    def __init__(self, policy: Policy) -> None:
        urls = UrlScrubber(policy.query_allowlist, policy.query_denylist)
        # `scrub(event)`: scrubs in place; returns the name of a field it cannot use, or None.
        namespace: dict[str, Any] = {}
        lines = []
        for rule in policy.with_action(Action.SCRUB):
            name = field_name(rule.name)
            namespace[f"_s_{name}"] = self._scrubber(rule, urls)
            if rule.schemes:  # a URL of these schemes is required: anything else is a bad value
                lines += [f"v = _s_{name}(e.{name})", f"if v is None: return {name!r}",
                          f"e.{name} = v"]  # fmt: skip
            elif name in OPTIONAL:
                lines.append(f"if e.{name} is not None: e.{name} = _s_{name}(e.{name})")
            else:
                lines.append(f"e.{name} = _s_{name}(e.{name})")
        lines.append("return None")
        self.scrub = compile_function("scrub", "e", lines, namespace)

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
        scrub = self.scrub
        for work in batch:
            bad = scrub(work.event)
            if bad is None:
                kept.append(work)
            else:
                ctx.reject(work, Reason.BAD_VALUE, bad)
        return kept
