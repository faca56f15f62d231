"""TrafficGenerator: a deterministic stream of realistic RawWebEvent v1 payloads and garbage."""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass

import orjson

from pipeline.traffic import content, garbage, ipforms, personal
from pipeline.traffic.visitors import Visitor, ZipfPicker, build_population

_SESSION_GAP_MS = 30 * 60 * 1000
_DAY_MS = 86_400_000
# Cumulative thresholds: page_view, click-or-tap, scroll, ab_exposure, conversion.
_TYPE_CUTS = (0.45, 0.75, 0.90, 0.96, 1.0)
_EXPERIMENTS = (
    ("exp-hero-banner-2025q4", ("control", "A", "B")),
    ("exp-free-shipping", ("on", "off")),
)
_GOALS = ("purchase", "add_to_cart", "signup", "newsletter", "contact_form")
_POOL = 512


@dataclass(frozen=True, slots=True)
class GeneratedEvent:
    """One generated message: the raw bytes and, for garbage, what kind of garbage it is."""

    payload: bytes  # the raw JSON bytes (or garbage bytes)
    garbage: str | None  # None for a valid event, else a kind from garbage.KINDS


class _Session:
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
    ) -> None:
        if sites < 1 or visitors < 1 or days < 1 or events_per_second <= 0:
            raise ValueError("sites, visitors, days and events_per_second must be positive")
        if not 0.0 <= garbage <= 1.0:
            raise ValueError("garbage must be a fraction between 0 and 1")
        self.seed, self.sites, self.visitors = seed, sites, visitors
        self.start_ms, self.days, self.garbage = start_ms, days, garbage
        self.events_per_second = events_per_second

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
        self.sessions: dict[int, _Session] = {}
        self.mean_gap_ms = 1000.0 / g.events_per_second
        self.end_ms = g.start_ms + g.days * _DAY_MS

    def run(self, count: int | None) -> Iterator[GeneratedEvent]:
        rng, frac = self.rng, self.g.garbage
        t = float(self.g.start_ms)
        n = 0
        while count is None or n < count:
            t += rng.expovariate(1.0) * self.mean_gap_ms
            if t >= self.end_ms:  # wrap around and forget history, so times never go backwards
                t = self.g.start_ms + (t - self.end_ms) % (self.end_ms - self.g.start_ms)
                self.sessions.clear()
            event = self.event(int(t))
            if rng.random() < frac:
                kind = self.kinds[
                    bisect.bisect_right(self.kind_cuts, rng.random() * self.kind_cuts[-1])
                ]
                yield GeneratedEvent(garbage.corrupt(rng, event, kind), kind)
            else:
                yield GeneratedEvent(orjson.dumps(event), None)
            n += 1

    def _session(self, who: int, person: Visitor, now: int) -> _Session:
        rng = self.rng
        s = self.sessions.get(who)
        if s is None:
            s = self.sessions[who] = _Session()
        if s.last_ms < 0 or now - s.last_ms > _SESSION_GAP_MS:
            if s.last_ms >= 0:
                s.prev_visit_ms = s.last_ms
            s.session_id = f"{rng.getrandbits(64):016x}.{now // 1000}" if person.cookie else None
            s.site = person.home_site if rng.random() < 0.85 else rng.randrange(self.g.sites)
            s.use_alt = person.alt_ip is not None and rng.random() < 0.4
            s.page = None
        s.last_ms = now
        return s

    def event(self, now: int) -> dict:
        """A valid event at `now` for a visitor drawn from the population."""
        rng = self.rng
        who = self.zipf.pick(rng.random())
        person = self.people[who]
        s = self._session(who, person, now)
        u = rng.random()
        etype = "page_view" if u < _TYPE_CUTS[0] or s.page is None else self._type(u, person)
        pages = self.pages[s.site]
        referrer: str | None
        if etype == "page_view":
            referrer = s.page.url if s.page is not None else rng.choice(self.referrers)
            s.page = pages[int(rng.random() * len(pages))]
            s.page_views += 1
        else:
            referrer = None
        page = s.page
        assert page is not None
        url, title = self._url_title(page)
        ip, xff = ipforms.render(
            rng, person.alt_ip if s.use_alt else person.ip, person.v6, person.proxy
        )
        ev: dict = {
            "event_id": _uuid4(rng.getrandbits(128)),
            "event_type": etype,
            "site_id": self.site_ids[s.site],
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
        self._details(ev, etype, person)
        if rng.random() < 0.05:
            ev.update(self.extras[rng.getrandbits(7)])
        return ev

    def _type(self, u: float, person: Visitor) -> str:
        if u < _TYPE_CUTS[1]:
            return "tap" if person.device.mobile else "click"
        if u < _TYPE_CUTS[2]:
            return "scroll"
        return "ab_exposure" if u < _TYPE_CUTS[3] else "conversion"

    def _details(self, ev: dict, etype: str, person: Visitor) -> None:
        rng = self.rng
        if etype in ("tap", "click"):
            ev["x"] = int(rng.random() * person.viewport[0])
            ev["y"] = int(rng.random() * person.viewport[1] * 6)
        elif etype == "scroll":
            ev["scroll_depth"] = rng.choice((25, 50, 75, 90, 100, rng.randrange(101)))
        elif etype == "ab_exposure":
            exp, variants = _EXPERIMENTS[rng.getrandbits(1)]
            ev["experiment_id"], ev["variant_id"] = exp, rng.choice(variants)
        elif etype == "conversion":
            ev["conversion_goal"] = rng.choice(_GOALS)

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
