"""Figures (PNG, matplotlib's Agg canvas, no display needed): the heatmap panels, A/B rates."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from pipeline.analytics.abtest import Result
from pipeline.analytics.heatmap import Panel, class_label

_CMAP = "YlOrRd"


def limit(panels: list[Panel], axis: int, share: float = 0.99, step: int = 100) -> int:
    """Where to cut the drawing along x (`axis` 0) or y (1): the `share` quantile of the
    panels' coordinates, rounded up to `step` pixels."""
    lines: dict[int, int] = {}
    for panel in panels:
        for cell, n in panel.cells.items():
            lines[cell[axis] * panel.bin_px] = lines.get(cell[axis] * panel.bin_px, 0) + n
    total, seen = sum(lines.values()), 0
    for at in sorted(lines):
        seen += lines[at]
        if seen >= share * total:
            return max(step, math.ceil((at + panels[0].bin_px) / step) * step)
    return step


def _grid(panel: Panel, width: int, height: int) -> np.ndarray:
    """The panel's density as rows (y) by columns (x) of cells; empty cells masked."""
    b = panel.bin_px
    grid = np.zeros((math.ceil(height / b), math.ceil(width / b)))
    for (bx, by), n in panel.cells.items():
        if by < grid.shape[0] and bx < grid.shape[1]:
            grid[by, bx] = n / panel.events
    return np.ma.masked_equal(grid, 0.0)


def heatmap_figure(panels: list[Panel], title: str, max_y: int | None = None) -> Figure:
    """One panel per viewport class, widths in proportion to their pages, a shared colour bar."""
    if not panels:
        raise ValueError("no taps or clicks to draw")
    height = max_y or limit(panels, 1, step=500)
    widths = [max(limit([p], 0, 0.995), 300) for p in panels]
    figure = Figure(
        figsize=(2.5 + 1.2 * len(panels) + sum(widths) / 500, 8.0), layout="constrained"
    )
    FigureCanvasAgg(figure)
    axes = figure.subplots(1, len(panels), width_ratios=widths, squeeze=False)[0]
    grids = [_grid(p, w, height) for p, w in zip(panels, widths, strict=True)]
    low = min(float(g.min()) for g in grids if g.count())
    high = max(float(g.max()) for g in grids if g.count())
    norm = LogNorm(vmin=low, vmax=max(high, low * 1.0001))
    image = None
    for ax, panel, grid, width in zip(axes, panels, grids, widths, strict=True):
        image = ax.imshow(grid, cmap=_CMAP, norm=norm, extent=(0, width, height, 0),
                          aspect="auto", interpolation="nearest")  # fmt: skip
        b = panel.bin_px
        beyond = sum(
            n for (bx, by), n in panel.cells.items() if by * b >= height or bx * b >= width
        )
        note = f"\n{beyond:,} outside the frame" if beyond else ""
        ax.set_title(f"{class_label(panel.name)}\n{panel.events:,} taps and clicks\n"
                     f"{panel.visitors:,} visitors{note}", fontsize=9)  # fmt: skip
        ax.set_xlabel("x (page px)", fontsize=8)
        ax.tick_params(labelsize=7)
    axes[0].set_ylabel("y (page px)", fontsize=8)
    bin_px = panels[0].bin_px
    bar = figure.colorbar(image, ax=list(axes), shrink=0.8)
    bar.set_label(f"share of the panel's taps and clicks per {bin_px}x{bin_px} px cell", fontsize=8)
    figure.suptitle(title, fontsize=11)
    return figure


def abtest_figure(result: Result) -> Figure:
    """Each variant's conversion rate with its 95% Wilson interval; the control's rate dashed."""
    variants = list(result.variants)
    figure = Figure(figsize=(7.5, 1.6 + 0.55 * len(variants)), layout="constrained")
    FigureCanvasAgg(figure)
    ax = figure.subplots()
    ys = list(range(len(variants)))[::-1]
    for y, v in zip(ys, variants, strict=True):
        colour = "#555555" if v.variant == result.control else "#1f77b4"
        ax.errorbar([100 * v.rate], [y], xerr=[[100 * (v.rate - v.low)], [100 * (v.high - v.rate)]],
                    fmt="o", color=colour, capsize=4)  # fmt: skip
        ax.annotate(f"{v.converted:,}/{v.exposed:,}", (100 * v.high, y), xytext=(6, -3),
                    textcoords="offset points", fontsize=8)  # fmt: skip
    control = next((v for v in variants if v.variant == result.control), None)
    if control is not None:
        ax.axvline(100 * control.rate, color="#555555", linestyle="--", linewidth=1)
    names = [
        f"{v.variant} (control)" if v.variant == result.control else v.variant for v in variants
    ]
    ax.set_yticks(ys, names)
    ax.set_ylim(-0.7, len(variants) - 0.3)
    ax.set_xlabel("conversion rate, % of visitors exposed (95% Wilson interval)")
    goal = f", goal {result.goal}" if result.goal else ""
    ax.set_title(f"{result.experiment}{goal}", fontsize=10)
    ax.margins(x=0.25)
    return figure


def save_png(figure: Figure, path: str | Path, dpi: int = 100) -> None:
    """Write a figure as PNG."""
    figure.savefig(path, format="png", dpi=dpi)
