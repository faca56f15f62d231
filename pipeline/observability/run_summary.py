"""Counts of one run (offline file, replay, worker): what came in, out, and why not."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rich.console import Console
from rich.table import Table

from pipeline.core.engine import BatchResult


@dataclass(slots=True)
class Summary:
    records_in: int = 0
    records_out: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def add(self, result: BatchResult, records_in: int) -> None:
        self.records_in += records_in
        self.records_out += len(result.records)
        self.rejected.update(r.reason.value for r in result.rejects)
        self.dropped.update(result.dropped)

    @property
    def rejects(self) -> int:
        return sum(self.rejected.values())

    @property
    def balanced(self) -> bool:
        """Every record in came out once: as a record or as a reject."""
        return self.records_in == self.records_out + self.rejects

    def as_dict(self) -> dict[str, object]:
        return {
            "records_in": self.records_in,
            "records_out": self.records_out,
            "rejected": dict(self.rejected.most_common()),
            "fields_dropped": dict(self.dropped.most_common()),
            "seconds": round(self.seconds, 3),
        }

    def render(self, console: Console) -> None:
        rate = self.records_in / self.seconds if self.seconds else 0.0
        table = Table(title="anonymizer summary", show_header=False, title_justify="left")
        table.add_column(style="bold")
        table.add_column(justify="right")
        table.add_row("records in", f"{self.records_in:,}")
        table.add_row("records out", f"{self.records_out:,}")
        table.add_row("rejected", f"{self.rejects:,}")
        for reason, n in self.rejected.most_common():
            table.add_row(f"  {reason}", f"{n:,}")
        table.add_row("fields dropped", f"{sum(self.dropped.values()):,}")
        for name, n in self.dropped.most_common():
            table.add_row(f"  {name}", f"{n:,}")
        table.add_row("time", f"{self.seconds:.2f} s ({rate:,.0f} records/s)")
        console.print(table)
