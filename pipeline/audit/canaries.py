"""Personal-data canaries: the engine's own detectors run again over every emitted text field.

Each text value is normalized as the engine does (`normalize_text`) and searched with
`detect.find`; the markers the scrubber leaves (`[email]`, `[id]`, ...) are cut out first, so
what was removed is never counted, only what got through. Only counts and record positions are
kept: what a detector found is never repeated.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Any

from pipeline.core.detect import MARKERS, find
from pipeline.core.normalize import normalize_text

_MARKER = re.compile("|".join(re.escape(m) for m in sorted(MARKERS.values())))
EXAMPLES = 10  # record positions kept per field and kind


@lru_cache(maxsize=1 << 16)
def findings_in(text: str, versions: bool = False) -> tuple[str, ...]:
    """The kinds of personal data the detectors find in `text`, outside the scrubber's markers."""
    kinds: list[str] = []
    for piece in _MARKER.split(normalize_text(text)):
        if piece.strip():
            kinds.extend(f.kind.value for f in find(piece, versions=versions))
    return tuple(kinds)


class Canaries:
    """Counts findings by field and kind over the text fields (name -> user-agent versions)."""

    def __init__(self, text_fields: dict[str, bool]) -> None:
        self.text_fields = text_fields
        self.counts: Counter[tuple[str, str]] = Counter()
        self.records_with_findings = 0
        self.positions: dict[tuple[str, str], list[int]] = {}

    def add(self, position: int, record: dict[str, Any]) -> None:
        """Check one record (`position`: its 0-based place in the read, for the report)."""
        found = False
        for name, versions in self.text_fields.items():
            value = record.get(name)
            if not value:
                continue
            for kind in findings_in(value, versions):
                found = True
                self.counts[name, kind] += 1
                seen = self.positions.setdefault((name, kind), [])
                if len(seen) < EXAMPLES and (not seen or seen[-1] != position):
                    seen.append(position)
        self.records_with_findings += found

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def figures(self) -> dict[str, Any]:
        by_kind: Counter[str] = Counter()
        for (_, kind), n in self.counts.items():
            by_kind[kind] += n
        return {
            "fields_checked": sorted(self.text_fields),
            "findings": self.total,
            "records_with_findings": self.records_with_findings,
            "by_kind": dict(sorted(by_kind.items())),
            "by_field_and_kind": [
                {"field": f, "kind": k, "count": n, "first_records": self.positions[f, k]}
                for (f, k), n in sorted(self.counts.items())
            ],
        }
