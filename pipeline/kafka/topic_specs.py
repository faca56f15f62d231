"""The declared topics: `topics/topics.toml` read into `TopicSpec`s, names from the settings."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.config.kafka import KafkaSettings
from pipeline.kafka.errors import TopicsError

# Roles whose topic name a KafkaSettings field overrides.
ROLE_SETTINGS = {
    "raw": "raw_topic",
    "anonymized": "anonymized_topic",
    "dead_letter": "dead_letter_topic",
    "day_secrets": "day_secrets_topic",
}


@dataclass(frozen=True)
class TopicSpec:
    """One declared topic."""

    role: str
    name: str
    partitions: int
    replication_factor: int
    config: dict[str, str] = field(default_factory=dict)
    description: str = ""


def default_topics_file() -> Path:
    """`topics/topics.toml` of the repository, or the copy bundled in the wheel."""
    package_root = Path(__file__).resolve().parent.parent
    for candidate in (
        package_root.parent / "topics" / "topics.toml",
        package_root / "_bundled" / "topics" / "topics.toml",
    ):
        if candidate.is_file():
            return candidate
    raise TopicsError(f"topics/topics.toml not found next to {package_root}: pass --file")


def load_topics(path: Path | None = None, settings: KafkaSettings | None = None) -> list[TopicSpec]:
    """Declared topics; a topic name set explicitly in `settings` replaces the file's name."""
    path = path or default_topics_file()
    try:
        doc = tomllib.loads(Path(path).read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TopicsError(f"cannot read topics file {path}: {exc}") from exc
    defaults = (doc.get("replication_factor", 1), doc.get("min_insync_replicas", 1))
    specs, problems = [], []
    for role, table in (doc.get("topics") or {}).items():
        try:
            specs.append(_spec(role, table, defaults, settings))
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"[topics.{role}]: {exc}")
    if not specs and not problems:
        problems.append("no [topics.<role>] tables")
    names = [s.name for s in specs]
    problems += [
        f"topic {n} declared twice" for n in sorted({n for n in names if names.count(n) > 1})
    ]
    if problems:
        raise TopicsError(f"invalid topics file {path}:\n  " + "\n  ".join(problems))
    return specs


def _spec(
    role: str, t: dict[str, Any], defaults: tuple[Any, Any], settings: KafkaSettings | None
) -> TopicSpec:
    name = str(t["name"])
    attr = ROLE_SETTINGS.get(role)
    if settings is not None and attr and attr in settings.model_fields_set:
        name = getattr(settings, attr)
    partitions = t["partitions"]
    rf = t.get("replication_factor", defaults[0])
    min_isr = t.get("min_insync_replicas", defaults[1])
    for label, value in (
        ("partitions", partitions),
        ("replication_factor", rf),
        ("min_insync_replicas", min_isr),
    ):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{label} must be a positive integer, not {value!r}")
    if settings is not None and settings.topic_replication_factor is not None:
        rf = settings.topic_replication_factor  # the single-node override: caps min ISR too
        min_isr = min(min_isr, rf)
    if min_isr > rf:
        raise ValueError(
            f"min_insync_replicas {min_isr} exceeds replication_factor {rf}: no write with "
            "acks=all could succeed"
        )
    config = {str(k): _config_value(v) for k, v in (t.get("config") or {}).items()}
    if "min.insync.replicas" in config:
        raise ValueError('set min_insync_replicas, not config "min.insync.replicas"')
    config["min.insync.replicas"] = str(min_isr)
    if role == "raw" and settings is not None:  # raw personal data lives for the window only
        config["retention.ms"] = str(settings.replay_window_ms)
    if role == "dead_letter" and settings is not None:
        kept = int(config.get("retention.ms", "-1"))
        if 0 <= kept < settings.replay_window_ms:
            raise ValueError(
                f"retention.ms {kept} is shorter than the replay window "
                f"({settings.replay_window_ms} ms): dead letters must stay for the window "
                "in which they can still be opened and re-driven"
            )
    return TopicSpec(role, name, partitions, rf, config, str(t.get("description", "")))


def _config_value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return ",".join(p.strip() for p in str(value).split(","))
