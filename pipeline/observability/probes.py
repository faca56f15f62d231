"""Liveness and readiness of a worker, served beside `/metrics` on the metrics port.

- `GET /healthz` (liveness): 200 while the worker's loop keeps turning; 503 once it has not
  turned for `LIVENESS_SECONDS` (a transactional call retrying through a broker outage takes up
  to two minutes, so this is generous: restarting a worker costs a rebalance; a call blocked in
  librdkafka is handled sooner by the watchdog).
- `GET /readyz` (readiness): 200 when every check the engine reports passes, else 503. The
  confluent runtime reports `assigned` (in the consumer group with an assignment, possibly empty),
  `brokers` (connected to at least one broker, from librdkafka's statistics), `producing` (the
  transactional producer is initialised and its last transaction committed: no abort or retry
  since) and `not_fenced` (no other producer took this instance's transactional id); every
  engine reports `day_key` (today's day key is held). The faust runtime reports `day_key` only.

Both answer JSON: `{"status": "ok"|"failing", "checks": {name: {"ok": bool, "detail": str}}}`.
Details name states and Kafka error names only, never payloads or secrets.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, make_wsgi_app

LIVENESS_SECONDS = 300.0
STATS_INTERVAL_MS = 5000  # librdkafka statistics: how often the `brokers` check is refreshed


@dataclass(frozen=True, slots=True)
class Check:
    ok: bool
    detail: str = ""


class Health:
    """What the probes report; fed by the engine's loop (simple assignments, any thread)."""

    def __init__(
        self, stale_after: float = LIVENESS_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.stale_after, self.clock = stale_after, clock
        self._lock = threading.Lock()
        self._checks: dict[str, Check] = {}
        self._beat: float | None = None  # None: the engine does not beat (alive while serving)

    def expect(self, names: Iterable[str]) -> None:
        """Declare checks this engine reports; each fails ("not yet") until it is set."""
        with self._lock:
            for name in names:
                self._checks.setdefault(name, Check(False, "not yet"))

    def set(self, name: str, ok: bool, detail: str = "") -> None:
        with self._lock:
            self._checks[name] = Check(ok, detail)

    def beat(self) -> None:
        """The loop turned (call once per iteration)."""
        self._beat = self.clock()

    def liveness(self) -> tuple[bool, dict[str, Any]]:
        if self._beat is None:
            return True, {"loop": {"ok": True, "detail": "serving"}}
        age = self.clock() - self._beat
        ok = age < self.stale_after
        return ok, {"loop": {"ok": ok, "detail": f"last turn {age:.1f} s ago"}}

    def readiness(self) -> tuple[bool, dict[str, Any]]:
        with self._lock:
            checks = dict(self._checks)
        if not checks:
            return False, {"start-up": {"ok": False, "detail": "nothing reported yet"}}
        body = {name: {"ok": c.ok, "detail": c.detail} for name, c in sorted(checks.items())}
        return all(c.ok for c in checks.values()), body

    def ready(self) -> bool:
        return self.readiness()[0]

    def broker_stats(self, stats_json: str) -> None:
        """A librdkafka statistics document (`stats_cb`): how many brokers are connected, and
        the consumer group's join state."""
        stats = json.loads(stats_json)
        brokers = [b for b in stats.get("brokers", {}).values() if b.get("nodeid", -1) >= 0]
        up = sum(1 for b in brokers if b.get("state") == "UP")
        detail = f"{up} of {len(brokers)} brokers connected"
        self.set("brokers", up > 0, detail)


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # probes every few seconds
        pass


def app(registry: CollectorRegistry, health: Health) -> Callable[..., Iterable[bytes]]:
    """A WSGI app: /healthz, /readyz, and /metrics (also at /) from `registry`."""
    metrics = make_wsgi_app(registry)

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        if path in ("/metrics", "/"):
            return metrics(environ, start_response)
        if path not in ("/healthz", "/readyz"):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found: try /metrics, /healthz or /readyz\n"]
        ok, checks = health.liveness() if path == "/healthz" else health.readiness()
        body = json.dumps({"status": "ok" if ok else "failing", "checks": checks}).encode()
        status = "200 OK" if ok else "503 Service Unavailable"
        start_response(status, [("Content-Type", "application/json"),
                                ("Content-Length", str(len(body)))])  # fmt: skip
        return [body]

    return serve


def serve(registry: CollectorRegistry, health: Health, port: int, addr: str) -> WSGIServer:
    """Start serving on a daemon thread; OSError if the port cannot be bound."""
    server = make_server(addr, port, app(registry, health), _Server, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="metrics-http", daemon=True).start()
    return server
