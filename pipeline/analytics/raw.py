"""Raw events in the output's shape, for measuring utility: the same analytics on the raw input.

The raw counterpart of `visitor_key` is the client address as the engine finds it (the same
parser and trusted-proxy rule), scoped to the site and UTC day. It is held only as a BLAKE2b
digest of (address, site, day), never as the address, so nothing computed from a raw view can
print one. Fields the analytics read pass as they are; URLs keep only what `urlsplit` reads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pipeline.core.client_ip import DEFAULT_TRUSTED_PROXIES, IP, ClientResolver
from pipeline.core.policy import load_policy

FIELDS = ("event_type", "site_id", "event_time", "url", "x", "y", "scroll_depth",
          "viewport_width", "viewport_height", "screen_width", "screen_height", "user_agent",
          "language", "experiment_id", "variant_id", "conversion_goal")  # fmt: skip


class RawView:
    """Turns raw events (decoded JSON dicts) into records shaped like the anonymized ones."""

    def __init__(self, trusted_proxies: Iterable[str] = DEFAULT_TRUSTED_PROXIES) -> None:
        self.resolver = ClientResolver(trusted_proxies, load_policy().max_forwarded_hops)

    def client(self, event: Mapping[str, Any]) -> IP | None:
        """The client address of a raw event, as the engine finds it (keep it in memory only)."""
        ip, xff = event.get("ip"), event.get("forwarded_for")
        return self.resolver.resolve(
            ip if isinstance(ip, str) else None, xff if isinstance(xff, str) else None
        )

    def record(self, event: Mapping[str, Any]) -> dict[str, Any]:
        """One raw event as an output-shaped record (visitor_key: a digest, or None)."""
        out = {name: event.get(name) for name in FIELDS}
        client = self.client(event)
        if client is None:
            out["visitor_key"] = None
        else:
            day = event["event_time"] // 86_400_000
            text = f"{client}|{event['site_id']}|{day}".encode()
            out["visitor_key"] = hashlib.blake2b(text, digest_size=16).hexdigest()
        return out

    def records(self, events: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
        """Each raw event as an output-shaped record."""
        for event in events:
            yield self.record(event)
