"""`anonymizer registry`: run the embedded Apicurio schema registry in the foreground."""

from __future__ import annotations

import argparse

from pipeline.cli.foreground import add_service_command, fetch_only, run_until_stopped
from pipeline.kafka.java_service import tail
from pipeline.registry.dist import APICURIO_VERSION, ensure_registry
from pipeline.registry.embedded import EmbeddedRegistry


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `registry` command."""
    add_service_command(
        subparsers,
        "registry",
        run,
        summary=f"run an Apicurio Registry {APICURIO_VERSION} (Confluent-compatible) for local use",
        description=(
            f"Run Apicurio Registry {APICURIO_VERSION} on 127.0.0.1 in the foreground until "
            "Ctrl-C or SIGTERM, with in-memory storage (schemas and ids are gone when it "
            "stops). Its Confluent-compatible API is at http://127.0.0.1:PORT/apis/ccompat/v7: "
            "give that URL as ANONYMIZER_SCHEMA_REGISTRY_URL. Needs Java 17+; the registry "
            "is downloaded with Maven on first use and cached."
        ),
        port=8081,
        port_use="HTTP",
        heap="256m",
        heap_examples="256m",
        fetched="the registry is downloaded, print where it is",
    )


def run(args: argparse.Namespace) -> int:
    """Fetch the registry, or run it until interrupted; 1 if it died."""
    if args.fetch_only:
        return fetch_only(ensure_registry, f"Apicurio Registry {APICURIO_VERSION}")
    registry = EmbeddedRegistry(port=args.port, heap=args.heap)
    return run_until_stopped(
        registry,
        ready=lambda: (
            f"Apicurio Registry {APICURIO_VERSION} ready on {registry.url}\n"
            f"  export ANONYMIZER_SCHEMA_REGISTRY_URL={registry.url}\n"
            f"  log: {registry.log_file}\n  Ctrl-C to stop"
        ),
        died=lambda: f"the registry exited unexpectedly:\n{tail(registry.log_file)}",
        stopping="stopping the registry...",
    )
