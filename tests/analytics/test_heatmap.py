"""Heatmap binning on hand-made taps: classes, cells, events, visitors, page patterns, figures."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.analytics.abtest import Attribution
from pipeline.analytics.heatmap import (
    CLASSES,
    Heatmap,
    class_label,
    densest,
    total_variation,
    url_path,
    viewport_class,
)
from pipeline.analytics.plots import abtest_figure, heatmap_figure, limit, save_png
from tests.analytics.analytics_records import DAY, conversion, exposure, rec, tap


@pytest.mark.parametrize(
    ("width", "name"),
    [
        (0, "phone"),
        (390, "phone"),
        (599, "phone"),
        (600, "tablet"),
        (999, "tablet"),
        (1000, "laptop"),
        (1399, "laptop"),
        (1400, "desktop"),
        (3840, "desktop"),
    ],
)
def test_viewport_classes(width: int, name: str) -> None:
    assert viewport_class(width) == name


@given(width=st.integers(0, 20_000))
def test_the_outputs_50_px_buckets_never_change_a_class(width: int) -> None:
    assert viewport_class(width // 50 * 50) == viewport_class(width)
    assert all(low % 50 == 0 and (high is None or high % 50 == 0) for _, low, high in CLASSES)


def test_labels() -> None:
    assert class_label("phone") == "phone (< 600 px)"
    assert class_label("laptop") == "laptop (1,000-1,399 px)"
    assert class_label("desktop") == "desktop (>= 1,400 px)"


def test_cells_events_and_visitors() -> None:
    records = [
        tap("a", 10, 10),
        tap("a", 19, 0),
        tap("b", 20, 39),  # phone: cells (0,0) x2, (1,1)
        tap("b", 5, 5, t=DAY),  # the same key the next day: another visitor
        tap(None, 0, 0),  # no visitor_key: an event, no visitor
        tap("c", 700, 300, width=1920),  # desktop
        tap("c", 700, 300, width=1920, path="/cart"),  # another page
        tap("c", 700, 300, width=1920, site="site-0002"),  # another site
        rec("click", "d", 0, x=None, y=None),  # no coordinates: skipped, counted
        rec("page_view", "d", 0, x=5, y=5),  # not a tap or click
    ]
    heatmap = Heatmap("site-0001", "/").add_all(records)
    phone, desktop = heatmap.panels()
    assert phone.name == "phone" and phone.events == 5 and phone.visitors == 3
    assert phone.cells == {(0, 0): 4, (1, 1): 1}
    assert (phone.max_x, phone.max_y) == (20, 39)
    assert desktop.name == "desktop" and desktop.events == 1 and desktop.cells == {(35, 15): 1}
    assert heatmap.skipped == 1
    assert densest(phone) == [((0, 0), 4)]
    assert phone.density() == {(0, 0): 0.8, (1, 1): 0.2}


def test_path_patterns_and_bin_size() -> None:
    records = [tap("a", 0, 0, path="/products/food/1"), tap("a", 99, 99, path="/products/x/2"),
               tap("a", 0, 0, path="/product")]  # fmt: skip
    (panel,) = Heatmap("site-0001", "/products/*", bin_px=50).add_all(records).panels()
    assert panel.cells == {(0, 0): 1, (1, 1): 1}
    assert Heatmap("site-0001", "/products/food/1").add_all(records).panels()[0].events == 1
    assert Heatmap("site-0001", "/nothing").add_all(records).panels() == []
    assert url_path("https://a.example.jp/p/q?x=1#f") == "/p/q"
    assert url_path("https://a.example.jp") == "/" and url_path(None) == "/"
    with pytest.raises(ValueError):
        Heatmap("s", "/", bin_px=0)


def test_total_variation() -> None:
    a = Heatmap("site-0001", "/").add_all([tap("a", 0, 0), tap("a", 30, 0)]).panels()[0]
    b = Heatmap("site-0001", "/").add_all([tap("a", 0, 0), tap("a", 50, 0)]).panels()[0]
    c = Heatmap("site-0001", "/").add_all([tap("a", 90, 90)]).panels()[0]
    assert total_variation(a, a) == 0.0
    assert total_variation(a, b) == pytest.approx(0.5)
    assert total_variation(a, c) == pytest.approx(1.0)


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_figures_are_pngs(tmp_path: Path) -> None:
    records = [tap(f"v{i}", 10 * i, 5 * i) for i in range(40)]
    records += [tap("w", 1200, 400, width=1920)] * 3
    panels = Heatmap("site-0001", "/").add_all(records).panels()
    assert limit(panels[:1], 1, share=1.0, step=100) == 200  # y up to 195, rounded up
    assert limit(panels, 1, share=1.0, step=100) == 500  # the desktop tap's cell ends at 419
    assert limit(panels, 1, share=0.9, step=100) == 200  # 90% of taps are the phone's
    out = tmp_path / "h.png"
    save_png(heatmap_figure(panels, "site-0001 /"), out)
    width, height = _png_size(out)
    assert width > height > 300
    result = Attribution("exp-1").add_all([exposure("a", 1, "control"), conversion("a", 2),
                                           exposure("b", 1, "B")]).result()  # fmt: skip
    save_png(abtest_figure(result), tmp_path / "ab.png")
    assert _png_size(tmp_path / "ab.png")[0] > 300
    with pytest.raises(ValueError):
        heatmap_figure([], "nothing")
