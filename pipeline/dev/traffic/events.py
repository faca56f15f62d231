"""TrafficGenerator: a deterministic stream of realistic RawWebEvent v1 payloads and garbage.

Sessions start as a Poisson process (visitors drawn by a Zipf law, `visitors`); each session
then plans its next events a few seconds to minutes apart (`sessions`), so the mean event rate is
`events_per_second` whatever the number of visitors. Taps and clicks land around the hot spots of
`layout`; A/B exposures follow `experiments`, whose conversions are planned ahead in the same
way; with `diurnal`, session starts follow the daily rhythm of `rhythm`.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass

import orjson

from pipeline.dev.traffic import content, experiments, garbage, ipforms, layout, personal, rhythm
from pipeline.dev.traffic.sessions import FOLLOW_UPS, Plan, Session, Sessions
from pipeline.dev.traffic.visitors import Visitor, ZipfPicker, build_population

_DAY_MS = 86_400_000
# Cumulative thresholds: page_view, click-or-tap, scroll, ab_exposure, conversion.
_TYPE_CUTS = (0.45, 0.75, 0.90, 0.96, 1.0)
_GOAL_PAGE = {"add_to_cart": 1, "purchase": 2}  # index into a site's pages (cart, complete)
_POOL = 512


@dataclass(frozen=True, slots=True)
class GeneratedEvent:
    """One generated message: the raw bytes and, for garbage, what kind of garbage it is."""

    payload: bytes  # the raw JSON bytes (or garbage bytes)
    garbage: str | None  # None for a valid event, else a kind from garbage.KINDS


class TrafficGenerator:
    """Deterministic raw web traffic: the same arguments give a byte-identical stream."""

    def __init__(
        self,
        seed: int = 0,
        *,
        sites: int = 8,
        visitors: int = 20_000,
        start_ms: int = 1_764_000_000_000,
        days: int = 3,
        garbage: float = 0.05,
        events_per_second: float = 1000.0,
        diurnal: bool = False,
    ) -> None:
        if sites < 1 or visitors < 1 or days < 1 or events_per_second <= 0:
            raise ValueError("sites, visitors, days and events_per_second must be positive")
        if not 0.0 <= garbage <= 1.0:
            raise ValueError("garbage must be a fraction between 0 and 1")
        self.seed, self.sites, self.visitors = seed, sites, visitors
        self.start_ms, self.days, self.garbage = start_ms, days, garbage
        self.events_per_second = events_per_second
        self.diurnal = diurnal  # rates follow the JST daily rhythm (mean rate unchanged)

    def payloads(self, count: int) -> list[bytes]:
        """The first `count` payloads of the stream."""
        return [e.payload for e in self.events(count)]

    def events(self, count: int | None = None) -> Iterator[GeneratedEvent]:
        """The stream from its start: `count` events, or endless when `count` is None."""
        return _Stream(self).run(count)


class _Stream:
    """One pass over the stream (all mutable state lives here, so generators are reusable)."""

    def __init__(self, g: TrafficGenerator) -> None:
        setup = random.Random(f"traffic-setup:{g.seed}")
        self.rng = random.Random(f"traffic-events:{g.seed}")
        self.g = g
        self.site_ids = content.site_ids(g.sites)
        self.pages = content.site_pages(setup, g.sites)
        self.people: list[Visitor] = build_population(setup, g.visitors, g.sites)
        self.zipf = ZipfPicker(g.visitors)
        self.queries = content.query_pool(setup)
        self.referrers = content.referrer_pool()
        self.attributes = [
            orjson.Fragment(orjson.dumps(personal.attributes(setup))) for _ in range(_POOL)
        ]
        self.extras = [personal.extra_keys(setup) for _ in range(_POOL // 4)]
        self.kinds = garbage.KINDS
        self.kind_cuts = list(itertools.accumulate(garbage.KIND_WEIGHTS.values()))
        self.sessions = Sessions(self.rng, g.sites)
        self.mean_gap_ms = 1000.0 / g.events_per_second * (1.0 + FOLLOW_UPS)  # between starts
        if g.diurnal:  # draw at the peak rate, keep by the hour's weight: same mean rate
            self.mean_gap_ms *= rhythm.MEAN / rhythm.PEAK
        self.end_ms = g.start_ms + g.days * _DAY_MS
        self.decided: dict[tuple[int, bool, int, int], bool] = {}  # exposure unit -> converts
        self.page_kinds: dict[str, str] = {}

    def run(self, count: int | None) -> Iterator[GeneratedEvent]:
        rng, g, sessions = self.rng, self.g, self.sessions
        t = float(g.start_ms)
        n = 0
        while count is None or n < count:
            t += rng.expovariate(1.0) * self.mean_gap_ms
            if t >= self.end_ms:  # emit what is planned, then wrap around and forget history
                while sessions.plans and (count is None or n < count):
                    yield self._emit(self._planned(*sessions.pop()))
                    n += 1
                t = g.start_ms + (t - self.end_ms) % (self.end_ms - g.start_ms)
                sessions.clear()
                continue
            if g.diurnal and rng.random() * rhythm.PEAK >= rhythm.weight(int(t)):
                continue
            while sessions.due(t) and (count is None or n < count):
                yield self._emit(self._planned(*sessions.pop()))
                n += 1
            if count is not None and n >= count:
                break
            who = self.zipf.pick(rng.random())
            yield self._emit(self.event(int(t), who))
            self._follow(int(t), who, sessions.follow_ups())
            n += 1

    def _emit(self, event: dict) -> GeneratedEvent:
        rng = self.rng
        if rng.random() < self.g.garbage:
            kind = self.kinds[
                bisect.bisect_right(self.kind_cuts, rng.random() * self.kind_cuts[-1])
            ]
            return GeneratedEvent(garbage.corrupt(rng, event, kind), kind)
        return GeneratedEvent(orjson.dumps(event), None)

    def _follow(self, now: int, who: int, left: int) -> None:
        """Plan the session's next event, if any is left and it falls inside the stream."""
        if left > 0:
            at = now + self.sessions.next_gap()
            if at < self.end_ms:
                self.sessions.plan(at, Plan(who, 0, False, None, left - 1))

    def _planned(self, now: int, plan: Plan) -> dict:
        """The event a plan stands for, at its time."""
        if plan.goal is None:
            ev = self.event(now, plan.who)
            self._follow(now, plan.who, plan.left)
            return ev
        s = self.sessions.get(plan.who, self.people[plan.who], now)
        pages = self.pages[plan.site]
        page = pages[_GOAL_PAGE[plan.goal]] if plan.goal in _GOAL_PAGE else s.page or pages[0]
        ev = self._build(now, plan.who, s, "conversion", page, None, plan.site, plan.use_alt)
        ev["conversion_goal"] = plan.goal
        return ev

    def event(self, now: int, who: int) -> dict:
        """A valid event at `now` of visitor `who`, continuing its session."""
        rng = self.rng
        s = self.sessions.get(who, self.people[who], now)
        u = rng.random()
        person = self.people[who]
        etype = "page_view" if u < _TYPE_CUTS[0] or s.page is None else self._type(u, person)
        pages = self.pages[s.site]
        referrer: str | None
        if etype == "page_view":
            referrer = s.page.url if s.page is not None else rng.choice(self.referrers)
            s.page = pages[int(rng.random() * len(pages))]
            s.page_views += 1
        else:
            referrer = None
        assert s.page is not None
        ev = self._build(now, who, s, etype, s.page, referrer, s.site, s.use_alt)
        self._details(ev, etype, who, s)
        return ev

    def _build(self, now: int, who: int, s: Session, etype: str, page: content.Page,
               referrer: str | None, site: int, use_alt: bool) -> dict:  # fmt: skip
        rng = self.rng
        person = self.people[who]
        url, title = self._url_title(page)
        address = person.alt_ip if use_alt and person.alt_ip else person.ip
        usable = etype in ("ab_exposure", "conversion")  # keeps the A/B truth exact
        ip, xff = ipforms.render(rng, address, ":" in address, person.proxy, usable)
        ev: dict = {
            "event_id": _uuid4(rng.getrandbits(128)),
            "event_type": etype,
            "site_id": self.site_ids[site],
            "event_time": now,
            "ip": ip,
            "forwarded_for": xff,
            "user_agent": person.device.user_agent,
            "language": person.language,
            "charset": person.charset,
            "platform": person.device.platform,
            "screen_width": person.screen[0],
            "screen_height": person.screen[1],
            "color_depth": person.color_depth,
            "viewport_width": person.viewport[0],
            "viewport_height": person.viewport[1],
            "url": url,
            "title": title,
            "referrer": referrer,
            "x": None,
            "y": None,
            "scroll_depth": None,
            "visitor_cookie": person.cookie,
            "session_id": s.session_id,
            "page_views": max(s.page_views, 1),
            "last_visit_time": s.prev_visit_ms,
            "experiment_id": None,
            "variant_id": None,
            "conversion_goal": None,
            "attributes": None if rng.random() < 0.1 else self.attributes[rng.getrandbits(9)],
        }
        if ip is ipforms.ABSENT:
            del ev["ip"]
        if rng.random() < 0.05:
            ev.update(self.extras[rng.getrandbits(7)])
        return ev

    def _type(self, u: float, person: Visitor) -> str:
        if u < _TYPE_CUTS[1]:
            return "tap" if person.device.mobile else "click"
        if u < _TYPE_CUTS[2]:
            return "scroll"
        return "ab_exposure" if u < _TYPE_CUTS[3] else "conversion"

    def _details(self, ev: dict, etype: str, who: int, s: Session) -> None:
        rng = self.rng
        if etype in ("tap", "click"):
            assert s.page is not None
            kind = self.page_kinds.get(s.page.url)
            if kind is None:
                kind = self.page_kinds[s.page.url] = layout.page_kind(s.page.url)
            ev["x"], ev["y"] = layout.tap(rng, kind, self.people[who].viewport)
        elif etype == "scroll":
            ev["scroll_depth"] = rng.choice((25, 50, 75, 90, 100, rng.randrange(101)))
        elif etype == "ab_exposure":
            self._expose(ev, who, s)
        elif etype == "conversion":
            ev["conversion_goal"] = rng.choice(experiments.BACKGROUND_GOALS)

    def _expose(self, ev: dict, who: int, s: Session) -> None:
        """An exposure to the site's experiment; the unit's first decides its conversion."""
        exp = experiments.for_site(s.site)
        variant = experiments.variant_of(who, exp, self.g.seed)
        ev["experiment_id"], ev["variant_id"] = exp.experiment_id, variant
        now = ev["event_time"]
        use_alt = s.use_alt and self.people[who].alt_ip is not None
        unit = (who, use_alt, s.site, now // _DAY_MS)
        if unit in self.decided:
            return
        converts = self.decided[unit] = self.rng.random() < exp.rate(variant)
        if converts:
            delay = self.rng.randrange(experiments.MIN_DELAY_MS, experiments.MAX_DELAY_MS)
            at = experiments.conversion_time(now, delay, self.end_ms)
            plan = Plan(who, s.site, use_alt, exp.goal)
            self.sessions.plan(at, plan)

    def _url_title(self, page: content.Page) -> tuple[str, str]:
        rng = self.rng
        url, title = page.url, page.title
        r = rng.random()
        if r < 0.015:
            host_end = url.index("/", 8)
            url = url[:host_end] + personal.path_plant(rng)
        elif url.endswith("/search"):
            url += content.search_query(rng)
        else:
            url += self.queries[int(rng.random() * len(self.queries))]
        if r > 0.99:
            title += personal.title_plant(rng)
        elif r > 0.985:
            title = ""
        return url, title


def _uuid4(bits: int) -> str:
    """A version-4 UUID string from 128 random bits."""
    h = f"{(bits & ~(0xF << 76) & ~(0x3 << 62)) | (0x4 << 76) | (0x2 << 62):032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
