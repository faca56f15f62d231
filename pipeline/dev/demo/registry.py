"""The demo's schema registry: started beside the broker when the wire format is Confluent."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack

from pipeline.registry.client import RegistryClient
from pipeline.registry.dist import APICURIO_VERSION
from pipeline.registry.embedded import EmbeddedRegistry

# The user's registry settings would point the worker away from the demo's own registry.
REGISTRY_ENV = ("SCHEMA_REGISTRY_URL", "SCHEMA_REGISTRY_USER_INFO", "SCHEMA_REGISTRY_CA_LOCATION")


def start_registry(say: Callable[[str], None], stack: ExitStack) -> EmbeddedRegistry:
    """An embedded Apicurio Registry on a free port, stopped when `stack` closes."""
    say(f"starting the embedded schema registry (Apicurio {APICURIO_VERSION})…")
    registry = EmbeddedRegistry()
    stack.callback(registry.stop)
    registry.start()
    return registry


def registry_env(env: dict[str, str], wire_format: str, url: str | None) -> None:
    """Point the worker's environment at the demo's wire format and registry."""
    for name in REGISTRY_ENV:
        env.pop(f"ANONYMIZER_{name}", None)
    env["ANONYMIZER_WIRE_FORMAT"] = wire_format
    if url is not None:
        env["ANONYMIZER_SCHEMA_REGISTRY_URL"] = url


def subject_lines(url: str) -> list[str]:
    """One line per subject the registry holds: latest version, id, compatibility."""
    client = RegistryClient(url)
    lines = []
    for subject in client.subjects():
        latest = client.latest(subject)
        level = client.compatibility(subject) or "(global)"
        lines.append(
            f"schema registry: {subject} version {latest.version}, id {latest.schema_id}, "
            f"compatibility {level}"
        )
    return lines
