"""The metric specs rendered as the Markdown table of docs/worker.md (a test keeps it equal)."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.observability.specs import METRICS, Kind, MetricSpec

START = "<!-- metric-table:start -->"
END = "<!-- metric-table:end -->"


def _bound(value: float, seconds: bool) -> str:
    """A bucket bound for people: `10 µs`, `2.5 ms`, `30 s`, `10,000`."""
    if seconds and value < 1e-3:
        return f"{value * 1e6:g} µs"
    if seconds and value < 1:
        return f"{value * 1e3:g} ms"
    number = f"{int(value):,}" if float(value).is_integer() else f"{value:g}"
    return f"{number} s" if seconds else number


def _labels(spec: MetricSpec) -> str:
    parts = []
    for label in spec.labels:
        values = ", ".join(f"`{v}`" for v in label.values)
        parts.append(f"`{label.name}`" + (f" ({values})" if values else ""))
    return ", ".join(parts)


def _meaning(spec: MetricSpec) -> str:
    if spec.kind is not Kind.HISTOGRAM:
        return spec.meaning
    seconds = spec.name.endswith("_seconds")
    bounds = ", ".join(_bound(b, seconds) for b in spec.buckets)
    return f"{spec.meaning}; buckets {bounds}"


def markdown(specs: Iterable[MetricSpec] = METRICS) -> str:
    """The table: metric, type, labels (a closed set's values in brackets), meaning."""
    lines = ["| metric | type | labels | meaning |", "|---|---|---|---|"]
    for spec in specs:
        cells = (f"`{spec.name}`", spec.kind, _labels(spec), _meaning(spec).replace("|", "\\|"))
        lines.append("|" + "|".join(f" {cell} " if cell else " " for cell in cells) + "|")
    return "\n".join(lines)


def docs_block() -> str:
    """The table between its markers, as docs/worker.md holds it."""
    return f"{START}\n{markdown()}\n{END}"
