"""`anonymizer heatmap`: a PNG of tap and click density over page coordinates, per viewport class."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.analytics.heatmap import CLASSES, Heatmap, Panel, class_label, densest, url_path
from pipeline.analytics.units import day_label
from pipeline.cli.output_source import add_source_options, open_source, read_with_progress
from pipeline.errors import ConfigError, UsageError

EXAMPLE = """\
examples:
  anonymizer heatmap --site site-0001 --url-path '/products/*' -i out.jsonl -o products.png
  anonymizer heatmap --site site-0001 --url-path / --topic --from 2026-11-25T00:00Z \\
      --to 2026-11-26T00:00Z -o top.png

--url-path is matched against each record's URL path (fnmatch: * and ? match anything, so
'/products/*' takes every product page). Viewport classes: {classes}. The class boundaries are
multiples of 50 px, so the output's 50 px viewport buckets never change a record's class.
exit status: 0 with a figure written, 1 when no tap or click matched, 2 for a usage error.
"""


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `heatmap` command."""
    classes = ", ".join(class_label(name) for name, _, _ in CLASSES)
    parser = sub.add_parser(
        "heatmap",
        help="draw tap and click density over page coordinates (PNG), per viewport class",
        description="Read anonymized records (a file `anonymize` wrote, or the anonymized "
        "topic over a time range), take the taps and clicks of one site's pages and draw their "
        "density over page coordinates: one panel per viewport class, each with the number of "
        "events and of visitors (visitor_key per site and UTC day) behind it, and a colour bar.",
        epilog=EXAMPLE.format(classes=classes),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--site", required=True, metavar="SITE", help="site_id, e.g. site-0001")
    parser.add_argument(
        "--url-path", required=True, metavar="PATTERN", help="URL path, or a pattern: '/cart'"
    )
    parser.add_argument(
        "--output", "-o", required=True, type=Path, metavar="FILE.png", help="PNG to write"
    )
    parser.add_argument(
        "--bin", type=int, default=20, metavar="PX", help="cell size in page pixels (default 20)"
    )
    parser.add_argument(
        "--max-y", type=int, metavar="PX", help="page height to draw (default: 99%% of taps)"
    )
    parser.add_argument(
        "--dpi", type=int, default=100, metavar="N", help="PNG resolution (default 100)"
    )
    add_source_options(parser)
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def _feed(records: Iterator[dict[str, Any]], heatmap: Heatmap, paths: Counter[str]) -> None:
    """Give every record to the heatmap; count the site's tapped paths (to suggest some)."""
    for record in records:
        heatmap.add(record)
        if record["event_type"] in heatmap.kinds and record["site_id"] == heatmap.site:
            paths[url_path(record.get("url"))] += 1


def _summary(panels: list[Panel]) -> str:
    lines = []
    for p in panels:
        (bx, by), n = densest(p)[0]
        b = p.bin_px
        lines.append(
            f"  {class_label(p.name)}: {p.events:,} taps and clicks, {p.visitors:,} visitors; "
            f"densest cell x {bx * b}-{bx * b + b - 1}, y {by * b}-{by * b + b - 1} "
            f"({n:,} events, {n / p.events:.1%})"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Read, bin, draw; 1 when nothing matched."""
    from pipeline.analytics.plots import heatmap_figure, save_png  # matplotlib only when drawing

    if args.bin < 1 or args.dpi < 10 or (args.max_y is not None and args.max_y < args.bin):
        raise UsageError("--bin must be positive, --dpi at least 10, --max-y one cell or more")
    source = open_source(args, "heatmap")
    heatmap = Heatmap(args.site, args.url_path, args.bin)
    paths: Counter[str] = Counter()
    _feed(read_with_progress(source, "heatmap", quiet=args.quiet), heatmap, paths)
    panels = heatmap.panels()
    if not panels:
        print(f"heatmap: no tap or click of {args.site} on {args.url_path} in "
              f"{source.description}", file=sys.stderr)  # fmt: skip
        if paths:
            top = ", ".join(f"{p} ({n:,})" for p, n in paths.most_common(8))
            print(f"heatmap: most tapped paths of {args.site}: {top}", file=sys.stderr)
        return 1
    days = sorted(heatmap.days)
    span = day_label(days[0]) + ("" if len(days) == 1 else f" to {day_label(days[-1])}")
    title = f"{args.site}  {args.url_path}  ({span}, UTC)"
    try:
        save_png(heatmap_figure(panels, title, args.max_y), args.output, args.dpi)
    except OSError as exc:
        raise ConfigError(f"cannot write {args.output}: {exc.strerror}") from None
    print(f"heatmap of {args.site} {args.url_path} ({span}) from {source.description}:")
    print(_summary(panels))
    print(f"written: {args.output}")
    return 0
