"""`anonymizer config`: the effective configuration, secrets masked, every mistake listed."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from pipeline.config.engine import EngineSettings, load_engine_settings
from pipeline.config.env_names import unknown_names
from pipeline.config.kafka import KafkaSettings, load_kafka_settings
from pipeline.config.registry import load_registry_settings
from pipeline.config.worker import load_worker_settings
from pipeline.core.client_ip import ClientResolver
from pipeline.core.geo import GeoResolver, default_database
from pipeline.core.policy import load_policy
from pipeline.errors import ConfigError

MASK = "***"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `config` command."""
    p = subparsers.add_parser(
        "config",
        help="print the effective configuration (secrets masked) and check it",
        description=(
            "Print the effective configuration: Kafka, privacy engine, worker, wire format and "
            "schema registry settings from the environment (ANONYMIZER_*) and the optional "
            "config file (--config-file), each with where it came from. Secrets are shown as "
            "***; the key ring only as key ids and a count. "
            "Every mistake found is listed; exit code 2 if there is any."
        ),
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of tables")
    p.set_defaults(func=run)


def _source(settings: Any, name: str) -> str:
    if f"ANONYMIZER_{name.upper()}" in os.environ:
        return "env"
    return "file" if name in settings.model_fields_set else "default"


def kafka_section(settings: KafkaSettings) -> list[dict[str, Any]]:
    """One row per Kafka setting: name, masked value, source."""
    return [
        {"name": k, "value": v, "source": _source(settings, k)}
        for k, v in settings.masked().items()
    ]


def engine_section(settings: EngineSettings, errors: list[str]) -> list[dict[str, Any]]:
    """One row per engine setting; loads the key ring, policy and GeoIP database to check them
    (their mistakes go to `errors`). The key ring is shown as ids and a count, never a key."""
    rows: list[dict[str, Any]] = []
    try:
        ring = settings.key_ring()
        keys: Any = {"count": len(ring.keys), "ids": list(ring.ids), "active": ring.active.key_id}
    except ConfigError as exc:
        errors.append(f"keys: {exc}")
        keys = None if settings.keys is None else MASK + " (invalid)"
    rows.append({"name": "keys", "value": keys, "source": _source(settings, "keys")})
    policy = None
    try:
        policy = load_policy(settings.policy)
        policy_text = f"{settings.policy or 'packaged web-events.v1.toml'} ({policy.label})"
    except ConfigError as exc:
        errors.append(f"policy: {exc}")
        policy_text = str(settings.policy)
    rows.append({"name": "policy", "value": policy_text, "source": _source(settings, "policy")})
    geo_text = str(settings.geoip or default_database())
    if policy is not None:
        try:
            geo = GeoResolver(
                settings.geoip,
                min_city_population=policy.min_city_population,
                no_city_countries=policy.no_city_countries,
            )
            geo_text += f" ({geo.build})"
        except ConfigError as exc:
            errors.append(f"geoip: {exc}")
    rows.append({"name": "geoip", "value": geo_text, "source": _source(settings, "geoip")})
    proxies = [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]
    try:
        ClientResolver(proxies, 1)
    except ConfigError as exc:
        errors.append(str(exc))
    rows.append(
        {
            "name": "trusted_proxies",
            "value": ", ".join(proxies),
            "source": _source(settings, "trusted_proxies"),
        }
    )
    rows.append(
        {
            "name": "max_record_bytes",
            "value": settings.max_record_bytes,
            "source": _source(settings, "max_record_bytes"),
        }
    )
    return rows


def collect(config_file: Path | None) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """The sections that could be loaded and every mistake found (first any unknown
    ANONYMIZER_* variable: a misspelled name leaves its setting at the default)."""
    errors: list[str] = [str(unknown) for unknown in unknown_names(os.environ)]
    sections: dict[str, list[dict[str, Any]]] = {}
    try:
        sections["kafka"] = kafka_section(load_kafka_settings(config_file))
    except ConfigError as exc:
        errors.extend(_split(exc))
    try:
        sections["engine"] = engine_section(load_engine_settings(config_file=config_file), errors)
    except ConfigError as exc:
        errors.extend(_split(exc))
    try:
        worker = load_worker_settings(config_file)
        sections["worker"] = [
            {"name": k, "value": str(v) if v is not None else None, "source": _source(worker, k)}
            for k, v in worker.model_dump().items()
        ]
    except ConfigError as exc:
        errors.extend(_split(exc))
    try:
        registry = load_registry_settings(config_file)
        sections["registry"] = [
            {"name": k, "value": v, "source": _source(registry, k)}
            for k, v in registry.masked().items()
        ]
    except ConfigError as exc:
        errors.extend(_split(exc))
    # a config file that cannot be read, or has an unknown section, fails every loader alike
    return sections, list(dict.fromkeys(errors))


def _split(exc: ConfigError) -> list[str]:
    """A multi-line ConfigError ("invalid X:\\n  a\\n  b") as one entry per mistake."""
    head, *rest = str(exc).splitlines()
    prefix = head.removeprefix("invalid ").rstrip(":")
    return [f"{prefix}: {line.strip()}" for line in rest] if rest else [head]


def _text(value: Any) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, dict) and "ids" in value:
        return f"{value['count']} key(s): {', '.join(value['ids'])} (active: {value['active']})"
    return str(value)


def run(args: argparse.Namespace) -> int:
    """Print the configuration and the mistakes; 2 if there are any."""
    sections, errors = collect(args.config_file)
    if args.json:
        doc: dict[str, Any] = {
            name: {row["name"]: row["value"] for row in rows} for name, rows in sections.items()
        }
        doc["sources"] = {
            name: {row["name"]: row["source"] for row in rows} for name, rows in sections.items()
        }
        doc["errors"] = errors
        print(json.dumps(doc, indent=2, default=str))
    else:
        console = Console()
        titles = {
            "kafka": "Kafka settings",
            "engine": "Privacy engine settings",
            "worker": "Worker settings",
            "registry": "Wire format and schema registry",
        }
        for name, rows in sections.items():
            table = Table(title=titles[name], title_justify="left")
            table.add_column("setting", style="bold")
            table.add_column("value", overflow="fold")
            table.add_column("source", style="dim")
            for row in rows:
                table.add_row(row["name"], _text(row["value"]), row["source"])
            console.print(table)
    if errors:
        err = Console(stderr=True, soft_wrap=True)
        err.print(f"[red]{len(errors)} configuration error(s):[/]", highlight=False)
        for line in errors:
            err.print(f"  {line}", highlight=False, markup=False)
        return 2
    return 0
