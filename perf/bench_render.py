"""Benchmark: drawing a 4-panel tap heatmap PNG with a colour bar, matplotlib vs datashader.

The measurement behind choosing matplotlib for `anonymizer heatmap`. Each run is a fresh
process (imports and datashader's just-in-time compilation count: a CLI pays them every time):
N points in 4 viewport classes, 80% around a hot spot, binned to 20 px cells over a 1,400 x
5,000 px page, drawn as four log-scaled images with a shared colour bar. matplotlib bins with
numpy's histogram2d; datashader with Canvas.points, and still needs matplotlib for axes, titles
and the legend. datashader is not a dependency: run its half in a throwaway environment that
has it (for example a scratch project with `uv add datashader matplotlib`).

    python perf/bench_render.py [--points 1000000] [--engine matplotlib|datashader|both]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

WIDTH, HEIGHT, CELL = 1_400, 5_000, 20


def draw(engine: str, points: int, path: str) -> None:
    """Make the points, bin them with `engine`, draw and save the PNG; print the figures."""
    started = time.perf_counter()
    import numpy as np

    rng = np.random.default_rng(1)
    classes = rng.integers(0, 4, points)
    on_spot = rng.random(points) < 0.8
    x = np.where(on_spot, rng.normal(600, 40, points), rng.random(points) * WIDTH).clip(
        0, WIDTH - 1
    )
    y = np.where(on_spot, rng.normal(500, 60, points), rng.random(points) * HEIGHT).clip(
        0, HEIGHT - 1
    )
    made = time.perf_counter()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import LogNorm
    from matplotlib.figure import Figure

    grids = []
    if engine == "matplotlib":
        for k in range(4):
            mask = classes == k
            h, _, _ = np.histogram2d(x[mask], y[mask], bins=(WIDTH // CELL, HEIGHT // CELL),
                                     range=((0, WIDTH), (0, HEIGHT)))  # fmt: skip
            grids.append(h.T)
    else:
        import datashader as ds
        import pandas as pd

        frame = pd.DataFrame({"x": x, "y": y, "c": classes})
        canvas = ds.Canvas(plot_width=WIDTH // CELL, plot_height=HEIGHT // CELL,
                           x_range=(0, WIDTH), y_range=(0, HEIGHT))  # fmt: skip
        for k in range(4):
            grids.append(canvas.points(frame[frame.c == k], "x", "y", agg=ds.count()).values)
    figure = Figure(figsize=(14, 7), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(1, 4)
    image = None
    for k, (ax, grid) in enumerate(zip(axes, grids, strict=True)):
        image = ax.imshow(grid, extent=(0, WIDTH, HEIGHT, 0), aspect="auto", cmap="YlOrRd",
                          norm=LogNorm(vmin=1, vmax=max(float(grid.max()), 1.0)))  # fmt: skip
        ax.set_title(f"class {k}: {int(grid.sum()):,} taps")
    figure.colorbar(image, ax=list(axes), label="taps per cell")
    figure.savefig(path, dpi=80)
    done = time.perf_counter()
    with open("/proc/self/status") as status:
        peak = int(status.read().split("VmHWM:")[1].split()[0]) // 1024
    print(f"{engine:>10}  {points:>10,} points  {done - made:6.2f} s to import, bin and draw  "
          f"{done - started:6.2f} s in all  peak RSS {peak:>4} MB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--engine", choices=("matplotlib", "datashader", "both"), default="both")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    engines = ("matplotlib", "datashader") if args.engine == "both" else (args.engine,)
    if args.child:
        with tempfile.TemporaryDirectory() as tmp:
            draw(args.engine, args.points, os.path.join(tmp, "heatmap.png"))
        return
    for engine in engines:
        argv = [
            sys.executable,
            __file__,
            "--child",
            "--engine",
            engine,
            "--points",
            str(args.points),
        ]
        done = subprocess.run(argv, capture_output=True, text=True)
        print(
            done.stdout.strip()
            or f"{engine:>10}  not available: {done.stderr.strip().splitlines()[-1]}"
        )


if __name__ == "__main__":
    main()
