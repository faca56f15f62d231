"""Every `ANONYMIZER_*` setting and its config-file section as a Markdown table
(docs/configuration.md's copy is checked against it)."""

from __future__ import annotations

from pipeline.config.base import Settings
from pipeline.config.engine import EngineSettings
from pipeline.config.kafka import KafkaSettings
from pipeline.config.registry import RegistrySettings
from pipeline.config.worker import WorkerSettings

START = "<!-- settings-table:start -->"
END = "<!-- settings-table:end -->"
SECTIONS: tuple[tuple[str, type[Settings]], ...] = (
    ("privacy engine", EngineSettings),
    ("Kafka", KafkaSettings),
    ("worker", WorkerSettings),
    ("wire format and schema registry", RegistrySettings),
)


def _default(cls: type[Settings], name: str) -> str:
    field = cls.model_fields[name]
    if field.default_factory is not None:
        return "(host name)" if name == "instance_id" else "(computed)"
    value = field.default
    if value is None:
        return ""
    return f"`{value}`" if not isinstance(value, bool) else f"`{str(value).lower()}`"


def markdown() -> str:
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for title, cls in SECTIONS:
        lines.append(f"| **{title}**: `[{cls.section}]` in the config file | | |")
        for name, field in cls.model_fields.items():
            description = (field.description or "").replace("|", "\\|")
            lines.append(f"| `ANONYMIZER_{name.upper()}` | {_default(cls, name)} | {description} |")
    return "\n".join(lines)


def readme_block() -> str:
    return f"{START}\n{markdown()}\n{END}"
