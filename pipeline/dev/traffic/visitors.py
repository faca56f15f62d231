"""The visitor population: stable devices and addresses, Zipf-distributed activity.

Devices come from `agents` (a long tail of user agents, by share), screens and viewports from
`screens` (common sizes by share, then a long tail).
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass
from typing import Generic, TypeVar

from pipeline.dev.traffic import agents, ranges, screens

_JP_SHARE = 0.85
_V6_SHARE = 0.12
_PROXY_SHARE = 0.06
_MOBILE_IP_CHANGE = 0.25  # share of visitors who have a second address (mobile network)
_NO_COOKIE = 0.08


@dataclass(frozen=True, slots=True)
class Visitor:
    """One synthetic browser, stable over the whole stream."""

    ip: str
    alt_ip: str | None
    v6: bool
    proxy: str | None
    device: agents.Device
    screen: tuple[int, int]
    viewport: tuple[int, int]
    language: str
    charset: str
    color_depth: int
    cookie: str | None
    home_site: int


T = TypeVar("T")


class _Weighted(Generic[T]):
    """Weighted choice with the cumulative weights computed once."""

    def __init__(self, items: tuple[T, ...], weights: list[int] | list[float]) -> None:
        self.items = items
        self.cum = list(itertools.accumulate(weights))

    def pick(self, rng: random.Random) -> T:
        return rng.choices(self.items, cum_weights=self.cum, k=1)[0]


def _by_weight(nets: tuple[ranges.GeoNetwork, ...]) -> _Weighted[ranges.GeoNetwork]:
    return _Weighted(nets, [n.weight for n in nets])


class _AddressPicker:
    """Picks hosts in the curated networks by their weights."""

    def __init__(self) -> None:
        jp6 = tuple(n for n in ranges.V6 if n.country == "JP")
        foreign6 = tuple(n for n in ranges.V6 if n.country != "JP")
        self._pools = {
            (True, False): _by_weight(ranges.JP_V4),
            (False, False): _by_weight(ranges.FOREIGN_V4),
            (True, True): _by_weight(jp6),
            (False, True): _by_weight(foreign6),
        }

    def pick(self, rng: random.Random, japanese: bool, v6: bool) -> tuple[str, str]:
        """(address, country) of a new host."""
        net = self._pools[japanese, v6].pick(rng)
        return ranges.address_in(net, rng.getrandbits(64)), net.country


_JP_LANGUAGES = _Weighted(
    tuple(lang for lang, _ in agents.JP_LANGUAGES), [w for _, w in agents.JP_LANGUAGES]
)
_DEVICES = _Weighted(agents.DEVICES, [d.weight for d in agents.DEVICES])


def _language(rng: random.Random, country: str) -> str:
    if country == "JP":
        return _JP_LANGUAGES.pick(rng)
    return rng.choice(agents.FOREIGN_LANGUAGES.get(country, ("en-US",)))


def build_population(rng: random.Random, count: int, sites: int) -> list[Visitor]:
    """`count` visitors, deterministic for a given `rng` state."""
    picker = _AddressPicker()
    out: list[Visitor] = []
    for _ in range(count):
        japanese = rng.random() < _JP_SHARE
        v6 = rng.random() < _V6_SHARE
        ip, country = picker.pick(rng, japanese, v6)
        alt_ip = None
        if rng.random() < _MOBILE_IP_CHANGE:
            alt_ip = picker.pick(rng, japanese, rng.random() < _V6_SHARE)[0]
        device = _DEVICES.pick(rng)
        screen = screens.pick_screen(rng, device.kind)
        out.append(
            Visitor(
                ip=ip,
                alt_ip=alt_ip,
                v6=v6,
                proxy=rng.choice(ranges.PRIVATE_PROXIES) if rng.random() < _PROXY_SHARE else None,
                device=device,
                screen=screen,
                viewport=screens.viewport(rng, device.kind, screen),
                language=_language(rng, country),
                charset=rng.choice(agents.CHARSETS),
                color_depth=rng.choice(agents.COLOR_DEPTHS),
                cookie=None if rng.random() < _NO_COOKIE else f"{rng.getrandbits(64):016x}",
                home_site=min(int(rng.paretovariate(1.2)) - 1, sites - 1),
            )
        )
    return out


class ZipfPicker:
    """Picks visitor indexes with weight 1/(rank+q)**s (Zipf-Mandelbrot): a few very active
    visitors (the top one about 1-2% of all events), then a long tail of occasional ones."""

    def __init__(self, count: int, s: float = 1.0, q: float = 5.0) -> None:
        self._cumulative = list(itertools.accumulate(1.0 / (k + q) ** s for k in range(count)))
        self._total = self._cumulative[-1]
        self._last = count - 1

    def pick(self, u: float) -> int:
        """The visitor index for a uniform draw `u` in [0, 1)."""
        return min(bisect.bisect_right(self._cumulative, u * self._total), self._last)
