"""Scrubbing of free text and URLs, as the policy's `scrub` entries say."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, partial
from typing import Any

from pipeline.core.closed_values import reduce_charset, reduce_language, reduce_platform
from pipeline.core.contract import OPTIONAL
from pipeline.core.policy import Action, FieldRule, Policy
from pipeline.core.reasons import Reason
from pipeline.core.scrub_text import scrub_text
from pipeline.core.steps.base import Context, Setup, Step, Work
from pipeline.core.steps.compiled import compile_function, field_name
from pipeline.core.url.scrub import KEPT_SCHEMES, UrlScrubber
from pipeline.core.user_agent import reduce_user_agent

# Formats whose values come from a closed vocabulary: reduced to a member of it, not scrubbed.
CLOSED: dict[str, Callable[[str], str]] = {
    "language": reduce_language,
    "charset": reduce_charset,
    "platform": reduce_platform,
}
# Values repeat a lot (user agents, titles, page URLs): each distinct one is scrubbed once.
CACHE_SIZE = 8192


class Scrub(Step):
    """Free text scrubbed; URLs reduced. A URL field with `schemes` must be such a URL (else the
    record is a bad value); any other URL field keeps http/https only and is null otherwise.
    What a URL loses (query parameters, a referrer's scheme) is counted in `ctx.dropped`."""

    name = "scrub"
    reasons = frozenset({Reason.BAD_VALUE})

    def __init__(self, policy: Policy) -> None:
        urls = UrlScrubber(policy.query_allowlist, policy.query_denylist)
        # `scrub(event, counts)`: scrubs in place, adds the URL drop labels of a kept record to `counts`; returns
        # the name of a field it cannot use, or None. Cached URL scrubbers return (value, labels).
        namespace: dict[str, Any] = {}
        lines = ["d = ()"]
        for rule in policy.with_action(Action.SCRUB):
            name = field_name(rule.name)
            namespace[f"_s_{name}"] = self._scrubber(rule, urls)
            if rule.format == "url":
                pad = ""
                if name in OPTIONAL:
                    lines.append(f"if e.{name} is not None:")
                    pad = "    "
                lines.append(f"{pad}v, c = _s_{name}(e.{name})")
                if rule.schemes:  # such a URL is required: anything else is a bad value
                    lines.append(f"{pad}if v is None: return {name!r}")
                lines += [f"{pad}if c: d += c", f"{pad}e.{name} = v"]
            elif name in OPTIONAL:
                lines.append(f"if e.{name} is not None: e.{name} = _s_{name}(e.{name})")
            else:
                lines.append(f"e.{name} = _s_{name}(e.{name})")
        page = next(
            (field_name(r.name) for r in policy.with_action(Action.SCRUB) if r.schemes), None
        )
        for rule in policy.with_action(Action.SCRUB):  # after every URL is scrubbed and normalized
            if rule.cross_site == "origin" and page is not None:
                name = field_name(rule.name)
                namespace["_origin"] = cross_site_origin
                lines.append(f"if e.{name} is not None: e.{name} = _origin(e.{name}, e.{page})")
        lines += ["for x in d: counts[x] += 1", "return None"]  # (Counter.update is slower)
        self.scrub = compile_function("scrub", "e, counts", lines, namespace)

    @classmethod
    def build(cls, setup: Setup) -> Scrub:
        return cls(setup.policy)

    @staticmethod
    def _scrubber(rule: FieldRule, urls: UrlScrubber) -> Callable[[str], Any]:
        assert rule.max_length is not None
        if rule.format == "url":
            schemes = rule.schemes or KEPT_SCHEMES
            scrub = partial(urls.scrub_counted, max_length=rule.max_length, schemes=schemes)
        elif rule.format in CLOSED:
            scrub = CLOSED[rule.format]
        elif rule.format == "user_agent":
            text = partial(scrub_text, max_length=rule.max_length, versions=True)

            def scrub(value: str) -> str:
                return reduce_user_agent(text(value))
        else:
            scrub = partial(scrub_text, max_length=rule.max_length, versions=rule.versions)
        return lru_cache(maxsize=CACHE_SIZE)(scrub)

    def run(self, batch: list[Work], ctx: Context) -> list[Work]:
        kept = []
        scrub, counts = self.scrub, ctx.dropped
        for work in batch:
            bad = scrub(work.event, counts)
            if bad is None:
                kept.append(work)
            else:
                ctx.reject(work, Reason.BAD_VALUE, bad)
        return kept


def _authority(url: str) -> str:
    """A normalized absolute URL's `scheme://host[:port]`."""
    start = url.find("://") + 3
    end = url.find("/", start)
    return url if end < 0 else url[:end]


def cross_site_origin(url: str, page: str) -> str:
    """`url` as it is when it is on the page's own site (same host and port), else its origin:
    the path of another site's page (a profile, a mailbox, a search) is not the page's business."""
    origin = _authority(url)
    if origin.partition("://")[2] == _authority(page).partition("://")[2]:
        return url
    return origin + "/"
