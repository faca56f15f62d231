"""Screens and viewports: common sizes with their weights, then a long tail.

Screen sizes are CSS pixels (what `screen.width` reports). The weights are approximate shares,
made by hand from StatCounter GlobalStats "Screen Resolution Stats Japan" (desktop, mobile and
tablet, 2024: 1920x1080 about a third of desktop, 1366x768 and 1536x864 next; iPhone sizes
390x844, 393x852 and 430x932 leading mobile) and Apple's and Google's published device
specifications for the sizes themselves. Nothing was fitted; the point is the shape: a few sizes
carry most visitors, and a tail of rarer ones (scaled desktops at 110-175% zoom, old phones)
makes rare, identifying values exist, as they do in real traffic.

Viewports (`innerWidth` x `innerHeight`) follow from the screen: most desktop windows are
maximized (the viewport is the screen less the taskbar and the browser's toolbars, a few fixed
heights), the rest are resized to any width (the long tail of desktop viewports); phones show the
full width and the screen height less the browser bars, and a few are held in landscape.
"""

from __future__ import annotations

import random

Size = tuple[int, int]

# kind -> ((width, height), weight in per cent of that kind), most common first.
# fmt: off
_COMMON: dict[str, tuple[tuple[Size, float], ...]] = {
    "windows": (
        ((1920, 1080), 33), ((1536, 864), 11), ((1366, 768), 10), ((2560, 1440), 6),
        ((1280, 720), 5), ((1440, 900), 4), ((1600, 900), 4), ((1920, 1200), 3.5),
        ((1280, 800), 3), ((1280, 1024), 2.5), ((1680, 1050), 2), ((3840, 2160), 2),
        ((1360, 768), 1.5), ((2048, 1152), 1.2), ((1707, 960), 1.2), ((2560, 1080), 0.8),
        ((1280, 960), 0.6), ((1024, 768), 0.5),
    ),
    "mac": (
        ((1440, 900), 18), ((1512, 982), 16), ((1470, 956), 12), ((1920, 1080), 10),
        ((1728, 1117), 8), ((2560, 1440), 8), ((1680, 1050), 6), ((1280, 800), 5),
        ((1536, 960), 4), ((1800, 1169), 2), ((2240, 1260), 1.5), ((3008, 1692), 1),
    ),
    "iphone": (
        ((390, 844), 24), ((393, 852), 20), ((375, 667), 11), ((430, 932), 10),
        ((414, 896), 8), ((375, 812), 8), ((428, 926), 6), ((402, 874), 4), ((440, 956), 3),
        ((320, 568), 1),
    ),
    "android": (
        ((412, 915), 19), ((360, 800), 14), ((393, 873), 8), ((384, 854), 8),
        ((412, 892), 7), ((360, 780), 6), ((412, 869), 5), ((384, 832), 5), ((360, 760), 4),
        ((412, 846), 4), ((411, 914), 3), ((432, 960), 2), ((360, 640), 2), ((448, 997), 1),
    ),
    "ipad": (
        ((820, 1180), 30), ((768, 1024), 25), ((810, 1080), 20), ((1024, 1366), 10),
        ((834, 1194), 10), ((744, 1133), 5),
    ),
    "android_tablet": (((800, 1280), 40), ((1280, 800), 25), ((962, 601), 20), ((600, 960), 15)),
}
# fmt: on
KINDS: tuple[str, ...] = tuple(_COMMON)
_TAIL_SHARE = {"windows": 0.06, "mac": 0.04, "iphone": 0.01, "android": 0.05}
_ZOOMS = (1.1, 1.2, 1.25, 1.5, 1.75)
_WIN_CHROME = (125, 133, 157, 121, 172)  # taskbar + tabs/address bar (+ bookmarks) heights
_MAC_CHROME = (113, 87, 120, 166)  # menu bar + toolbars (+ dock when shown)
_PHONE_BARS = {"iphone": (84, 162, 190), "android": (56, 112, 136)}
_CUMULATIVE: dict[str, tuple[list[Size], list[float]]] = {}


def common(kind: str) -> tuple[Size, ...]:
    """The common screens of `kind`, most frequent first."""
    return tuple(size for size, _ in _COMMON[kind])


def weighted(kind: str) -> tuple[tuple[Size, float], ...]:
    """The common screens of `kind` with their weights (per cent of that kind)."""
    return _COMMON[kind]


def pick_screen(rng: random.Random, kind: str) -> Size:
    """A screen of `kind`: a common size by weight, or (rarely) one of the long tail."""
    tail = _TAIL_SHARE.get(kind, 0.0)
    if tail and rng.random() < tail:
        return _tail_screen(rng, kind)
    cached = _CUMULATIVE.get(kind)
    if cached is None:
        sizes = _COMMON[kind]
        cached = _CUMULATIVE[kind] = ([s for s, _ in sizes], _accumulate([w for _, w in sizes]))
    return rng.choices(cached[0], cum_weights=cached[1], k=1)[0]


def _accumulate(weights: list[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def _tail_screen(rng: random.Random, kind: str) -> Size:
    """A rare size: a common panel at an OS zoom level (desktop) or an odd phone."""
    if kind in ("windows", "mac"):
        w, h = rng.choice(((2560, 1440), (1920, 1080), (3840, 2160), (2880, 1800), (1920, 1200)))
        zoom = rng.choice(_ZOOMS)
        return round(w / zoom), round(h / zoom)
    width = rng.choice((320, 340, 348, 354, 360, 375, 384, 390, 393, 400, 412, 414, 424, 432))
    return width, int(width * rng.uniform(1.77, 2.34))


def viewport(rng: random.Random, kind: str, screen: Size) -> Size:
    """The viewport a browser on `screen` of `kind` reports."""
    w, h = screen
    if kind == "windows" or kind == "mac":
        bars = rng.choice(_WIN_CHROME if kind == "windows" else _MAC_CHROME)
        if rng.random() < 0.72:  # maximized: full width, fixed toolbars
            return w, max(h - bars, 200)
        return rng.randint(min(640, w), w), rng.randint(min(400, h - bars), max(h - bars, 200))
    if kind in ("iphone", "android"):
        bars = rng.choice(_PHONE_BARS[kind])
        if rng.random() < 0.04:  # landscape
            return h, max(w - 40, 200)
        return w, h - bars
    return w, h - rng.choice((70, 74, 110))  # tablets
