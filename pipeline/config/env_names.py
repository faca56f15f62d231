"""Every `ANONYMIZER_*` environment variable the project reads, and the unknown ones set.

A misspelled setting (`ANONYMIZER_BATCH_SIZ`) would otherwise be ignored without a word: the
settings classes read only the names of their fields. The known names are derived from those
fields, plus the few names read directly (`os.environ`, the ops scripts).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from pydantic_settings import BaseSettings

from pipeline.config.engine import EngineSettings
from pipeline.config.file import CONFIG_FILE_ENV
from pipeline.config.kafka import KafkaSettings
from pipeline.config.registry import RegistrySettings
from pipeline.config.worker import WorkerSettings
from pipeline.kafka.jars import LIBS_ENV
from pipeline.observability.logs import FORMAT_ENV
from pipeline.registry.dist import DIST_ENV

PREFIX = "ANONYMIZER_"
SETTINGS: tuple[type[BaseSettings], ...] = (
    KafkaSettings,
    EngineSettings,
    WorkerSettings,
    RegistrySettings,
)
# Read by the ops scripts (ops/lib/helm.sh, ops/lib/prometheus.sh, ops/bootstrap.sh), which
# may be set in the shell that runs a worker.
OPS_NAMES = ("ANONYMIZER_HELM", "ANONYMIZER_PROMETHEUS_BIN", "ANONYMIZER_VENV")
# Read with os.environ rather than through a settings class.
DIRECT_NAMES = (CONFIG_FILE_ENV, FORMAT_ENV, LIBS_ENV, DIST_ENV, *OPS_NAMES)


@dataclass(frozen=True, slots=True)
class UnknownName:
    """An `ANONYMIZER_*` variable nothing reads, and the known name it most resembles."""

    name: str
    suggestion: str | None

    def __str__(self) -> str:
        hint = f" (did you mean {self.suggestion}?)" if self.suggestion else ""
        return f"unknown setting {self.name}{hint}"


@cache
def known_names() -> frozenset[str]:
    """Every accepted `ANONYMIZER_*` name, upper case."""
    fields = {f"{PREFIX}{name}".upper() for cls in SETTINGS for name in cls.model_fields}
    return frozenset(fields | set(DIRECT_NAMES))


def unknown_names(environ: Mapping[str, str]) -> list[UnknownName]:
    """The `ANONYMIZER_*` names in `environ` that nothing reads, sorted, each with the closest
    known name if one is close. Names are compared ignoring case, as the settings classes read
    them; values are never looked at."""
    known = known_names()
    suffixes = sorted(name.removeprefix(PREFIX) for name in known)
    unknown = []
    for name in sorted(environ):
        upper = name.upper()
        if not upper.startswith(PREFIX) or upper in known:
            continue
        close = difflib.get_close_matches(upper.removeprefix(PREFIX), suffixes, n=1)
        unknown.append(UnknownName(name, PREFIX + close[0] if close else None))
    return unknown
