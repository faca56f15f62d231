"""Where taps and clicks land: hot spots per kind of page and layout, known in advance.

Page coordinates (`x`, `y`: pixels from the page's top-left corner, as the tag reports them).
Each kind of page has a few hot spots (a menu button, a hero banner, an add-to-cart button, ...)
in two layouts: `narrow` (viewports under 1,000 px: one column, full width) and `wide` (a centred
column at most 1,200 px wide). A hot spot's x is a fraction of that column, its y a fixed page
offset. Most taps fall around a hot spot (a normal spread of `sd` pixels); the rest anywhere on
the page. The positions are made up, in the shape that published click heatmaps of shop pages
show (navigation, the first screen and the call to action take most clicks); they are the
heatmap's ground truth: the densest cells of a page's heatmap must lie on them.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

WIDE_FROM = 1_000  # viewport width at which the layout becomes `wide` (a multiple of 50)
COLUMN = 1_200  # the wide layout's column width
ON_HOT_SPOTS = 0.8  # share of taps and clicks around a hot spot
PAGE_SCREENS = 6  # a page is this many viewport heights long


@dataclass(frozen=True, slots=True)
class HotSpot:
    """A spot that draws taps: x as a fraction of the column, y in page pixels."""

    name: str
    fx: float
    y: int
    sd: float
    weight: float


_H = HotSpot
# fmt: off
_SPOTS: dict[tuple[str, str], tuple[HotSpot, ...]] = {
    ("top", "narrow"): (_H("menu", 0.92, 28, 10, 3), _H("hero", 0.5, 260, 40, 5),
                        _H("search", 0.5, 90, 14, 2)),
    ("top", "wide"): (_H("hero", 0.5, 330, 60, 5), _H("nav", 0.3, 40, 12, 3),
                      _H("search", 0.75, 40, 12, 2)),
    ("product", "narrow"): (_H("add_to_cart", 0.5, 720, 16, 6), _H("gallery", 0.5, 250, 50, 3),
                            _H("menu", 0.92, 28, 10, 1)),
    ("product", "wide"): (_H("add_to_cart", 0.78, 520, 14, 6), _H("gallery", 0.3, 400, 70, 3),
                          _H("nav", 0.3, 40, 12, 1)),
    ("category", "narrow"): (_H("first_item", 0.25, 330, 40, 4), _H("filter", 0.85, 130, 12, 2)),
    ("category", "wide"): (_H("first_item", 0.2, 380, 50, 4), _H("filter", 0.08, 300, 30, 2)),
    ("cart", "narrow"): (_H("checkout", 0.5, 560, 14, 6), _H("quantity", 0.8, 240, 12, 2)),
    ("cart", "wide"): (_H("checkout", 0.82, 360, 14, 6), _H("quantity", 0.55, 260, 12, 2)),
    ("other", "narrow"): (_H("menu", 0.92, 28, 10, 3), _H("content", 0.5, 400, 90, 2)),
    ("other", "wide"): (_H("nav", 0.3, 40, 12, 3), _H("content", 0.5, 450, 120, 2)),
}
# fmt: on
_CUM = {key: list(itertools.accumulate(h.weight for h in spots)) for key, spots in _SPOTS.items()}


def page_kind(url: str) -> str:
    """The kind of page a URL (or path) is: top, product, category, cart or other."""
    rest = url.split("://", 1)[-1]
    path = rest[rest.find("/") :] if "/" in rest else "/"
    path = path.split("?", 1)[0]
    if path == "/":
        return "top"
    if path.startswith("/products/"):
        return "product"
    if path.startswith("/category/"):
        return "category"
    if path == "/cart":
        return "cart"
    return "other"


def layout(viewport_width: int) -> str:
    """`narrow` under WIDE_FROM pixels, else `wide`."""
    return "wide" if viewport_width >= WIDE_FROM else "narrow"


def column(viewport_width: int) -> tuple[int, int]:
    """(left edge, width) of the page's content column."""
    if viewport_width < WIDE_FROM:
        return 0, viewport_width
    width = min(viewport_width, COLUMN)
    return (viewport_width - width) // 2, width


def hot_spots(kind: str, viewport_width: int) -> list[tuple[str, int, int]]:
    """(name, x, y) of the hot spots of a page of `kind` in a viewport this wide."""
    left, width = column(viewport_width)
    return [(h.name, left + round(h.fx * width), h.y)
            for h in _SPOTS[kind, layout(viewport_width)]]  # fmt: skip


def tap(rng: random.Random, kind: str, viewport: tuple[int, int]) -> tuple[int, int]:
    """Page coordinates of one tap or click on a page of `kind` seen in `viewport`."""
    vw, vh = max(viewport[0], 1), max(viewport[1], 1)
    if rng.random() >= ON_HOT_SPOTS:
        return int(rng.random() * vw), int(rng.random() * vh * PAGE_SCREENS)
    spots = _SPOTS[kind, layout(vw)]
    spot = rng.choices(spots, cum_weights=_CUM[kind, layout(vw)], k=1)[0]
    left, width = column(vw)
    x = rng.gauss(left + spot.fx * width, spot.sd)
    y = rng.gauss(spot.y, spot.sd)
    return min(max(int(x), 0), vw - 1), max(int(y), 0)
