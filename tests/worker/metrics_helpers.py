"""Reading a worker's Prometheus endpoint in tests."""

from __future__ import annotations

import urllib.request


def scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        return response.read().decode()


def metric_value(text: str, name: str, labels: str = "") -> float:
    """Sum of the samples of `name` whose label set contains `labels` (e.g. 'outcome="committed"')."""
    total, found = 0.0, False
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            head, value = line.rsplit(" ", 1)
            if labels in head:
                total += float(value)
                found = True
    assert found, f"{name} {labels} not exported"
    return total
