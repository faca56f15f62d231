"""What the demo shows: live figures (rich), a plain status line, and the final summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from pipeline.dev.demo.sample import Pair

# Raw fields that carry personal data or identifiers (shown in red on the raw side).
PERSONAL = ("ip", "forwarded_for", "visitor_cookie", "session_id", "attributes")
# Output fields that replace them (shown in green on the anonymized side).
DERIVED = ("visitor_key", "session_key", "country", "region", "city", "key_id")
_WIDTH = 200


@dataclass
class Figures:
    """One refresh of the live figures."""

    elapsed: float = 0.0
    generated: int = 0
    generated_rate: float = 0.0
    gen_errors: int = 0
    consumed: float = 0.0
    produced: float = 0.0
    produced_rate: float = 0.0
    rejected: dict[str, float] = field(default_factory=dict)
    rejected_rate: float = 0.0
    lag: float | None = None
    p50: float | None = None
    p99: float | None = None
    runtime: str = ""
    notes: list[str] = field(default_factory=list)
    pair: Pair | None = None

    @property
    def rejected_total(self) -> float:
        return sum(self.rejected.values())


def ms(seconds: float | None) -> str:
    """Latency for humans: '12 ms', '1.3 s', or '-'."""
    if seconds is None:
        return "-"
    return f"{seconds * 1000:,.0f} ms" if seconds < 1 else f"{seconds:,.1f} s"


def _value(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value) if value is None else str(value)
    if isinstance(value, dict):
        text = orjson.dumps(value).decode()
    return text if len(text) <= _WIDTH else text[: _WIDTH - 1] + "…"


def _fields(record: dict[str, Any], styled: tuple[str, ...], style: str) -> Table:
    """Non-null fields as a two-column grid (personal or derived ones in `style`)."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True, min_width=15)
    grid.add_column(no_wrap=True, overflow="ellipsis")
    for key, value in record.items():
        if value is None:
            continue
        line_style = style if key in styled else ""
        grid.add_row(Text(key, style=line_style), Text(_value(value), style=line_style))
    return grid


def sample_panels(pair: Pair | None) -> RenderableType:
    """The raw event and its anonymized record side by side (null fields left out)."""
    if pair is None:
        return Text("waiting for a committed anonymized record…", style="dim")
    raw = Panel(
        _fields(pair.raw, PERSONAL, "red"),
        title="[red]RAW event (synthetic)[/]",
        subtitle="[red]red: personal data[/]",
        border_style="red",
    )
    anon = Panel(
        _fields(pair.anonymized, DERIVED, "green"),
        title="[green]ANONYMIZED record (Avro)[/]",
        subtitle="[green]green: pseudonyms and generalized location[/]",
        border_style="green",
    )
    grid = Table.grid(expand=True, padding=(0, 1))
    grid.add_column(ratio=1)
    grid.add_column(ratio=1)
    grid.add_row(raw, anon)
    return grid


def sample_lines(pair: Pair) -> list[str]:
    """The sample pair as two plain JSON lines."""
    return [
        "sample raw event (synthetic):  " + orjson.dumps(pair.raw).decode(),
        "sample anonymized record:      " + orjson.dumps(pair.anonymized).decode(),
    ]


def live_view(f: Figures) -> RenderableType:
    """The whole live screen."""
    table = Table(title=f"event-anonymizer demo: {f.elapsed:,.0f} s", title_justify="left")
    table.add_column("figure", style="bold")
    table.add_column("now", justify="right")
    table.add_column("total", justify="right")
    table.add_row("generated (in)", f"{f.generated_rate:,.0f} /s", f"{f.generated:,}")
    table.add_row("anonymized (out)", f"{f.produced_rate:,.0f} /s", f"{f.produced:,.0f}")
    table.add_row("dead letters", f"{f.rejected_rate:,.0f} /s", f"{f.rejected_total:,.0f}")
    table.add_row("consumer lag", "-" if f.lag is None else f"{f.lag:,.0f}", "")
    table.add_row("latency p50 / p99", f"{ms(f.p50)} / {ms(f.p99)}", Text("last 5 s", "dim"))
    if f.gen_errors:
        table.add_row("[red]delivery errors[/]", "", f"{f.gen_errors:,}")
    reasons = ", ".join(f"{k} {v:,.0f}" for k, v in sorted(f.rejected.items()) if v)
    lines = Text(f"dead letters by reason: {reasons or 'none yet'}\n", style="dim")
    lines.append("\n".join(f.notes), style="yellow")
    return Group(table, lines, sample_panels(f.pair), Text("Ctrl-C to stop", style="dim"))


def status_line(f: Figures) -> str:
    """The same figures as one plain line (when the output is not a terminal)."""
    return (
        f"demo {f.elapsed:5.0f} s: in {f.generated_rate:,.0f}/s ({f.generated:,}), "
        f"out {f.produced_rate:,.0f}/s ({f.produced:,.0f}), dead letters {f.rejected_total:,.0f}, "
        f"lag {'-' if f.lag is None else f'{f.lag:,.0f}'}, "
        f"latency p50 {ms(f.p50)} p99 {ms(f.p99)}"
    )


@dataclass
class Summary:
    """The figures printed when the demo ends."""

    seconds: float
    generated: int
    gen_errors: int
    consumed: float
    anonymized: float
    dead_letters: float
    by_reason: dict[str, float]
    p50: float | None
    p99: float | None
    drained: bool

    def table(self) -> Table:
        t = Table(title="Demo summary", title_justify="left", show_header=False)
        t.add_column(style="bold")
        t.add_column(justify="right")
        rate = self.anonymized / self.seconds if self.seconds else 0.0
        rows = [
            ("run time", f"{self.seconds:,.1f} s"),
            ("generated", f"{self.generated:,}"),
            ("consumed by the worker", f"{self.consumed:,.0f}"),
            ("anonymized", f"{self.anonymized:,.0f}"),
            ("dead letters", f"{self.dead_letters:,.0f}"),
            ("throughput (anonymized)", f"{rate:,.0f} events/s"),
            ("latency p50 / p99 (all)", f"{ms(self.p50)} / {ms(self.p99)}"),
            ("every event accounted for", "yes" if self.drained else "no (worker still behind)"),
        ]
        if self.gen_errors:
            rows.insert(2, ("delivery errors", f"{self.gen_errors:,}"))
        for row in rows:
            t.add_row(*row)
        return t

    def lines(self) -> list[str]:
        reasons = ", ".join(f"{k}={v:,.0f}" for k, v in sorted(self.by_reason.items()) if v)
        rate = self.anonymized / self.seconds if self.seconds else 0.0
        return [
            f"summary: generated {self.generated:,}, anonymized {self.anonymized:,.0f}, "
            f"dead letters {self.dead_letters:,.0f} ({reasons or 'none'}), "
            f"consumed {self.consumed:,.0f}, delivery errors {self.gen_errors:,}",
            f"summary: {self.seconds:,.1f} s, throughput {rate:,.0f} events/s anonymized, "
            f"latency p50 {ms(self.p50)} p99 {ms(self.p99)}, "
            f"all accounted for: {'yes' if self.drained else 'no'}",
        ]
