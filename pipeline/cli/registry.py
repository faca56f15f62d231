"""`anonymizer registry`: run the embedded Apicurio schema registry in the foreground."""

from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType

from pipeline.kafka.broker import _tail
from pipeline.kafka.jars import java_executable
from pipeline.registry.dist import APICURIO_VERSION, ensure_registry
from pipeline.registry.embedded import EmbeddedRegistry


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `registry` command."""
    parser = subparsers.add_parser(
        "registry",
        help=f"run an Apicurio Registry {APICURIO_VERSION} (Confluent-compatible) for local use",
        description=(
            f"Run Apicurio Registry {APICURIO_VERSION} on 127.0.0.1 in the foreground until "
            "Ctrl-C or SIGTERM, with in-memory storage (schemas and ids are gone when it "
            "stops). Its Confluent-compatible API is at http://127.0.0.1:PORT/apis/ccompat/v7: "
            "give that URL as ANONYMIZER_SCHEMA_REGISTRY_URL. Needs Java 17+; the registry "
            "is downloaded with Maven on first use and cached."
        ),
    )
    parser.add_argument(
        "--port", type=int, default=8081, help="HTTP port on 127.0.0.1 (default: %(default)s)"
    )
    parser.add_argument(
        "--heap", default="256m", help="JVM maximum heap, e.g. 256m (default: %(default)s)"
    )
    parser.add_argument(
        "--fetch-only",
        action="store_true",
        help="only make sure the registry is downloaded, print where it is, and exit",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Fetch the registry, or run it until interrupted; 1 if it died."""
    if args.fetch_only:
        dist = ensure_registry()
        java_executable()  # fail now, with the install hint, rather than at first start
        print(f"Apicurio Registry {APICURIO_VERSION} ready in {dist}")
        return 0
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    registry = EmbeddedRegistry(port=args.port, heap=args.heap)
    try:
        registry.start()
        print(f"Apicurio Registry {APICURIO_VERSION} ready on {registry.url}", flush=True)
        print(f"  export ANONYMIZER_SCHEMA_REGISTRY_URL={registry.url}", flush=True)
        print(f"  log: {registry.log_file}\n  Ctrl-C to stop", flush=True)
        while not stop.wait(0.5):
            if not registry.running:
                print(f"the registry exited unexpectedly:\n{_tail(registry.log_file)}", flush=True)
                return 1
        print("stopping the registry...", flush=True)
        return 0
    finally:
        registry.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
